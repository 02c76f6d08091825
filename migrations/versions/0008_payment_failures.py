"""payments: why the last attempt failed (failure_code, failure_message, failed_at)

A declined card no longer cancels the order: the buyer may retry the same PaymentIntent,
and the payment keeps the reason of the last failure to show it.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failure_code', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('failure_message', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('failed_at')
        batch_op.drop_column('failure_message')
        batch_op.drop_column('failure_code')
