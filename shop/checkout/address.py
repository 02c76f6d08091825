"""Shipping address validation: country and subdivision (pycountry), phone (phonenumbers), postal code.

Postal-code formats are kept as data below: a pattern for countries that use a
postal code (then it is required), ``None`` for countries that have none. A country
not listed may give one (free text) but need not.
"""
from __future__ import annotations

import re

import phonenumbers
import pycountry
from flask_babel import lazy_gettext as _l

from .errors import CountryNotInMarket, InvalidAddress

POSTAL_CODES: dict[str, str | None] = {
    "US": r"\d{5}(-\d{4})?", "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d", "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "JP": r"\d{3}-?\d{4}", "CN": r"\d{6}", "AU": r"\d{4}", "SG": r"\d{6}", "VN": r"\d{5,6}",
    "TW": r"\d{3}(\d{2,3})?", "KR": r"\d{5}", "HK": None, "IE": r"[A-Z\d]{3} ?[A-Z\d]{4}",
    "DE": r"\d{5}", "FR": r"\d{5}", "IT": r"\d{5}", "ES": r"\d{5}", "NL": r"\d{4} ?[A-Z]{2}", "BE": r"\d{4}",
    "AT": r"\d{4}", "PT": r"\d{4}-\d{3}", "PL": r"\d{2}-\d{3}", "SE": r"\d{3} ?\d{2}", "DK": r"\d{4}",
    "FI": r"\d{5}", "GR": r"\d{3} ?\d{2}", "CZ": r"\d{3} ?\d{2}", "SK": r"\d{3} ?\d{2}", "HU": r"\d{4}",
    "RO": r"\d{6}", "BG": r"\d{4}", "HR": r"\d{5}", "SI": r"\d{4}", "LT": r"(LT-)?\d{5}", "LV": r"(LV-)?\d{4}",
    "EE": r"\d{5}", "LU": r"(L-)?\d{4}", "MT": r"[A-Z]{3} ?\d{4}", "CY": r"\d{4}",
}
# Where carriers need the state or province to deliver.
SUBDIVISION_REQUIRED = frozenset({"US", "CA", "AU"})

REQUIRED = _l("This field is required.")
BAD_COUNTRY = _l("Not a known ISO 3166-1 country code.")
BAD_SUBDIVISION = _l("Not a subdivision of this country (use its ISO 3166-2 code, e.g. CA-ON or ON).")
BAD_POSTAL = _l("Not a valid postal code for this country.")
NO_POSTAL = _l("This country does not use postal codes; leave it empty.")
BAD_PHONE = _l("Not a valid phone number for this country (include the country code if it is abroad).")


def normalize_address(data: dict, market_countries: list[str], market_code: str) -> dict:
    """The validated, normalised address (upper-case codes, E.164 phone); raises ``InvalidAddress``.

    Raises ``CountryNotInMarket`` when the country is real but outside the cart's market.
    """
    errors: dict[str, list] = {}
    result = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    country_code = (result.get("country") or "").upper()
    country = pycountry.countries.get(alpha_2=country_code) if len(country_code) == 2 else None
    if country is None:
        raise InvalidAddress(errors={"country": [BAD_COUNTRY]})
    if country_code not in market_countries:
        raise CountryNotInMarket(market=market_code)
    result["country"] = country_code

    region = (result.get("region") or "").upper()
    if region:
        code = region if region.startswith(f"{country_code}-") else f"{country_code}-{region}"
        if pycountry.subdivisions.get(code=code) is None:
            errors["region"] = [BAD_SUBDIVISION]
        else:
            result["region"] = code
    elif country_code in SUBDIVISION_REQUIRED:
        errors["region"] = [REQUIRED]

    postal = (result.get("postal_code") or "").upper()
    if country_code in POSTAL_CODES:
        pattern = POSTAL_CODES[country_code]
        if pattern is None and postal:
            errors["postal_code"] = [NO_POSTAL]
        elif pattern is not None and not postal:
            errors["postal_code"] = [REQUIRED]
        elif pattern is not None and not re.fullmatch(pattern, postal):
            errors["postal_code"] = [BAD_POSTAL]
    if postal:
        result["postal_code"] = postal
    else:
        result.pop("postal_code", None)

    phone = result.get("phone") or ""
    if not phone:
        errors["phone"] = [REQUIRED]
    else:
        try:
            number = phonenumbers.parse(phone, country_code)
            if not phonenumbers.is_valid_number(number):
                raise phonenumbers.NumberParseException(0, "invalid")
            result["phone"] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            errors["phone"] = [BAD_PHONE]
    if errors:
        raise InvalidAddress(errors=errors)
    return result
