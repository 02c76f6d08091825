"""tracking_events: flag (a carrier event kept for the record that moved nothing, e.g. dated before the hand-over)

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flag', sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(op.f('ck_tracking_events_flag'), "flag IN ('before_handover')")


def downgrade():
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_tracking_events_flag'), type_='check')
        batch_op.drop_column('flag')
