import click
from flask.cli import AppGroup

from shop.core.db import db
from shop.payments import refunds

from . import refunding

refunds_cli = AppGroup("refunds", help="Refunds of payments and of return cases.")


@refunds_cli.command("check")
def check_command() -> None:
    """Audit refunds: payments beyond their capture, cases paid twice or beyond their amount; exit 1 if any."""
    payments = refunds.check_refunds(db.session)
    cases = refunding.check_case_refunds(db.session)
    db.session.rollback()
    click.echo(f"{len(payments)} payments and {len(cases)} return cases out of line")
    for row in payments[:20]:
        click.echo(f"  payment {row.payment_id}: committed {row.committed_minor}, refunds {row.refunds_minor}, "
                   f"captured {row.captured_minor}")
    for row in cases[:20]:
        click.echo(f"  case {row.number} ({row.status}): amount {row.refund_minor}, refunded {row.refunded_minor} "
                   f"in {row.refunds} refunds")
    if payments or cases:
        raise SystemExit(1)
