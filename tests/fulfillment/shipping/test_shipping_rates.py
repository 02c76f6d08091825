"""Carrier rate tables: zones, chargeable weight, limits (fulfillment/shipping/rates.py)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from fulfillment.shipping import rates
from fulfillment.shipping.rates import Item, Parcel, pack
from fulfillment.shipping.service import ShippingService, convert_krw
from i18n.money import Money


def codes(country, parcel):
    return [q.service for q in rates.quote_all(country, parcel)]


def test_small_parcel_gets_every_service_cheapest_first():
    parcel = Parcel(weight_g=300, length_mm=200, width_mm=150, height_mm=50)

    quotes = rates.quote_all("US", parcel)

    assert {q.service for q in quotes} == {"kpacket", "ems", "ems_premium", "courier"}
    assert [q.amount_krw for q in quotes] == sorted(q.amount_krw for q in quotes)
    kpacket = next(q for q in quotes if q.service == "kpacket")
    assert kpacket.zone == 4 and kpacket.transit_days == (10, 20)


@pytest.mark.parametrize("weight_g, offered", [(1999, True), (2000, True), (2001, False), (2500, False)])
def test_kpacket_refused_over_2_kg(weight_g, offered):
    parcel = Parcel(weight_g=weight_g, length_mm=300, width_mm=200, height_mm=100)

    assert ("kpacket" in codes("JP", parcel)) is offered
    assert "ems" in codes("JP", parcel)
    if not offered:
        assert rates.refusal(rates.get_service("kpacket"), "JP", parcel) == "too_heavy"


@pytest.mark.parametrize("dims, reason", [((610, 100, 100), "too_long"), ((400, 300, 250), "too_large"),
                                          ((600, 200, 100), None)])
def test_kpacket_size_limits(dims, reason):
    parcel = Parcel(500, *dims)

    assert rates.refusal(rates.get_service("kpacket"), "JP", parcel) == reason


def test_ems_uses_volumetric_weight_over_6000():
    ems = rates.get_service("ems")
    light_but_bulky = Parcel(weight_g=1000, length_mm=400, width_mm=300, height_mm=300)  # 36,000 cm³ / 6000 = 6 kg

    assert rates.volumetric_weight_g(ems, light_but_bulky) == 6000
    assert rates.chargeable_weight_g(ems, light_but_bulky) == 6000
    heavy_small = Parcel(weight_g=7000, length_mm=100, width_mm=100, height_mm=100)
    assert rates.chargeable_weight_g(ems, heavy_small) == 7000


def test_courier_divides_by_5000_and_prices_the_first_row_at_or_above():
    courier = rates.get_service("courier")
    parcel = Parcel(weight_g=500, length_mm=300, width_mm=200, height_mm=100)  # 6,000 cm³ / 5000 = 1.2 kg

    quote = rates.quote_service(courier, "JP", parcel)

    assert quote.volumetric_weight_g == 1200 and quote.chargeable_weight_g == 1200
    zone_rows = [r for r in courier["rates"] if r["zone"] == courier["zones"]["JP"]]
    expected = next(r for r in zone_rows if r["up_to_g"] >= 1200)
    assert quote.amount_krw == expected["amount_minor"]


def test_ems_volumetric_weight_is_capped_at_30_kg():
    ems = rates.get_service("ems")
    huge = Parcel(weight_g=1000, length_mm=1000, width_mm=600, height_mm=600)  # 360 kg volumetric

    assert rates.volumetric_weight_g(ems, huge) == 30000


def test_country_missing_from_zones_is_not_served():
    parcel = Parcel(weight_g=300, length_mm=100, width_mm=100, height_mm=100)

    assert "kpacket" not in codes("IT", parcel)  # K-Packet's zones do not list Italy
    assert "ems" in codes("IT", parcel)
    assert codes("KP", parcel) == []


def test_pack_groups_units_in_blocks_stacks_blocks_and_adds_weights():
    parcel = pack([(Item(250, 80, 60, 80), 3), (Item(100, 200, 50, 10), 1)])

    # three 80×80×60 units make a 160×120×80 block (1×2×2); the 200×50×10 item lies on top of it
    assert parcel == Parcel(weight_g=850, length_mm=200, width_mm=120, height_mm=80 + 10)


def test_many_units_pack_into_a_compact_box():
    parcel = pack([(Item(400, 150, 100, 80), 20)])

    assert max(parcel.sides_desc) <= 400
    assert parcel.volume_mm3 >= 20 * 150 * 100 * 80


@pytest.mark.parametrize("currency, rate, krw, expected", [
    ("USD", "0.0006849", 49500, 3390),  # 33.90 USD
    ("JPY", "0.1062", 49500, 5257),
    ("KRW", "1", 49500, 49500),
    ("VND", "18.01", 49500, 891495),
    ("TWD", "0.02123", 49500, 105100),  # 1,050.885 → NT$1,051 (whole dollars)
])
def test_shipping_converts_to_the_market_currency(currency, rate, krw, expected):
    assert convert_krw(krw, currency, Decimal(rate)) == Money(expected, currency)


def test_service_options_are_in_the_market_currency():
    options = ShippingService().options(country="DE", items=[({"weight_g": 2500, "length_mm": 300, "width_mm": 200,
                                                               "height_mm": 100}, 1)],
                                        currency="EUR", fx_rate=Decimal("0.0005904"))

    assert options and all(o.amount.currency == "EUR" for o in options)
    assert "kpacket" not in [o.service for o in options]
