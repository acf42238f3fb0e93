"""rewards claims integrity

Reward policies (seeded with the default), claims, payout batches, claw-backs, integrity
flags and scans, the dishonesty list, and the audit chain's pruning anchor.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 12:00:00
"""
from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0004'
down_revision: str | Sequence[str] | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('integrity_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.Enum('submission', 'on_demand', 'schedule', name='scantrigger', native_enum=False, length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claims_scanned', sa.Integer(), nullable=False),
    sa.Column('flags_raised', sa.Integer(), nullable=False),
    sa.Column('flags_cleared', sa.Integer(), nullable=False),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_integrity_scans_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrity_scans'))
    )
    with op.batch_alter_table('integrity_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrity_scans_started_at'), ['started_at'], unique=False)

    op.create_table('payout_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'paid', 'cancelled', name='batchstatus', native_enum=False, length=16), nullable=False),
    sa.Column('total', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('claim_count', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('bank_reference', sa.String(length=64), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_payout_batches_cancelled_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_payout_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['users.id'], name=op.f('fk_payout_batches_paid_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_batches'))
    )
    with op.batch_alter_table('payout_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_batches_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_payout_batches_status'), ['status'], unique=False)

    op.create_table('reward_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=True),
    sa.Column('base', sa.Enum('contract_amount', 'technology_amount', 'received_amount', 'min_technology_received', name='rewardbase', native_enum=False, length=32), nullable=False),
    sa.Column('brackets', sa.JSON(), nullable=False),
    sa.Column('cap_per_claim', backend.core.types.Money(precision=18, scale=2), nullable=True),
    sa.Column('cap_per_broker_year', backend.core.types.Money(precision=18, scale=2), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_until', sa.Date(), nullable=True),
    sa.Column('claim_window_days', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('claim_window_days > 0', name=op.f('ck_reward_policies_window_positive')),
    sa.CheckConstraint('effective_until IS NULL OR effective_until >= effective_from', name=op.f('ck_reward_policies_effective_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reward_policies_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward_policies')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_reward_policies_key_version'))
    )
    with op.batch_alter_table('reward_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_policies_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_policies_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_policies_superseded_at'), ['superseded_at'], unique=False)

    op.create_table('reward_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'under_review', 'approved', 'paid', 'rejected', 'clawed_back', name='claimstatus', native_enum=False, length=16), nullable=False),
    sa.Column('side', sa.Enum('buyer', 'seller', name='claimside', native_enum=False, length=8), nullable=True),
    sa.Column('share_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('contract_amount', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('technology_amount', backend.core.types.Money(precision=18, scale=2), nullable=True),
    sa.Column('received_amount', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('base_amount', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('deal_reward', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('amount', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('breakdown', sa.JSON(), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('field_code', sa.String(length=32), nullable=False),
    sa.Column('contract_type', sa.String(length=16), nullable=False),
    sa.Column('contract_name', sa.String(length=200), nullable=False),
    sa.Column('registration_no', sa.String(length=32), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('submitted_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_ip', sa.String(length=64), nullable=True),
    sa.Column('device_id', sa.String(length=128), nullable=True),
    sa.Column('review_started_by_id', sa.Integer(), nullable=True),
    sa.Column('review_started_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejected_by_id', sa.Integer(), nullable=True),
    sa.Column('rejected_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sa.String(length=1000), nullable=True),
    sa.Column('payout_batch_id', sa.Integer(), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('payment_reference', sa.String(length=64), nullable=True),
    sa.Column('clawed_back_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_reward_claims_amount_nonnegative')),
    sa.CheckConstraint('share_percent > 0 AND share_percent <= 100', name=op.f('ck_reward_claims_share_range')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_reward_claims_approved_by_id_users')),
    sa.ForeignKeyConstraint(['broker_id'], ['users.id'], name=op.f('fk_reward_claims_broker_id_users')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_reward_claims_contract_id_contracts')),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_reward_claims_deal_id_deals')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['users.id'], name=op.f('fk_reward_claims_paid_by_id_users')),
    sa.ForeignKeyConstraint(['payout_batch_id'], ['payout_batches.id'], name=op.f('fk_reward_claims_payout_batch_id_payout_batches')),
    sa.ForeignKeyConstraint(['policy_id'], ['reward_policies.id'], name=op.f('fk_reward_claims_policy_id_reward_policies')),
    sa.ForeignKeyConstraint(['rejected_by_id'], ['users.id'], name=op.f('fk_reward_claims_rejected_by_id_users')),
    sa.ForeignKeyConstraint(['review_started_by_id'], ['users.id'], name=op.f('fk_reward_claims_review_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward_claims')),
    sa.UniqueConstraint('broker_id', 'contract_id', name=op.f('uq_reward_claims_broker_id_contract_id'))
    )
    with op.batch_alter_table('reward_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_claims_broker_id'), ['broker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_field_code'), ['field_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_paid_at'), ['paid_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_payout_batch_id'), ['payout_batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_submitted_at'), ['submitted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reward_claims_submitted_ip'), ['submitted_ip'], unique=False)

    op.create_table('claw_backs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=False),
    sa.Column('amount', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('to_recover', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('was_paid', sa.Boolean(), nullable=False),
    sa.Column('previous_status', sa.Enum('submitted', 'under_review', 'approved', 'paid', 'rejected', 'clawed_back', name='claimstatus', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('due', 'recovered', 'cancelled', name='clawbackstatus', native_enum=False, length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('flag_id', sa.Integer(), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recovered_by_id', sa.Integer(), nullable=True),
    sa.Column('recovered_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recovery_reference', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['broker_id'], ['users.id'], name=op.f('fk_claw_backs_broker_id_users')),
    sa.ForeignKeyConstraint(['claim_id'], ['reward_claims.id'], name=op.f('fk_claw_backs_claim_id_reward_claims')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_claw_backs_decided_by_id_users')),
    sa.ForeignKeyConstraint(['recovered_by_id'], ['users.id'], name=op.f('fk_claw_backs_recovered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claw_backs')),
    sa.UniqueConstraint('claim_id', name=op.f('uq_claw_backs_claim_id'))
    )
    with op.batch_alter_table('claw_backs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claw_backs_broker_id'), ['broker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claw_backs_decided_at'), ['decided_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_claw_backs_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_claw_backs_status'), ['status'], unique=False)

    op.create_table('integrity_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.Enum('info', 'warning', 'critical', name='severity', native_enum=False, length=16), nullable=False),
    sa.Column('blocking', sa.Boolean(), nullable=False),
    sa.Column('message_zh', sa.Text(), nullable=False),
    sa.Column('message_en', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('open', 'dismissed', 'confirmed', 'cleared', name='flagstatus', native_enum=False, length=16), nullable=False),
    sa.Column('raised_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_reason', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['reward_claims.id'], name=op.f('fk_integrity_flags_claim_id_reward_claims')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_integrity_flags_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_integrity_flags')),
    sa.UniqueConstraint('claim_id', 'fingerprint', name=op.f('uq_integrity_flags_claim_id_fingerprint'))
    )
    with op.batch_alter_table('integrity_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_integrity_flags_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_flags_raised_at'), ['raised_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_flags_rule'), ['rule'], unique=False)
        batch_op.create_index(batch_op.f('ix_integrity_flags_status'), ['status'], unique=False)

    op.create_table('dishonesty_listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_kind', sa.Enum('org', 'person', 'broker', name='subjectkind', native_enum=False, length=16), nullable=False),
    sa.Column('subject_key', sa.String(length=32), nullable=False),
    sa.Column('subject_label', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('listed_until', sa.Date(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('flag_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['claim_id'], ['reward_claims.id'], name=op.f('fk_dishonesty_listings_claim_id_reward_claims')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_dishonesty_listings_decided_by_id_users')),
    sa.ForeignKeyConstraint(['flag_id'], ['integrity_flags.id'], name=op.f('fk_dishonesty_listings_flag_id_integrity_flags')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_dishonesty_listings_revoked_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dishonesty_listings'))
    )
    with op.batch_alter_table('dishonesty_listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dishonesty_listings_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dishonesty_listings_listed_until'), ['listed_until'], unique=False)
        batch_op.create_index('ix_dishonesty_listings_subject', ['subject_kind', 'subject_key'], unique=False)

    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_seq', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('base_hash', sa.String(length=64), server_default='0000000000000000000000000000000000000000000000000000000000000000', nullable=False))

    # The default policy: 1.5% of a deal up to 1,000,000 yuan plus 1% of the part above
    # (分段累计), on the smaller of the technology amount and the amount received, region-wide.
    policies = sa.table(
        'reward_policies', sa.column('key', sa.String), sa.column('version', sa.Integer),
        sa.column('name', sa.String), sa.column('region', sa.String),
        sa.column('base', sa.String), sa.column('brackets', sa.JSON),
        sa.column('effective_from', sa.Date), sa.column('claim_window_days', sa.Integer),
        sa.column('note', sa.String),
        sa.column('created_at', backend.core.types.UTCDateTime(timezone=True)))
    op.bulk_insert(policies, [{
        'key': 'default', 'version': 1, 'name': '技术经纪人奖补默认政策（分段累计）',
        'region': None, 'base': 'min_technology_received',
        'brackets': [{'upper': '1000000.00', 'rate': '0.015'}, {'upper': None, 'rate': '0.01'}],
        'effective_from': date(2020, 1, 1), 'claim_window_days': 365,
        'note': '单笔成交额100万元以内部分按1.5%，超过部分按1%，以技术交易额与实际到账金额孰低为基数。'
                'Default: 1.5% up to 1,000,000 yuan plus 1% above, on the smaller of the '
                'technology amount and the amount received.',
        'created_at': datetime(2026, 11, 23, 4, 0, tzinfo=UTC)}])


def downgrade() -> None:
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('base_hash')
        batch_op.drop_column('base_seq')

    with op.batch_alter_table('dishonesty_listings', schema=None) as batch_op:
        batch_op.drop_index('ix_dishonesty_listings_subject')
        batch_op.drop_index(batch_op.f('ix_dishonesty_listings_listed_until'))
        batch_op.drop_index(batch_op.f('ix_dishonesty_listings_claim_id'))

    op.drop_table('dishonesty_listings')
    with op.batch_alter_table('integrity_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrity_flags_status'))
        batch_op.drop_index(batch_op.f('ix_integrity_flags_rule'))
        batch_op.drop_index(batch_op.f('ix_integrity_flags_raised_at'))
        batch_op.drop_index(batch_op.f('ix_integrity_flags_claim_id'))

    op.drop_table('integrity_flags')
    with op.batch_alter_table('claw_backs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claw_backs_status'))
        batch_op.drop_index(batch_op.f('ix_claw_backs_region'))
        batch_op.drop_index(batch_op.f('ix_claw_backs_decided_at'))
        batch_op.drop_index(batch_op.f('ix_claw_backs_broker_id'))

    op.drop_table('claw_backs')
    with op.batch_alter_table('reward_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_claims_submitted_ip'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_submitted_at'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_status'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_region'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_policy_id'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_payout_batch_id'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_paid_at'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_field_code'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_device_id'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_deal_id'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_contract_id'))
        batch_op.drop_index(batch_op.f('ix_reward_claims_broker_id'))

    op.drop_table('reward_claims')
    with op.batch_alter_table('reward_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_policies_superseded_at'))
        batch_op.drop_index(batch_op.f('ix_reward_policies_region'))
        batch_op.drop_index(batch_op.f('ix_reward_policies_key'))

    op.drop_table('reward_policies')
    with op.batch_alter_table('payout_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_batches_status'))
        batch_op.drop_index(batch_op.f('ix_payout_batches_created_at'))

    op.drop_table('payout_batches')
    with op.batch_alter_table('integrity_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_integrity_scans_started_at'))

    op.drop_table('integrity_scans')
