"""merge inventory and checkout

Revision ID: 0005
Revises: 0003, 0004
Create Date: 2026-11-25 20:52:45.022033

"""


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = ('0003', '0004')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
