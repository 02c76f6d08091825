"""ManualCarrier: tracking-number formats (UPU S10 check digit), normalisation, tracking links."""
from __future__ import annotations

import pytest

from fulfillment.carriers.base import BookingRequest, InvalidTrackingNumber, PackageSpec, Party
from fulfillment.carriers.manual import ManualCarrier, known_carriers, s10_check_digit


@pytest.mark.parametrize("serial, check", [
    ("12345678", 5),  # 204 % 11 = 6 -> 5
    ("98765432", 6),  # 236 % 11 = 5 -> 6
    ("00004000", 0),  # 12 % 11 = 1 -> 10 -> 0
    ("10001000", 5),  # 11 % 11 = 0 -> 11 -> 5
    ("00000001", 4),  # 7 % 11 = 7 -> 4
])
def test_s10_check_digit(serial, check):
    assert s10_check_digit(serial) == check


@pytest.mark.parametrize("value, stored", [
    ("EE123456785KR", "EE123456785KR"),
    ("ee 1234 5678 5 kr", "EE123456785KR"),
    ("RR-987654326-KR", "RR987654326KR"),
    (" EE000040000KR\n", "EE000040000KR"),
    ("CP100010005KR", "CP100010005KR"),
    ("LX000000014DE", "LX000000014DE"),  # any 2-letter country: S10 is UPU-wide
])
def test_korea_post_accepts_valid_s10_numbers(value, stored):
    assert ManualCarrier("korea_post").normalize_tracking_number(value) == stored


@pytest.mark.parametrize("value, reason", [
    ("EE123456784KR", "check digit"),
    ("EE000040005KR", "check digit"),
    ("EE12345678KR", "UPU S10"),  # 8 digits, no check digit
    ("E123456785KR", "UPU S10"),
    ("EE123456785K", "UPU S10"),
    ("1234567890", "UPU S10"),
    ("", "UPU S10"),
    ("EE12345678５KR", "UPU S10"),  # a full-width digit is not a digit here
])
def test_korea_post_refuses_bad_numbers(value, reason):
    with pytest.raises(InvalidTrackingNumber) as error:
        ManualCarrier("korea_post").normalize_tracking_number(value)

    assert error.value.carrier == "korea_post" and error.value.value == value
    assert reason in error.value.reason


@pytest.mark.parametrize("value, ok", [
    ("1234567890", True), ("12 3456 7890", True), ("123-456-7890", True),
    ("123456789", False), ("12345678901", False), ("12345678AB", False),
    ("\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff10", False),  # full-width digits
])
def test_dhl_express_numbers_are_ten_digits(value, ok):
    carrier = ManualCarrier("dhl_express")

    if ok:
        assert carrier.normalize_tracking_number(value) == "1234567890"
    else:
        with pytest.raises(InvalidTrackingNumber):
            carrier.normalize_tracking_number(value)


@pytest.mark.parametrize("value, ok", [("1z999aa10123456784", True), ("ABC123", True), ("A" * 40, True),
                                       ("AB12", False), ("A" * 41, False), ("ABC_123", False), ("ÄBC123", False)])
def test_unknown_carrier_gets_the_generic_format(value, ok):
    carrier = ManualCarrier("cj_logistics")

    if ok:
        assert carrier.normalize_tracking_number(value) == value.upper()
    else:
        with pytest.raises(InvalidTrackingNumber):
            carrier.normalize_tracking_number(value)


@pytest.mark.parametrize("value", [None, 1234567890, b"EE123456785KR"])
def test_non_string_numbers_are_invalid(value):
    with pytest.raises(InvalidTrackingNumber):
        ManualCarrier("korea_post").normalize_tracking_number(value)


def test_tracking_urls_use_the_normalised_number():
    assert ManualCarrier("korea_post").tracking_url("ee 123456785 kr") == (
        "https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm?POST_CODE=EE123456785KR")
    assert ManualCarrier("dhl_express").tracking_url("123-456-7890") == (
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=1234567890")


def test_no_tracking_url_for_unknown_carrier_or_invalid_number():
    assert ManualCarrier("cj_logistics").tracking_url("ABC123456") is None
    assert ManualCarrier("korea_post").tracking_url("EE123456784KR") is None


def test_manual_carrier_books_nothing_and_polls_nothing():
    carrier = ManualCarrier("korea_post")
    party = Party(name="Dari Seoul", line1="1 Sejong-daero", city="Seoul", country="KR")
    request = BookingRequest(shipment_id="shp_1", reference="S-1001", carrier="korea_post", service="ems",
                             sender=party, receiver=Party(name="Ann Lee", line1="5 Main St", city="New York",
                                                          region="NY", postal_code="10001", country="US"),
                             packages=(PackageSpec(800, 300, 200, 100),), declared_value_minor=4500,
                             currency="USD", incoterm="DDP")

    assert carrier.book(request) is None
    assert carrier.cancel("EE123456785KR") is None
    assert carrier.fetch_events("EE123456785KR") == []


def test_data_file_names_the_carriers_orders_use():
    assert {"korea_post", "dhl_express"} <= set(known_carriers())
    assert ManualCarrier("korea_post").name == "Korea Post"
    assert ManualCarrier("cj_logistics").name == "cj_logistics"
