"""fulfillment: shipments with lines, packages and tracking events; low-stock alerts; pick locations;
variants' customs descriptions

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('low_stock_alerts',
    sa.Column('variant_id', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('available', sa.BigInteger(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['variant_id'], ['product_variants.id'], name=op.f('fk_low_stock_alerts_variant_id_product_variants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('variant_id', 'day', name=op.f('pk_low_stock_alerts'))
    )
    op.create_table('shipments',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('order_id', sa.String(length=32), nullable=False),
    sa.Column('warehouse_id', sa.String(length=32), nullable=False),
    sa.Column('seller_id', sa.String(length=32), nullable=True),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('replaces_id', sa.String(length=32), nullable=True),
    sa.Column('carrier', sa.String(length=32), nullable=False),
    sa.Column('service', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('label_reference', sa.String(length=200), nullable=True),
    sa.Column('quoted_weight_g', sa.Integer(), nullable=False),
    sa.Column('quoted_length_mm', sa.Integer(), nullable=False),
    sa.Column('quoted_width_mm', sa.Integer(), nullable=False),
    sa.Column('quoted_height_mm', sa.Integer(), nullable=False),
    sa.Column('quoted_chargeable_g', sa.Integer(), nullable=False),
    sa.Column('chargeable_weight_g', sa.Integer(), nullable=True),
    sa.Column('over_quote', sa.Boolean(), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('picked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('packed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('canceled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=500), nullable=True),
    sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('picked_by', sa.String(length=64), nullable=True),
    sa.Column('packed_by', sa.String(length=64), nullable=True),
    sa.Column('handed_over_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'picking', 'packed', 'handed_over', 'in_transit', 'delivered', 'exception', 'returned_to_sender', 'canceled')", name=op.f('ck_shipments_status')),
    sa.CheckConstraint('attempt >= 1', name=op.f('ck_shipments_attempt_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_shipments_order_id_orders')),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_shipments_seller_id_sellers')),
    sa.ForeignKeyConstraint(['warehouse_id'], ['warehouses.id'], name=op.f('fk_shipments_warehouse_id_warehouses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
    sa.UniqueConstraint('carrier', 'tracking_number', name='uq_shipments_carrier_tracking'),
    sa.UniqueConstraint('number', name=op.f('uq_shipments_number')),
    sa.UniqueConstraint('order_id', 'warehouse_id', 'attempt', name='uq_shipments_order_warehouse_attempt')
    )
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipments_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipments_seller_id'), ['seller_id'], unique=False)
        batch_op.create_index('ix_shipments_status_handed_over', ['status', 'handed_over_at'], unique=False)
        batch_op.create_index('ix_shipments_warehouse_status', ['warehouse_id', 'status'], unique=False)

    op.create_table('shipment_packages',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('shipment_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=False),
    sa.Column('length_mm', sa.Integer(), nullable=False),
    sa.Column('width_mm', sa.Integer(), nullable=False),
    sa.Column('height_mm', sa.Integer(), nullable=False),
    sa.Column('volumetric_weight_g', sa.Integer(), nullable=False),
    sa.Column('chargeable_weight_g', sa.Integer(), nullable=False),
    sa.CheckConstraint('weight_g > 0 AND length_mm > 0 AND width_mm > 0 AND height_mm > 0', name=op.f('ck_shipment_packages_sizes_positive')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_shipment_packages_shipment_id_shipments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_packages'))
    )
    with op.batch_alter_table('shipment_packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_packages_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('tracking_events',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('shipment_id', sa.String(length=32), nullable=False),
    sa.Column('type', sa.String(length=24), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('dedupe_key', sa.String(length=64), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('ops', 'webhook', 'poll', 'carrier')", name=op.f('ck_tracking_events_source')),
    sa.CheckConstraint("type IN ('label_created', 'picked_up', 'in_transit', 'customs_hold', 'customs_cleared', 'out_for_delivery', 'delivered', 'exception', 'returned_to_sender')", name=op.f('ck_tracking_events_type')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_tracking_events_shipment_id_shipments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracking_events')),
    sa.UniqueConstraint('shipment_id', 'dedupe_key', name='uq_tracking_events_shipment_dedupe')
    )
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracking_events_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('shipment_lines',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('shipment_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('reservation_line_id', sa.String(length=32), nullable=False),
    sa.Column('order_line_id', sa.String(length=32), nullable=False),
    sa.Column('level_id', sa.String(length=32), nullable=False),
    sa.Column('variant_id', sa.String(length=32), nullable=False),
    sa.Column('seller_id', sa.String(length=32), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_shipment_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_shipment_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['reservation_line_id'], ['stock_reservation_lines.id'], name=op.f('fk_shipment_lines_reservation_line_id_stock_reservation_lines')),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_shipment_lines_seller_id_sellers')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_shipment_lines_shipment_id_shipments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_lines')),
    sa.UniqueConstraint('reservation_line_id', name=op.f('uq_shipment_lines_reservation_line_id'))
    )
    with op.batch_alter_table('shipment_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_lines_seller_id'), ['seller_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_lines_shipment_id'), ['shipment_id'], unique=False)

    with op.batch_alter_table('product_variants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customs_description', sa.String(length=200), nullable=True))

    with op.batch_alter_table('stock_levels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location', sa.String(length=32), nullable=True))



def downgrade():
    with op.batch_alter_table('stock_levels', schema=None) as batch_op:
        batch_op.drop_column('location')

    with op.batch_alter_table('product_variants', schema=None) as batch_op:
        batch_op.drop_column('customs_description')

    with op.batch_alter_table('shipment_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_lines_shipment_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_lines_seller_id'))

    op.drop_table('shipment_lines')
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracking_events_shipment_id'))

    op.drop_table('tracking_events')
    with op.batch_alter_table('shipment_packages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_packages_shipment_id'))

    op.drop_table('shipment_packages')
    with op.batch_alter_table('shipments', schema=None) as batch_op:
        batch_op.drop_index('ix_shipments_warehouse_status')
        batch_op.drop_index('ix_shipments_status_handed_over')
        batch_op.drop_index(batch_op.f('ix_shipments_seller_id'))
        batch_op.drop_index(batch_op.f('ix_shipments_order_id'))

    op.drop_table('shipments')
    op.drop_table('low_stock_alerts')
