"""returns: return cases (returns and warranty claims) with lines and costs; refunds and the payment's
refunded total; a seller may state no return policy (return_window_days NULL)

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('return_cases',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('order_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=True),
    sa.Column('market_code', sa.String(length=8), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('photos', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('allowed', sa.Boolean(), nullable=False),
    sa.Column('decision', sa.JSON(), nullable=False),
    sa.Column('resolution', sa.String(length=32), nullable=True),
    sa.Column('return_shipping_payer', sa.String(length=16), nullable=True),
    sa.Column('destination', sa.JSON(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=100), nullable=True),
    sa.Column('override_by', sa.String(length=32), nullable=True),
    sa.Column('override_reason', sa.String(length=500), nullable=True),
    sa.Column('rejection_note', sa.String(length=500), nullable=True),
    sa.Column('refund_due_on', sa.Date(), nullable=True),
    sa.Column('refund_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('shipped_back_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('inspected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('canceled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_flagged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('return', 'warranty')", name=op.f('ck_return_cases_kind')),
    sa.CheckConstraint("status IN ('requested', 'approved', 'rejected', 'in_transit', 'received', 'inspected', 'refunded', 'closed', 'canceled')", name=op.f('ck_return_cases_status')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_return_cases_order_id_orders')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_return_cases_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_return_cases_number')),
    sa.UniqueConstraint('order_id', 'idempotency_key', name='idempotency')
    )
    with op.batch_alter_table('return_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_cases_market_code'), ['market_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_cases_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_cases_refund_due_on'), ['refund_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_cases_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_cases_user_id'), ['user_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('payment_id', sa.String(length=32), nullable=False),
    sa.Column('order_id', sa.String(length=32), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('provider_refund_id', sa.String(length=100), nullable=True),
    sa.Column('failure', sa.String(length=500), nullable=True),
    sa.Column('requested_by', sa.String(length=32), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name=op.f('ck_refunds_status')),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_refunds_amount')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('provider_refund_id', name=op.f('uq_refunds_provider_refund_id'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_payment_id'), ['payment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_source'), ['source'], unique=False)

    op.create_table('return_costs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('seller_id', sa.String(length=32), nullable=False),
    sa.Column('bearer', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("bearer IN ('seller', 'mall')", name=op.f('ck_return_costs_bearer')),
    sa.CheckConstraint("kind IN ('refund', 'return_shipping', 'write_off', 'replacement')", name=op.f('ck_return_costs_kind')),
    sa.CheckConstraint('amount_minor >= 0', name=op.f('ck_return_costs_amount')),
    sa.ForeignKeyConstraint(['case_id'], ['return_cases.id'], name=op.f('fk_return_costs_case_id_return_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_return_costs_seller_id_sellers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_costs')),
    sa.UniqueConstraint('case_id', 'seller_id', 'kind', name='once')
    )
    with op.batch_alter_table('return_costs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_costs_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_costs_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_costs_seller_id'), ['seller_id'], unique=False)

    op.create_table('return_lines',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.String(length=32), nullable=False),
    sa.Column('seller_id', sa.String(length=32), nullable=False),
    sa.Column('variant_id', sa.String(length=32), nullable=False),
    sa.Column('exchange_variant_id', sa.String(length=32), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('received_quantity', sa.Integer(), nullable=True),
    sa.Column('resellable_quantity', sa.Integer(), nullable=True),
    sa.Column('damaged_quantity', sa.Integer(), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_return_lines_quantity')),
    sa.CheckConstraint('received_quantity IS NULL OR (received_quantity >= 0 AND received_quantity <= quantity)', name=op.f('ck_return_lines_received')),
    sa.CheckConstraint('resellable_quantity IS NULL OR damaged_quantity IS NULL OR resellable_quantity + damaged_quantity = received_quantity', name=op.f('ck_return_lines_inspected')),
    sa.ForeignKeyConstraint(['case_id'], ['return_cases.id'], name=op.f('fk_return_lines_case_id_return_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_return_lines_order_line_id_order_lines')),
    sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], name=op.f('fk_return_lines_seller_id_sellers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_return_lines')),
    sa.UniqueConstraint('case_id', 'order_line_id', name='line')
    )
    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_return_lines_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_lines_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_return_lines_seller_id'), ['seller_id'], unique=False)

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_committed_minor', sa.BigInteger(), nullable=False,
                                      server_default='0'))
        batch_op.create_check_constraint(
            'refunds_within_capture', 'refund_committed_minor >= 0 AND refund_committed_minor <= captured_minor')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.alter_column('refund_committed_minor', server_default=None)

    with op.batch_alter_table('sellers', schema=None) as batch_op:
        batch_op.alter_column('return_window_days',
               existing_type=sa.INTEGER(),
               nullable=True)

    # 7 days was the default every seller got, not a policy it stated: clear it, so that a
    # market's rule for sellers who state none (JP: 8 days) can apply.
    op.execute("UPDATE sellers SET return_window_days = NULL WHERE return_window_days = 7")


def downgrade():
    op.execute("UPDATE sellers SET return_window_days = 7 WHERE return_window_days IS NULL")
    with op.batch_alter_table('sellers', schema=None) as batch_op:
        batch_op.alter_column('return_window_days',
               existing_type=sa.INTEGER(),
               nullable=False)

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_payments_refunds_within_capture'), type_='check')
        batch_op.drop_column('refund_committed_minor')

    with op.batch_alter_table('return_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_lines_seller_id'))
        batch_op.drop_index(batch_op.f('ix_return_lines_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_return_lines_case_id'))

    op.drop_table('return_lines')
    with op.batch_alter_table('return_costs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_costs_seller_id'))
        batch_op.drop_index(batch_op.f('ix_return_costs_month'))
        batch_op.drop_index(batch_op.f('ix_return_costs_case_id'))

    op.drop_table('return_costs')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_source'))
        batch_op.drop_index(batch_op.f('ix_refunds_payment_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_order_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('return_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_return_cases_user_id'))
        batch_op.drop_index(batch_op.f('ix_return_cases_status'))
        batch_op.drop_index(batch_op.f('ix_return_cases_refund_due_on'))
        batch_op.drop_index(batch_op.f('ix_return_cases_order_id'))
        batch_op.drop_index(batch_op.f('ix_return_cases_market_code'))

    op.drop_table('return_cases')
