"""Warranty repairs: repair_partners; return_cases' repair columns and statuses; repair cost kinds

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

STATUSES_BEFORE = ("requested", "approved", "rejected", "in_transit", "received", "inspected", "refunding", "refunded",
                   "closed", "canceled")
STATUSES_AFTER = STATUSES_BEFORE + ("repairing", "repaired", "unrepairable", "shipped_back")
KINDS_BEFORE = ("refund", "return_shipping", "write_off", "replacement")
KINDS_AFTER = KINDS_BEFORE + ("repair", "repair_shipping")


def _in(column, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    op.create_table('repair_partners',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('seller_id', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_repair_partners_seller_id_sellers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_partners'))
    )
    with op.batch_alter_table('repair_partners') as batch:
        batch.create_index(batch.f('ix_repair_partners_seller_id'), ['seller_id'], unique=False)
    with op.batch_alter_table('return_cases') as batch:
        batch.add_column(sa.Column('repair', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('repair_due_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('repair_started_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('repaired_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('repair_shipment_id', sa.String(length=32), nullable=True))
        batch.drop_constraint(batch.f('ck_return_cases_status'), type_='check')
        batch.create_check_constraint('status', _in('status', STATUSES_AFTER))
    with op.batch_alter_table('return_costs') as batch:
        batch.drop_constraint(batch.f('ck_return_costs_kind'), type_='check')
        batch.create_check_constraint('kind', _in('kind', KINDS_AFTER))


def downgrade():
    # Repair claims under way go back to 'received' (their goods are in); their repair costs go.
    op.execute("UPDATE return_cases SET status = 'received' WHERE status IN ('repairing', 'repaired', 'unrepairable')")
    op.execute("UPDATE return_cases SET status = 'closed' WHERE status = 'shipped_back'")
    op.execute("DELETE FROM return_costs WHERE kind IN ('repair', 'repair_shipping')")
    with op.batch_alter_table('return_costs') as batch:
        batch.drop_constraint(batch.f('ck_return_costs_kind'), type_='check')
        batch.create_check_constraint('kind', _in('kind', KINDS_BEFORE))
    with op.batch_alter_table('return_cases') as batch:
        batch.drop_constraint(batch.f('ck_return_cases_status'), type_='check')
        batch.create_check_constraint('status', _in('status', STATUSES_BEFORE))
        batch.drop_column('repair_shipment_id')
        batch.drop_column('repaired_at')
        batch.drop_column('repair_started_at')
        batch.drop_column('repair_due_on')
        batch.drop_column('repair')
    with op.batch_alter_table('repair_partners') as batch:
        batch.drop_index(batch.f('ix_repair_partners_seller_id'))
    op.drop_table('repair_partners')
