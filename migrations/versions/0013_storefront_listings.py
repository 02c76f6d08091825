"""storefront_listings: the per-market listing index the storefront pages through

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('storefront_listings',
    sa.Column('market_code', sa.String(length=8), nullable=False),
    sa.Column('product_id', sa.String(length=32), nullable=False),
    sa.Column('purchasable', sa.Boolean(), nullable=False),
    sa.Column('seller_id', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('price_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('stock_state', sa.String(length=8), nullable=False),
    sa.Column('listed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stock_state IN ('in_stock', 'low', 'out')", name=op.f('ck_storefront_listings_stock_state')),
    sa.CheckConstraint('price_minor IS NULL OR price_minor >= 0', name=op.f('ck_storefront_listings_price_minor')),
    sa.ForeignKeyConstraint(['market_code'], ['markets.code'], name=op.f('fk_storefront_listings_market_code_markets'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_storefront_listings_product_id_products'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('market_code', 'product_id', name=op.f('pk_storefront_listings'))
    )
    with op.batch_alter_table('storefront_listings', schema=None) as batch_op:
        batch_op.create_index('ix_storefront_listings_newest', ['market_code', 'listed_at', 'product_id'],
                              unique=False, postgresql_where=sa.text('purchasable'),
                              sqlite_where=sa.text('purchasable'))
        batch_op.create_index('ix_storefront_listings_price', ['market_code', 'price_minor', 'product_id'],
                              unique=False, postgresql_where=sa.text('purchasable'),
                              sqlite_where=sa.text('purchasable'))
        batch_op.create_index('ix_storefront_listings_product', ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_storefront_listings_seller_id'), ['seller_id'], unique=False)
    # The listing text the storefront searches (product_translations.search_text) has had its
    # trigram GIN index since 0002; the listing pages join it by product id.


def downgrade():
    with op.batch_alter_table('storefront_listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storefront_listings_seller_id'))
        batch_op.drop_index('ix_storefront_listings_product')
        batch_op.drop_index('ix_storefront_listings_price', postgresql_where=sa.text('purchasable'),
                            sqlite_where=sa.text('purchasable'))
        batch_op.drop_index('ix_storefront_listings_newest', postgresql_where=sa.text('purchasable'),
                            sqlite_where=sa.text('purchasable'))
    op.drop_table('storefront_listings')
