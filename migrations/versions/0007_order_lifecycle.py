"""Order lifecycle times: when an order shipped, was delivered, was completed.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COLUMNS = ("shipped_at", "delivered_at", "completed_at")


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
