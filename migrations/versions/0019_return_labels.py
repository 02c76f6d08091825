"""Prepaid return labels: return_labels; the return_label cost kind

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

KINDS_BEFORE = ("refund", "return_shipping", "write_off", "replacement", "repair", "repair_shipping")
KINDS_AFTER = KINDS_BEFORE + ("return_label",)


def _in(column, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    op.create_table('return_labels',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('carrier', sa.String(length=32), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=False),
    sa.Column('packages', sa.JSON(), nullable=False),
    sa.Column('cost_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('issued_by', sa.String(length=32), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cost_minor >= 0', name=op.f('ck_return_labels_cost')),
    sa.ForeignKeyConstraint(['case_id'], ['return_cases.id'], name=op.f('fk_return_labels_case_id_return_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_labels')),
    sa.UniqueConstraint('case_id', name=op.f('uq_return_labels_case_id'))
    )
    with op.batch_alter_table('return_costs') as batch:
        batch.drop_constraint(batch.f('ck_return_costs_kind'), type_='check')
        batch.create_check_constraint('kind', _in('kind', KINDS_AFTER))


def downgrade():
    op.execute("DELETE FROM return_costs WHERE kind = 'return_label'")
    with op.batch_alter_table('return_costs') as batch:
        batch.drop_constraint(batch.f('ck_return_costs_kind'), type_='check')
        batch.create_check_constraint('kind', _in('kind', KINDS_BEFORE))
    op.drop_table('return_labels')
