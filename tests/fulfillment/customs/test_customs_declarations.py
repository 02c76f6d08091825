"""The daily export list for the e-commerce export declaration (fulfillment/customs/documents/declarations.py)."""
from __future__ import annotations

import copy
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from fulfillment.customs.documents import COLUMNS, declaration_rows, declarations_csv
from fulfillment.customs.errors import CustomsDataInvalid
from fulfillment.customs.rules import load_bundled, parse_rules

from .customs_helpers import ESSENCE, HANBIT, HANDED_OVER, JEJU, SEOUL, TEA, item, parcel

CEILING = 2_000_000  # KRW FOB, the confirmed figure of the rules file


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_row_per_item_with_krw_fob_values():
    rows = read_csv(declarations_csv([parcel(ESSENCE, TEA)]))

    assert [(r["sku"], r["quantity"], r["unit_fob_krw"], r["line_fob_krw"], r["exporter_parcel_fob_krw"])
            for r in rows] == [("HB-ESS-100", "1", "33000", "33000", "33000"),
                               ("JJ-TEA-80", "2", "24000", "48000", "48000")]
    essence = rows[0]
    assert essence["exporter_name"] == "주식회사 한빛코스메틱" and essence["exporter_business_number"] == "123-45-67891"
    assert rows[1]["exporter_business_number"] == "220-81-00016"
    assert essence["hs_code"] == "330499" and essence["description"] == "Snail mucin essence 100 ml"
    assert essence["origin_country"] == "KR" and essence["destination_country"] == "US"
    assert essence["tracking_number"] == "EE000100000KR" and essence["carrier"] == "ems"
    assert essence["shipment_number"] == "SHP-2611-0001" and essence["order_number"] == "ORD-2611-0001"
    assert rows[1]["net_weight_g"] == "180"
    assert all(r["declaration_type"] == "15" and r["full_declaration_required"] == "false" for r in rows)


def test_the_header_is_the_stable_column_order_and_the_text_is_utf8_without_bom():
    text = declarations_csv([parcel(ESSENCE)])

    assert text.splitlines()[0].split(",") == list(COLUMNS)
    assert not text.startswith("\ufeff") and text.encode("utf-8").decode("utf-8") == text
    assert text.endswith("\r\n")
    assert declarations_csv([]) == ",".join(COLUMNS) + "\r\n"


def test_the_day_is_the_korean_calendar_day():
    late = datetime(2026, 11, 25, 16, 30, tzinfo=timezone.utc)  # 01:30 on the 26th in Seoul

    row = read_csv(declarations_csv([parcel(ESSENCE, at=late)]))[0]

    assert row["handed_over_on"] == "2026-11-26" and row["handed_over_at"] == "2026-11-26T01:30:00+09:00"


@pytest.mark.parametrize("unit_krw, quantity, qualifies", [
    (CEILING, 1, True), (CEILING // 2, 2, True), (CEILING + 1, 1, False), (1_000_001, 2, False),
])
def test_a_parcel_over_the_ceiling_needs_a_full_declaration(unit_krw, quantity, qualifies):
    row = declaration_rows([parcel(item(krw=unit_krw, quantity=quantity))])[0]

    assert row["exporter_parcel_fob_krw"] == unit_krw * quantity
    assert row["full_declaration_required"] is (not qualifies)
    assert row["declaration_type"] == ("15" if qualifies else "")


def test_the_ceiling_adds_up_every_line_of_the_exporter_in_the_parcel():
    rows = declaration_rows([parcel(item("A", krw=1_200_000), item("B", krw=900_000))])

    assert [r["exporter_parcel_fob_krw"] for r in rows] == [2_100_000, 2_100_000]
    assert all(r["full_declaration_required"] for r in rows)


def test_two_sellers_in_one_parcel_are_two_exporters():
    # 3.0m KRW in the parcel, but 1.5m per exporter: both stay under the simplified type.
    both_under = declaration_rows([parcel(item("A", seller=HANBIT, krw=1_500_000),
                                          item("B", seller=JEJU, krw=1_500_000))])
    # One seller over, one under, in one parcel: flagged independently.
    one_over = declaration_rows([parcel(item("A", seller=HANBIT, krw=2_500_000),
                                        item("B", seller=JEJU, krw=10_000),
                                        item("C", seller=JEJU, krw=5_000, quantity=3))])

    assert [(r["seller_id"], r["declaration_type"], r["full_declaration_required"]) for r in both_under] == [
        ("sel_hanbit", "15", False), ("sel_jeju", "15", False)]
    assert [(r["sku"], r["exporter_parcel_fob_krw"], r["full_declaration_required"]) for r in one_over] == [
        ("A", 2_500_000, True), ("B", 25_000, False), ("C", 25_000, False)]


def test_the_same_seller_in_two_parcels_is_counted_per_parcel():
    rows = declaration_rows([parcel(item(krw=1_500_000), number="SHP-0001"),
                             parcel(item(krw=1_500_000), number="SHP-0002")])

    assert [r["exporter_parcel_fob_krw"] for r in rows] == [1_500_000, 1_500_000]
    assert not any(r["full_declaration_required"] for r in rows)


def test_rows_are_sorted_by_time_shipment_seller_and_sku():
    later = HANDED_OVER + timedelta(hours=2)
    parcels = [
        parcel(item("Z", seller=SEOUL), item("B", seller=HANBIT), item("A", seller=HANBIT), number="SHP-0009",
               at=later),
        parcel(item("Q", seller=JEJU), number="SHP-0005", at=later),
        parcel(item("K", seller=JEJU), number="SHP-0007", at=HANDED_OVER),
    ]

    rows = declaration_rows(parcels)

    assert [(r["shipment_number"], r["sku"]) for r in rows] == [
        ("SHP-0007", "K"), ("SHP-0005", "Q"), ("SHP-0009", "A"), ("SHP-0009", "B"), ("SHP-0009", "Z")]


@pytest.mark.parametrize("description", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(description):
    row = read_csv(declarations_csv([parcel(item(description=description, sku=description))]))[0]

    assert row["description"] == "'" + description and row["sku"] == "'" + description
    assert row["quantity"] == "1"  # numbers are not touched


def test_ordinary_text_is_left_alone_and_rows_keep_it_raw():
    odd = item(description="Mask, \"cooling\" 10-pack")

    assert read_csv(declarations_csv([parcel(odd)]))[0]["description"] == "Mask, \"cooling\" 10-pack"
    assert declaration_rows([parcel(item(description="=1"))])[0]["description"] == "=1"


def test_the_ceiling_comes_from_the_rules_data():
    data = copy.deepcopy(load_bundled())
    data["ecommerce_export_declaration"]["max_fob_krw"] = 4_000_000  # the unverified figure, as a data edit
    rules = parse_rules(data)

    row = declaration_rows([parcel(item(krw=3_000_000))], rules=rules)[0]

    assert row["declaration_type"] == "15" and row["full_declaration_required"] is False
    assert declaration_rows([parcel(item(krw=3_000_000))])[0]["full_declaration_required"] is True


def test_a_naive_handover_time_is_refused():
    with pytest.raises(CustomsDataInvalid) as caught:
        parcel(ESSENCE, at=datetime(2026, 11, 25, 12, 0))

    assert caught.value.field == "handed_over_at"


def test_one_seller_id_with_two_business_numbers_is_refused():
    twin = item("X", seller=("sel_hanbit", "주식회사 한빛코스메틱", "1058100018"))

    with pytest.raises(CustomsDataInvalid) as caught:
        declaration_rows([parcel(ESSENCE), parcel(twin, number="SHP-0002")])

    assert caught.value.field == "parcels[1].items[0].seller_id"


def test_a_bad_seller_number_is_refused_naming_the_line():
    with pytest.raises(CustomsDataInvalid) as caught:
        declaration_rows([parcel(ESSENCE, item("X", seller=("sel_x", "X", "123-45-67890")))])

    assert caught.value.field == "parcels[0].items[1].seller_business_number"
