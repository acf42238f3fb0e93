"""deals contracts payments notifications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:35:13.768025
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0003'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('deals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('demand_org_id', sa.Integer(), nullable=False),
    sa.Column('achievement_org_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Enum('introduced', 'negotiating', 'signed', 'registered', 'paid', 'closed', 'lost', 'cancelled', name='stage', native_enum=False, length=16), nullable=False),
    sa.Column('demand_acceptance', sa.Enum('pending', 'accepted', 'declined', name='acceptance', native_enum=False, length=16), nullable=False),
    sa.Column('achievement_acceptance', sa.Enum('pending', 'accepted', 'declined', name='acceptance', native_enum=False, length=16), nullable=False),
    sa.Column('open_pair_key', sa.String(length=40), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_deals_achievement_id_achievements')),
    sa.ForeignKeyConstraint(['achievement_org_id'], ['organisations.id'], name=op.f('fk_deals_achievement_org_id_organisations')),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_deals_demand_id_demands')),
    sa.ForeignKeyConstraint(['demand_org_id'], ['organisations.id'], name=op.f('fk_deals_demand_org_id_organisations')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_deals_opened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deals')),
    sa.UniqueConstraint('open_pair_key', name=op.f('uq_deals_open_pair_key'))
    )
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deals_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_achievement_org_id'), ['achievement_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_demand_org_id'), ['demand_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_opened_at'), ['opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deals_stage'), ['stage'], unique=False)

    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.Enum('development', 'transfer', 'licensing', 'consulting', 'service', name='contracttype', native_enum=False, length=16), nullable=False),
    sa.Column('amount', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('technology_amount', backend.core.types.Money(precision=18, scale=2), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('seller_org_id', sa.Integer(), nullable=False),
    sa.Column('registration_no', sa.String(length=32), nullable=True),
    sa.Column('registered_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_contracts_amount_positive')),
    sa.CheckConstraint('buyer_org_id <> seller_org_id', name=op.f('ck_contracts_distinct_parties')),
    sa.CheckConstraint('technology_amount IS NULL OR (technology_amount >= 0 AND technology_amount <= amount)', name=op.f('ck_contracts_technology_amount_range')),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organisations.id'], name=op.f('fk_contracts_buyer_org_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_contracts_created_by_id_users')),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_contracts_deal_id_deals')),
    sa.ForeignKeyConstraint(['seller_org_id'], ['organisations.id'], name=op.f('fk_contracts_seller_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('deal_id', name=op.f('uq_contracts_deal_id')),
    sa.UniqueConstraint('registration_no', name=op.f('uq_contracts_registration_no'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contracts_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_seller_org_id'), ['seller_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_signed_on'), ['signed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_type'), ['type'], unique=False)

    op.create_table('deal_brokers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('lead', 'invited', name='brokerrole', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('invited', 'active', 'declined', name='brokerstatus', native_enum=False, length=16), nullable=False),
    sa.Column('share', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('joined_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('share >= 0 AND share <= 100', name=op.f('ck_deal_brokers_share_range')),
    sa.ForeignKeyConstraint(['broker_id'], ['users.id'], name=op.f('fk_deal_brokers_broker_id_users')),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_deal_brokers_deal_id_deals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_deal_brokers_invited_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_brokers')),
    sa.UniqueConstraint('deal_id', 'broker_id', name=op.f('uq_deal_brokers_deal_id_broker_id'))
    )
    with op.batch_alter_table('deal_brokers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_brokers_broker_id'), ['broker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_brokers_deal_id'), ['deal_id'], unique=False)

    op.create_table('deal_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('from_stage', sa.Enum('introduced', 'negotiating', 'signed', 'registered', 'paid', 'closed', 'lost', 'cancelled', name='stage', native_enum=False, length=16), nullable=True),
    sa.Column('to_stage', sa.Enum('introduced', 'negotiating', 'signed', 'registered', 'paid', 'closed', 'lost', 'cancelled', name='stage', native_enum=False, length=16), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=True),
    sa.Column('visible_to_parties', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_deal_events_actor_id_users')),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_deal_events_deal_id_deals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal_events'))
    )
    with op.batch_alter_table('deal_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_events_deal_id'), ['deal_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_notifications_deal_id_deals')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_user_id'), ['user_id'], unique=False)

    op.create_table('contract_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_contract_files_contract_id_contracts')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_contract_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_files'))
    )
    with op.batch_alter_table('contract_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_files_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_files_sha256'), ['sha256'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('bank_reference', sa.String(length=64), nullable=False),
    sa.Column('invoice_reference', sa.String(length=200), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_payments_contract_id_contracts')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_payments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_contract_id'), ['contract_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_contract_id'))

    op.drop_table('payments')
    with op.batch_alter_table('contract_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_files_sha256'))
        batch_op.drop_index(batch_op.f('ix_contract_files_contract_id'))

    op.drop_table('contract_files')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_user_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_deal_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_created_at'))

    op.drop_table('notifications')
    with op.batch_alter_table('deal_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_events_deal_id'))

    op.drop_table('deal_events')
    with op.batch_alter_table('deal_brokers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_brokers_deal_id'))
        batch_op.drop_index(batch_op.f('ix_deal_brokers_broker_id'))

    op.drop_table('deal_brokers')
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_type'))
        batch_op.drop_index(batch_op.f('ix_contracts_signed_on'))
        batch_op.drop_index(batch_op.f('ix_contracts_seller_org_id'))
        batch_op.drop_index(batch_op.f('ix_contracts_buyer_org_id'))

    op.drop_table('contracts')
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deals_stage'))
        batch_op.drop_index(batch_op.f('ix_deals_opened_at'))
        batch_op.drop_index(batch_op.f('ix_deals_demand_org_id'))
        batch_op.drop_index(batch_op.f('ix_deals_demand_id'))
        batch_op.drop_index(batch_op.f('ix_deals_achievement_org_id'))
        batch_op.drop_index(batch_op.f('ix_deals_achievement_id'))

    op.drop_table('deals')
