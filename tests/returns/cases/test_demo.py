"""``demo seed`` opens a return on the delivered demo order, once."""
from __future__ import annotations

from sqlalchemy import select

from returns.cases.demo import KEY
from returns.cases.models import ReturnCase


def test_demo_seed_opens_one_return(app, db_session):
    for _ in range(2):
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
    cases = db_session.scalars(select(ReturnCase).where(ReturnCase.idempotency_key == KEY)).all()
    assert len(cases) == 1 and cases[0].status in ("approved", "rejected") and cases[0].decision["lines"]
