"""storefront_search_texts: the listing index's search text per product and locale (narrow rows)

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('storefront_search_texts',
    sa.Column('product_id', sa.String(length=32), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'],
                            name=op.f('fk_storefront_search_texts_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', 'locale', name=op.f('pk_storefront_search_texts'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # Substring search (LIKE '%q%'), CJK too, as on product_translations (0002).
        op.execute("CREATE INDEX ix_storefront_search_texts_trgm ON storefront_search_texts "
                   "USING gin (search_text gin_trgm_ops)")
    # Filled by `flask storefront rebuild` (as storefront_listings), then kept by the refresh jobs.


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_storefront_search_texts_trgm")
    op.drop_table('storefront_search_texts')
