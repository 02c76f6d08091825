"""outbox_messages: job paths follow the platform into shop.core (shop.jobs.* and shop.notifications.*)

The modules at the old paths stay one release for jobs already queued in Redis.

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

MOVED = ("shop.jobs.", "shop.notifications.")


def _rewrite(old: str, new: str) -> None:
    op.get_bind().execute(
        sa.text("UPDATE outbox_messages SET job = :new || substr(job, :cut) WHERE job LIKE :old"),
        {"new": new, "cut": len(old) + 1, "old": old + "%"})  # no "_" or "%" in the prefixes


def upgrade():
    for prefix in MOVED:
        _rewrite(prefix, prefix.replace("shop.", "shop.core.", 1))


def downgrade():
    for prefix in MOVED:
        _rewrite(prefix.replace("shop.", "shop.core.", 1), prefix)
