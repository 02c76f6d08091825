"""Data files' prose: found by key, extracted into the gettext catalogs, translated on a copy."""
from i18n import catalogs
from i18n.data_texts import MARKET_RULE_TEXT_KEYS, find_texts, translate

MARKETS_JSON = "shop/markets/data/markets.json"


def test_only_the_prose_beneath_text_keys_is_found():
    block = {"notes": "A note.", "sources": ["US1"], "window_start": "delivery", "tax_name": "VAT",
             "fees": [{"code": "X_FEE", "applies_when": "gift under USD 100", "amount_minor": 104}],
             "excise_goods": ["tobacco", "methyl alcohol"], "notes_by": {"food": "no"},
             "unverified": {"food": [{"name": "RCM / EESS", "note": "⚠ Not verified."}]}}

    found = dict(find_texts(block, MARKET_RULE_TEXT_KEYS, "US.import"))

    assert found == {"US.import.notes": "A note.", "US.import.fees[0].applies_when": "gift under USD 100",
                     "US.import.excise_goods[0]": "tobacco", "US.import.excise_goods[1]": "methyl alcohol",
                     "US.import.unverified.food[0].note": "⚠ Not verified."}


def test_translate_returns_a_copy_with_only_the_prose_changed():
    block = {"notes": "A note.", "sources": ["US1"], "note": {"food": "Food note."}, "rate": "0.10"}

    translated = translate(block, MARKET_RULE_TEXT_KEYS, lambda text: f"<{text}>")

    assert translated == {"notes": "<A note.>", "sources": ["US1"], "note": {"food": "<Food note.>"}, "rate": "0.10"}
    assert block["notes"] == "A note." and block["note"] == {"food": "Food note."}


def test_the_market_rules_prose_is_extracted_with_its_json_path():
    template = catalogs.extract("markets")
    data_ids = {m.id: m.locations for m in template
                if m.id and any(path.startswith(MARKETS_JSON) for path, _ in m.locations)}

    us_returns = next(m for m in template if (f"{MARKETS_JSON}#US.returns.notes", None) in m.locations)
    assert us_returns.id.startswith("No federal right of withdrawal")
    assert (f"{MARKETS_JSON}#certificate_types.RCM", None) in \
        catalogs.extract("markets")["Australian RCM / EESS electrical safety and EMC compliance."].locations
    # codes, source ids, the market's CLDR name and the file's own description stay out
    for not_prose in ("US1", "delivery", "VAT", "RCM / EESS", "United States", "seller_policy"):
        assert not_prose not in data_ids
    assert not any(text.startswith("Destination-market rules for Dari") for text in data_ids)
    assert len(data_ids) > 150


def test_check_flags_untranslated_data_text(tmp_path, monkeypatch):
    monkeypatch.setattr(catalogs, "TRANSLATIONS_DIR", tmp_path)
    monkeypatch.setattr(catalogs, "DOMAINS", ("markets",))

    gaps = catalogs.missing()

    assert "No federal right of withdrawal: the FTC Cooling-Off Rule excludes sales made entirely online, " \
           "by mail or by phone, so the seller's posted return policy governs." in gaps[("de", "markets")]
