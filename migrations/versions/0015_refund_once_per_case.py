"""A case's refund decided once: refunds.purpose (one active per purpose) and idempotency_key; 'refunding' cases

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ACTIVE_PURPOSE = "purpose IS NOT NULL AND status IN ('pending', 'succeeded')"
STATUSES_BEFORE = ("requested", "approved", "rejected", "in_transit", "received", "inspected", "refunded", "closed",
                   "canceled")
STATUSES_AFTER = ("requested", "approved", "rejected", "in_transit", "received", "inspected", "refunding", "refunded",
                  "closed", "canceled")


def _in(values) -> str:
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table('refunds') as batch:
        batch.add_column(sa.Column('purpose', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('idempotency_key', sa.String(length=100), nullable=True))
        batch.create_unique_constraint('uq_refunds_idempotency', ['order_id', 'idempotency_key'])
    # The refunds of return cases made so far take their case as purpose, where one case has one
    # active refund; a case refunded twice before this revision keeps no purpose (the refund audit
    # lists it) rather than failing the upgrade.
    op.execute(
        "UPDATE refunds SET purpose = source WHERE source LIKE 'return:%' AND status IN ('pending', 'succeeded') "
        "AND source IN (SELECT source FROM refunds WHERE status IN ('pending', 'succeeded') "
        "GROUP BY source HAVING count(*) = 1)")
    op.create_index('uq_refunds_active_purpose', 'refunds', ['purpose'], unique=True,
                    sqlite_where=sa.text(ACTIVE_PURPOSE), postgresql_where=sa.text(ACTIVE_PURPOSE))
    with op.batch_alter_table('return_cases') as batch:
        batch.drop_constraint(batch.f('ck_return_cases_status'), type_='check')
        batch.create_check_constraint('status', _in(STATUSES_AFTER))
    # A case whose refund is still being paid is 'refunding' from now on.
    op.execute(
        "UPDATE return_cases SET status = 'refunding' WHERE status IN ('approved', 'inspected') AND EXISTS "
        "(SELECT 1 FROM refunds WHERE refunds.source = 'return:' || return_cases.id AND refunds.status = 'pending')")


def downgrade():
    op.execute("UPDATE return_cases SET status = CASE WHEN resolution = 'refund_without_return' THEN 'approved' "
               "ELSE 'inspected' END WHERE status = 'refunding'")
    with op.batch_alter_table('return_cases') as batch:
        batch.drop_constraint(batch.f('ck_return_cases_status'), type_='check')
        batch.create_check_constraint('status', _in(STATUSES_BEFORE))
    op.drop_index('uq_refunds_active_purpose', table_name='refunds')
    with op.batch_alter_table('refunds') as batch:
        batch.drop_constraint('uq_refunds_idempotency', type_='unique')
        batch.drop_column('idempotency_key')
        batch.drop_column('purpose')
