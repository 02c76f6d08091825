"""Low-stock alerts: a seller hears once a day at most about its variants at or under their threshold."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from fulfillment.inventory import services, tasks
from fulfillment.inventory.models import LowStockAlert
from fulfillment.inventory.services import alerts
from shop.catalog.models import ProductVariant
from shop.core import notifications
from shop.core.db import db, utcnow
from shop.core.jobs.schedule import periodic_jobs
from shop.core.notifications.models import Notification

from .inventory_helpers import make_variants, make_warehouse, put_stock, soon

DAY = date(2030, 5, 1)


def stocked(session, seller, *quantities, warehouse=None) -> list[str]:
    """Variants of one product of ``seller``, each with the given units in one warehouse."""
    warehouse = warehouse or make_warehouse(session)
    variant_ids = make_variants(session, seller, len(quantities))
    for variant_id, quantity in zip(variant_ids, quantities, strict=True):
        put_stock(session, variant_id, warehouse, quantity)
    return variant_ids


def sku(session, variant_id: str) -> str:
    return session.get(ProductVariant, variant_id).sku


def low_stock_mail(session) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.template == "low_stock")
                                .order_by(Notification.key)))


def alert_rows(session) -> list[tuple[str, date, int, int]]:
    return [tuple(row) for row in session.execute(
        select(LowStockAlert.variant_id, LowStockAlert.day, LowStockAlert.available, LowStockAlert.threshold)
        .order_by(LowStockAlert.day, LowStockAlert.variant_id))]


def test_a_variant_under_its_threshold_gets_one_alert_and_one_mail(app, db_session, factory):
    # given 3 units, under the default threshold of 5
    seller, _ = factory.seller()
    (variant_id,) = stocked(db_session, seller, 3)

    # when
    assert alerts.send_low_stock_alerts(db_session, today=DAY) == 1

    # then
    assert alert_rows(db_session) == [(variant_id, DAY, 3, services.DEFAULT_LOW_STOCK_THRESHOLD)]
    (mail,) = low_stock_mail(db_session)
    assert mail.key == f"low-stock:{seller.id}:2030-05-01"
    assert (mail.recipient, mail.locale, mail.sent_at) == (seller.contact_email, "ko", None)
    assert mail.context == {"seller_name": seller.legal_name, "day": "2030-05-01",
                            "items": [{"sku": sku(db_session, variant_id), "available": 3, "threshold": 5}]}
    # and the queued message renders in the seller's locale with what it was given
    rendered = notifications.render("low_stock", locale=mail.locale, context=mail.context)
    for body in (rendered.text, rendered.html):
        assert sku(db_session, variant_id) in body and seller.legal_name in body
    assert "2030" in rendered.subject and '<html lang="ko">' in rendered.html


def test_running_twice_the_same_day_adds_nothing_and_the_next_day_alerts_again(db_session, factory):
    seller, _ = factory.seller()
    (variant_id,) = stocked(db_session, seller, 2)
    assert alerts.send_low_stock_alerts(db_session, today=DAY) == 1

    assert alerts.send_low_stock_alerts(db_session, today=DAY) == 0
    assert len(alert_rows(db_session)) == 1 and len(low_stock_mail(db_session)) == 1

    assert alerts.send_low_stock_alerts(db_session, today=DAY + timedelta(days=1)) == 1
    assert [row[1] for row in alert_rows(db_session)] == [DAY, DAY + timedelta(days=1)]
    assert [mail.key for mail in low_stock_mail(db_session)] == [
        f"low-stock:{seller.id}:2030-05-01", f"low-stock:{seller.id}:2030-05-02"]


@pytest.mark.parametrize(("units", "threshold", "alerted"), [
    (6, None, False),  # above the default of 5
    (5, None, True),  # at the threshold counts as low
    (8, 10, True),  # the seller's own threshold
    (3, 2, False),
    (0, 0, True),  # a threshold of 0 flags only when out
])
def test_the_threshold_is_the_variants_own_or_the_default(db_session, factory, units, threshold, alerted):
    seller, _ = factory.seller()
    warehouse = make_warehouse(db_session)
    (variant_id,) = make_variants(db_session, seller)
    if units:
        put_stock(db_session, variant_id, warehouse, units)
    else:  # a level that ran out: received, then written off
        put_stock(db_session, variant_id, warehouse, 1)
        services.write_off(db_session, variant_id=variant_id, warehouse_id=warehouse.id, quantity=1, reason="broken")
    if threshold is not None:
        services.set_low_stock_threshold(db_session, variant_id, threshold)

    assert alerts.send_low_stock_alerts(db_session, today=DAY) == int(alerted)
    assert len(low_stock_mail(db_session)) == int(alerted)
    assert [row[0] for row in alert_rows(db_session)] == ([variant_id] if alerted else [])


def test_available_is_summed_over_warehouses_and_net_of_live_reservations(db_session, factory):
    seller, _ = factory.seller()
    spread, held, held_expired = make_variants(db_session, seller, 3)
    first, second = make_warehouse(db_session), make_warehouse(db_session)
    put_stock(db_session, spread, first, 3)
    put_stock(db_session, spread, second, 3)  # 6 in all: not low
    for variant_id in (held, held_expired):
        put_stock(db_session, variant_id, first, 8)
    services.reserve(db_session, reference="live", market_code="US", lines=[(held, 4)], expires_at=soon())
    gone = services.reserve(db_session, reference="gone", market_code="US", lines=[(held_expired, 4)],
                            expires_at=soon())
    gone.expires_at = utcnow() - timedelta(minutes=1)  # expired since: its hold no longer counts
    db_session.flush()

    assert alerts.send_low_stock_alerts(db_session, today=DAY) == 1
    assert alert_rows(db_session) == [(held, DAY, 4, 5)]


def test_one_mail_per_seller_lists_its_low_variants_and_never_another_sellers(db_session, factory):
    seller_a, _ = factory.seller()
    seller_b, _ = factory.seller()
    a_low_1, a_fine, a_low_2 = stocked(db_session, seller_a, 1, 50, 4)
    (b_low,) = stocked(db_session, seller_b, 2)

    assert alerts.send_low_stock_alerts(db_session, today=DAY) == 3

    mails = {mail.recipient: mail for mail in low_stock_mail(db_session)}
    assert set(mails) == {seller_a.contact_email, seller_b.contact_email}
    a_items = mails[seller_a.contact_email].context["items"]
    expected = sorted([{"sku": sku(db_session, a_low_1), "available": 1, "threshold": 5},
                       {"sku": sku(db_session, a_low_2), "available": 4, "threshold": 5}], key=lambda i: i["sku"])
    assert a_items == expected
    assert sku(db_session, a_fine) not in str(a_items) and sku(db_session, b_low) not in str(a_items)
    assert mails[seller_b.contact_email].context["items"] == [
        {"sku": sku(db_session, b_low), "available": 2, "threshold": 5}]
    assert mails[seller_b.contact_email].context["seller_name"] == seller_b.legal_name


def test_a_variant_low_after_its_sellers_mail_of_the_day_waits_for_the_next_day(db_session, factory):
    # the seller's e-mail of the day names what was low then; one a day, so a later one waits
    seller, _ = factory.seller()
    warehouse = make_warehouse(db_session)
    early, late = make_variants(db_session, seller, 2)
    put_stock(db_session, early, warehouse, 1)
    put_stock(db_session, late, warehouse, 20)
    assert alerts.send_low_stock_alerts(db_session, today=DAY) == 1

    services.write_off(db_session, variant_id=late, warehouse_id=warehouse.id, quantity=18, reason="damaged")
    assert alerts.send_low_stock_alerts(db_session, today=DAY) == 0
    assert [row[0] for row in alert_rows(db_session)] == [early]  # no row without an e-mail naming it

    assert alerts.send_low_stock_alerts(db_session, today=DAY + timedelta(days=1)) == 2
    (_, next_day) = low_stock_mail(db_session)
    assert sorted(item["sku"] for item in next_day.context["items"]) == sorted(
        [sku(db_session, early), sku(db_session, late)])


def test_only_active_variants_of_active_products_of_approved_sellers(db_session, factory):
    approved, _ = factory.seller()
    suspended, _ = factory.seller(status="suspended")
    warehouse = make_warehouse(db_session)
    kept, inactive = stocked(db_session, approved, 1, 1, warehouse=warehouse)
    db_session.get(ProductVariant, inactive).active = False
    (archived,) = stocked(db_session, approved, 1, warehouse=warehouse)
    db_session.get(ProductVariant, archived).product.status = "archived"
    stocked(db_session, suspended, 1, warehouse=warehouse)
    (never_stocked,) = make_variants(db_session, approved)  # no level at all: not "running low"
    db_session.flush()

    assert alerts.send_low_stock_alerts(db_session, today=DAY) == 1
    assert [row[0] for row in alert_rows(db_session)] == [kept]
    assert never_stocked not in [row[0] for row in alert_rows(db_session)]


def test_a_run_that_loses_the_race_for_a_seller_leaves_it_to_the_other_and_goes_on(db_session, factory,
                                                                                  monkeypatch):
    # given two runs that both saw sellers A and B low; the other run recorded A's variant first
    seller_a, _ = factory.seller()
    seller_b, _ = factory.seller()
    (a_low,) = stocked(db_session, seller_a, 1)
    (b_low,) = stocked(db_session, seller_b, 2)
    seen = alerts._low_variants(db_session, DAY)
    db_session.add(LowStockAlert(variant_id=a_low, day=DAY, available=1, threshold=5))
    db_session.flush()
    monkeypatch.setattr(alerts, "_low_variants", lambda session, day: seen)

    # when this run goes on with what it saw
    assert alerts.send_low_stock_alerts(db_session, today=DAY) == 1

    # then A is the other run's (no second row, no e-mail from this one), B is this one's
    assert [mail.recipient for mail in low_stock_mail(db_session)] == [seller_b.contact_email]
    assert sorted(row[0] for row in alert_rows(db_session)) == sorted([a_low, b_low])
    assert db_session.scalar(select(func.count()).select_from(LowStockAlert)
                             .where(LowStockAlert.variant_id == a_low)) == 1


def test_the_queries_do_not_grow_with_the_variants(db_session, factory):
    def statements_to_alert(variants: int, day: date) -> int:
        seller, _ = factory.seller()
        stocked(db_session, seller, *([1] * variants))
        statements = []

        def count(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert alerts.send_low_stock_alerts(db_session, today=day) == variants
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    assert statements_to_alert(2, DAY) == statements_to_alert(9, DAY)  # the first seller is told already


def test_the_job_is_registered_hourly_and_runs_the_service(app, db_session, factory):
    seller, _ = factory.seller()
    (variant_id,) = stocked(db_session, seller, 1)

    (job,) = [job for job in periodic_jobs(app) if job.name == "low_stock_alerts"]
    assert (job.task, job.interval_seconds) == ("fulfillment.inventory.tasks.send_low_stock_alerts", 3600)
    assert tasks.send_low_stock_alerts() == 1
    assert alert_rows(db_session) == [(variant_id, utcnow().date(), 1, 5)]
