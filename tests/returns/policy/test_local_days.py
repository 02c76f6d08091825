"""Periods count calendar days where the buyer is: both ends of the day, for JP, EU, AU and US (no database)."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from returns import policy
from returns.policy import days
from tests.returns.policy.test_policy import MARKETS, NONE_STATED, THIRTY


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def change_of_mind(market, country, seller, delivered, requested):
    return policy.decide_return(MARKETS[market], seller, category="household", reason="changed_mind", opened=False,
                                delivered_at=utc(delivered), requested_at=utc(requested),
                                zones=days.zones_for(country))


# market, buyer's country, seller, delivered (UTC), last day, zone, last instant allowed (UTC), first refused
BOUNDARIES = [
    # JP, 8 days without a stated policy: 23:26Z on 7 December is 8 December in Tokyo (the case).
    ("JP", "JP", NONE_STATED, "2026-12-07T23:26:00", "2026-12-16", "Asia/Tokyo",
     "2026-12-16T14:59:59", "2026-12-16T15:00:00"),
    ("JP", "JP", NONE_STATED, "2026-12-07T14:59:59", "2026-12-15", "Asia/Tokyo",
     "2026-12-15T14:59:59", "2026-12-15T15:00:00"),
    ("JP", "JP", NONE_STATED, "2026-12-07T15:00:00", "2026-12-16", "Asia/Tokyo",
     "2026-12-16T14:59:59", "2026-12-16T15:00:00"),
    # EU, 14 days from the day after delivery, in Berlin (UTC+1 in winter).
    ("EU", "DE", NONE_STATED, "2026-12-07T22:59:59", "2026-12-21", "Europe/Berlin",
     "2026-12-21T22:59:59", "2026-12-21T23:00:00"),
    ("EU", "DE", NONE_STATED, "2026-12-07T23:00:00", "2026-12-22", "Europe/Berlin",
     "2026-12-22T22:59:59", "2026-12-22T23:00:00"),
    # Portugal spans three zones: the Azores (UTC-1) end the same last day an hour after Lisbon.
    ("EU", "PT", NONE_STATED, "2026-12-07T23:30:00", "2026-12-21", "Atlantic/Azores",
     "2026-12-22T00:59:59", "2026-12-22T01:00:00"),
    # AU, a seller's 30 days. At 12:00Z every Australian zone is still on 7 December: Perth's day ends last.
    ("AU", "AU", THIRTY, "2026-12-07T12:00:00", "2027-01-06", "Australia/Perth",
     "2027-01-06T15:59:59", "2027-01-06T16:00:00"),
    # At 13:00Z it is 8 December in Sydney (UTC+11) and still 7 December in Perth: Sydney's last day ends later.
    ("AU", "AU", THIRTY, "2026-12-07T13:00:00", "2027-01-07", "Australia/Lord_Howe",
     "2027-01-07T12:59:59", "2027-01-07T13:00:00"),
    # US, a seller's 30 days. At 04:59:59Z it is 7 December everywhere in the US: Hawaii's day ends last.
    ("US", "US", THIRTY, "2026-12-08T04:59:59", "2027-01-06", "America/Adak",
     "2027-01-07T09:59:59", "2027-01-07T10:00:00"),
    # At 05:00Z New York is on 8 December: its last day (7 January) ends at 05:00Z on the 8th, later than Hawaii's.
    ("US", "US", THIRTY, "2026-12-08T05:00:00", "2027-01-07", "America/New_York",
     "2027-01-08T04:59:59", "2027-01-08T05:00:00"),
]


@pytest.mark.parametrize(("market", "country", "seller", "delivered", "last_day", "zone", "last_allowed",
                          "first_refused"), BOUNDARIES)
def test_the_window_ends_at_midnight_where_the_buyer_is(market, country, seller, delivered, last_day, zone,
                                                        last_allowed, first_refused):
    inside = change_of_mind(market, country, seller, delivered, last_allowed)
    assert inside.allowed is True, inside.reasons
    assert inside.last_day == date.fromisoformat(last_day) and inside.time_zone == zone
    outside = change_of_mind(market, country, seller, delivered, first_refused)
    assert outside.allowed is False and outside.last_day == date.fromisoformat(last_day)


def test_the_zone_chosen_is_the_one_whose_last_day_ends_latest():
    delivered = utc("2026-12-07T13:00:00")
    zones = days.zones_for("AU")
    chosen = days.count(delivered, delivered, zones, lambda day: day)
    ends = {}
    for name in zones:
        one = days.count(delivered, delivered, (name,), lambda day: day)
        ends[name] = datetime.combine(one.last_day, datetime.max.time(), tzinfo=days.ZoneInfo(name))
    assert ends[chosen.zone] == max(ends.values())


def test_a_warranty_counts_months_in_the_buyers_calendar():
    seller = policy.SellerPolicy(warranty_months=12)
    decision = policy.decide_warranty(MARKETS["JP"], seller, category="electronics",
                                      delivered_at=utc("2026-12-07T23:26:00"), claimed_at=utc("2027-12-08T14:59:59"),
                                      zones=days.zones_for("JP"))
    assert decision.allowed is True and decision.last_day == date(2027, 12, 8) and decision.time_zone == "Asia/Tokyo"
    late = policy.decide_warranty(MARKETS["JP"], seller, category="electronics",
                                  delivered_at=utc("2026-12-07T23:26:00"), claimed_at=utc("2027-12-08T15:00:00"),
                                  zones=days.zones_for("JP"))
    assert late.allowed is False


def test_every_country_of_every_market_has_its_zones():
    from shop.markets.services import load_bundled

    countries = {country for market in load_bundled()["markets"] for country in market["countries"]}
    assert countries <= set(days.zone_data()["zones"])
    for country in countries:
        for name in days.zones_for(country):
            days.ZoneInfo(name)  # a zone the tz database knows
    assert days.zones_for("XX") == ("UTC",)


def test_return_options_show_the_last_day_in_the_buyers_zone(client, db_session, stripe_on):
    """A JP parcel delivered at 23:26 UTC three days ago arrived two days ago in Tokyo: 8 days run from there."""
    from datetime import time, timedelta

    from sqlalchemy import select

    from fulfillment.shipments.models import Shipment
    from shop.core.db import utcnow
    from shop.orders.models import Order
    from tests.fulfillment.shipments.helpers import warehouse
    from tests.returns.helpers import delivered_order, guest
    from tests.shop.checkout.helpers import make_item, make_seller

    seller = make_seller(db_session)
    seller.return_window_days = None  # no stated policy: Japan's 8 days
    item = make_item(db_session, seller, stock=5, warehouse=warehouse(db_session))
    order = delivered_order(client, db_session, stripe_on, [(item, 1)], market="JP", days_ago=3)
    at = datetime.combine(utcnow().date() - timedelta(days=3), time(23, 26), tzinfo=timezone.utc)
    for shipment in db_session.scalars(select(Shipment).where(Shipment.order_id == order.id)):
        shipment.delivered_at = at
    db_session.get(Order, order.id).delivered_at = at
    db_session.commit()

    response = client.get(f"/api/v1/store/orders/{order.id}/return-options", headers=guest(order))
    assert response.status_code == 200, response.json
    decision = response.json["lines"][0]["reasons"]["changed_mind"]["unopened"]
    tokyo_day = utcnow().date() - timedelta(days=2)
    assert decision["window_days"] == 8 and decision["time_zone"] == "Asia/Tokyo"
    assert decision["last_day"] == (tokyo_day + timedelta(days=8)).isoformat()


def test_the_evaluator_counts_in_the_country_given_or_in_the_markets_most_generous_zone(client, factory):
    from tests.fulfillment.shipments.helpers import staff

    body = {"market": "JP", "reason": "changed_mind", "delivered_at": "2026-12-07T23:26:00Z",
            "requested_at": "2026-12-16T10:00:00Z"}
    answer = client.post("/api/v1/admin/return-policy/evaluate", json={**body, "country": "JP"},
                         headers=staff(factory))
    assert answer.status_code == 200, answer.json
    assert answer.json["allowed"] is True and answer.json["last_day"] == "2026-12-16"
    assert answer.json["time_zone"] == "Asia/Tokyo"
    # 23:30Z is still 7 December in Portugal (its last day ends at 01:00Z on the 22nd, in the Azores) but
    # 8 December in Vienna, whose last day (the 22nd) ends at 23:00Z.
    body = {**body, "market": "EU", "delivered_at": "2026-12-07T23:30:00Z", "requested_at": "2026-12-22T22:30:00Z"}
    portugal = client.post("/api/v1/admin/return-policy/evaluate", json={**body, "country": "PT"},
                           headers=staff(factory))
    assert portugal.json["allowed"] is False and portugal.json["time_zone"] == "Atlantic/Azores"
    anywhere = client.post("/api/v1/admin/return-policy/evaluate", json=body, headers=staff(factory))
    assert anywhere.json["allowed"] is True and anywhere.json["time_zone"] == "Europe/Vienna"
    assert anywhere.json["last_day"] == "2026-12-22"
