"""shipments: returned_items (what a ship-back parcel carries: the buyer's own items, no stock lines)

Backfills the ship-back parcels of warranty repairs from their claims' lines.

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

shipments = sa.table('shipments', sa.column('id', sa.String), sa.column('returned_items', sa.JSON))


def upgrade():
    with op.batch_alter_table('shipments') as batch:
        batch.add_column(sa.Column('returned_items', sa.JSON(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT c.repair_shipment_id, l.order_line_id, l.variant_id, l.seller_id, o.sku, "
        "COALESCE(l.received_quantity, l.quantity) FROM return_cases c "
        "JOIN return_lines l ON l.case_id = c.id JOIN order_lines o ON o.id = l.order_line_id "
        "WHERE c.repair_shipment_id IS NOT NULL ORDER BY c.repair_shipment_id, l.position")).all()
    contents: dict[str, list[dict]] = {}
    for shipment_id, order_line_id, variant_id, seller_id, sku, quantity in rows:
        contents.setdefault(shipment_id, []).append({"order_line_id": order_line_id, "variant_id": variant_id,
                                                     "seller_id": seller_id, "sku": sku, "quantity": quantity})
    for shipment_id, items in contents.items():
        bind.execute(shipments.update().where(shipments.c.id == shipment_id).values(returned_items=items))


def downgrade():
    with op.batch_alter_table('shipments') as batch:
        batch.drop_column('returned_items')
