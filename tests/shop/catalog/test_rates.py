import json
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from shop.catalog.errors import RatesSourceFailed
from shop.catalog.models import ExchangeRate
from shop.catalog.rates import current_rate, refresh_rates
from shop.core.jobs.schedule import periodic_jobs


def _write(tmp_path, as_of, usd):
    path = tmp_path / f"rates-{as_of[:10]}.json"
    path.write_text(json.dumps({"base": "KRW", "as_of": as_of, "source": "test feed", "rates": {"USD": usd}}))
    return str(path)


def test_refresh_from_a_file_records_source_and_time_and_is_idempotent(db_session, tmp_path):
    source = _write(tmp_path, "2030-01-02T00:00:00Z", "0.0007")
    added = refresh_rates(db_session, source)
    assert [(r.currency, r.rate) for r in added] == [("USD", "0.0007")]
    assert added[0].as_of == datetime(2030, 1, 2, tzinfo=timezone.utc)
    assert source in added[0].source and "test feed" in added[0].source
    assert refresh_rates(db_session, source) == []
    assert current_rate(db_session, "USD") == Decimal("0.0007")


def test_newest_rate_is_current(db_session, tmp_path):
    refresh_rates(db_session, _write(tmp_path, "2031-01-02T00:00:00Z", "0.0008"))
    refresh_rates(db_session, _write(tmp_path, "2030-06-02T00:00:00Z", "0.0006"))
    assert current_rate(db_session, "USD") == Decimal("0.0008")


def test_bundled_file_is_the_default(db_session):
    added = refresh_rates(db_session, None)
    assert {r.currency for r in added} >= {"USD", "JPY", "EUR", "VND", "TWD"}
    assert db_session.query(ExchangeRate).filter_by(currency="JPY").count() >= 1


@pytest.mark.parametrize("content", ['{"base": "USD", "as_of": "2030-01-01", "rates": {}}',
                                     '{"as_of": "2030-01-01", "rates": {"USD": 0.1}}',
                                     '{"as_of": "2030-01-01", "rates": {"USD": "-1"}}', "not json"])
def test_bad_documents_are_rejected(db_session, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(RatesSourceFailed):
        refresh_rates(db_session, str(path))


def test_missing_source_is_rejected(db_session, tmp_path):
    with pytest.raises(RatesSourceFailed):
        refresh_rates(db_session, str(tmp_path / "nope.json"))


def test_rate_refresh_is_a_periodic_job(app):
    assert "refresh_exchange_rates" in {p.name for p in periodic_jobs(app)}


def test_admin_refresh_endpoint(client, factory, db_session):
    admin = factory.user("admin")
    response = client.post("/api/v1/admin/exchange-rates/refresh", headers=factory.headers(admin))
    assert response.status_code == 200
    assert {item["currency"] for item in response.json["items"]} >= {"USD", "JPY"}
    seller, owner = factory.seller()
    assert client.post("/api/v1/admin/exchange-rates/refresh", headers=factory.headers(owner)).status_code == 403


def test_the_source_is_read_with_no_transaction_open(client, factory, db_session, monkeypatch):
    from shop.catalog import rates
    from shop.core.db import db

    read = rates.read_source
    seen = []

    def watched(source):
        seen.append(db.session().in_transaction())
        return read(source)

    monkeypatch.setattr(rates, "read_source", watched)
    response = client.post("/api/v1/admin/exchange-rates/refresh", headers=factory.headers(factory.user("admin")))
    assert response.status_code == 200 and seen == [False]
