def test_demo_seed_is_idempotent(app, db_session):
    from sqlalchemy import func, select

    from shop.core.db import db

    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    counts = {table.name: db_session.scalar(select(func.count()).select_from(table))
              for table in db.metadata.sorted_tables if table.name not in ("login_attempts", "outbox_messages")}
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    again = {table.name: db_session.scalar(select(func.count()).select_from(table))
             for table in db.metadata.sorted_tables if table.name not in ("login_attempts", "outbox_messages")}
    assert counts == again
    assert counts["sellers"] >= 5
