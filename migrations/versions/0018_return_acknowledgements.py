"""cart_lines and order_lines: return_acknowledgement (what the buyer acknowledged at checkout could not be returned)

Revision ID: 0018
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cart_lines') as batch:
        batch.add_column(sa.Column('return_acknowledgement', sa.JSON(), nullable=True))
    with op.batch_alter_table('order_lines') as batch:
        batch.add_column(sa.Column('return_acknowledgement', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('order_lines') as batch:
        batch.drop_column('return_acknowledgement')
    with op.batch_alter_table('cart_lines') as batch:
        batch.drop_column('return_acknowledgement')
