"""evidence before money

Parties confirm the contract's terms and each payment (evidence_answers, a version and the
confirmed snapshot on contracts and payments); the registration office's export
(registry_imports, registry_records) and each contract's standing against it; shares frozen
at the first claim and the pair held while a claw-back is open; policies with a region
basis, a registry grace period and an agency share; claw-backs raised by a re-computation
(several per claim, reviewed by an administrator); the broker's own payee account; a
critical flag's dismissal asked by one administrator and agreed by another.

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-06 15:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0015'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUS = sa.Enum('declared', 'confirmed', 'disputed', name='evidencestatus',
                  native_enum=False, length=16)


def upgrade() -> None:
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shares_frozen_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('clawback_hold', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('evidence_status', _STATUS, nullable=False, server_default='declared'))
        batch_op.add_column(sa.Column('confirmed_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_amount', backend.core.types.Money(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('confirmed_technology_amount', backend.core.types.Money(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('confirmed_terms', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('registry_status', sa.Enum('unchecked', 'verified', 'mismatch', 'cancelled', name='registrystatus', native_enum=False, length=16), nullable=False, server_default='unchecked'))
        batch_op.add_column(sa.Column('registry_issues', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('registry_checked_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_contracts_evidence_status'), ['evidence_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_contracts_registry_status'), ['registry_status'], unique=False)

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invoice_no', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('payer_account', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('payee_account', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('evidence_file_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('evidence_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('evidence_status', _STATUS, nullable=False, server_default='declared'))
        batch_op.add_column(sa.Column('confirmed_amount', backend.core.types.Money(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_payments_evidence_file_id_contract_files'), 'contract_files', ['evidence_file_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_payments_evidence_status'), ['evidence_status'], unique=False)

    op.create_table('evidence_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.Enum('contract', 'payment', name='evidencekind', native_enum=False, length=16), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('buyer', 'seller', 'admin', name='evidenceside', native_enum=False, length=8), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deals.id'], name=op.f('fk_evidence_answers_deal_id_deals')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_evidence_answers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_answers'))
    )
    with op.batch_alter_table('evidence_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_answers_deal_id'), ['deal_id'], unique=False)
        batch_op.create_index('ix_evidence_answers_item', ['item_kind', 'item_id', 'version'], unique=False)

    op.create_table('registry_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('mismatched', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_registry_imports_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_imports'))
    )
    with op.batch_alter_table('registry_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_imports_uploaded_at'), ['uploaded_at'], unique=False)

    op.create_table('registry_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_no', sa.String(length=32), nullable=False),
    sa.Column('buyer_credit_code', sa.String(length=18), nullable=False),
    sa.Column('seller_credit_code', sa.String(length=18), nullable=False),
    sa.Column('contract_type', sa.Enum('development', 'transfer', 'licensing', 'consulting', 'service', name='contracttype', native_enum=False, length=16), nullable=False),
    sa.Column('amount', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['registry_imports.id'], name=op.f('fk_registry_records_import_id_registry_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_records')),
    sa.UniqueConstraint('registration_no', name=op.f('uq_registry_records_registration_no'))
    )
    with op.batch_alter_table('registry_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_records_import_id'), ['import_id'], unique=False)

    with op.batch_alter_table('reward_policies', schema=None) as batch_op:
        # Policies saved before the basis existed were picked by the seller's region.
        batch_op.add_column(sa.Column('region_basis', sa.Enum('buyer', 'seller', 'either', 'both', name='regionbasis', native_enum=False, length=8), nullable=False, server_default='seller'))
        batch_op.add_column(sa.Column('registry_grace_days', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('agency_share_percent', sa.Numeric(precision=5, scale=2), nullable=False, server_default='0'))

    with op.batch_alter_table('reward_claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('broker_person_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reward_claims_broker_person_id_persons'), 'persons', ['broker_person_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_reward_claims_broker_person_id'), ['broker_person_id'], unique=False)

    with op.batch_alter_table('claw_backs', schema=None) as batch_op:
        batch_op.drop_constraint('uq_claw_backs_claim_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_claw_backs_claim_id'), ['claim_id'], unique=False)
        batch_op.add_column(sa.Column('kind', sa.Enum('fraud', 'recompute', name='clawbackkind', native_enum=False, length=16), nullable=False, server_default='fraud'))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.String(length=1000), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_claw_backs_reviewed_by_id_users'), 'users', ['reviewed_by_id'], ['id'])
        # A re-computation after a task's scan or the registry's upload has no person behind it.
        batch_op.alter_column('decided_by_id', existing_type=sa.Integer(), nullable=True)

    op.create_table('broker_payee_accounts',
    sa.Column('broker_id', sa.Integer(), nullable=False),
    sa.Column('holder_name', sa.String(length=64), nullable=False),
    sa.Column('bank_name', sa.String(length=100), nullable=False),
    sa.Column('account', sa.String(length=40), nullable=False),
    sa.Column('status', sa.Enum('pending', 'verified', 'rejected', name='payeestatus', native_enum=False, length=16), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['broker_id'], ['users.id'], name=op.f('fk_broker_payee_accounts_broker_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_broker_payee_accounts_verified_by_id_users')),
    sa.PrimaryKeyConstraint('broker_id', name=op.f('pk_broker_payee_accounts'))
    )
    with op.batch_alter_table('broker_payee_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broker_payee_accounts_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_broker_payee_accounts_status'), ['status'], unique=False)

    with op.batch_alter_table('integrity_flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dismissal_requested_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('dismissal_requested_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('dismissal_reason', sa.String(length=1000), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_integrity_flags_dismissal_requested_by_id_users'), 'users', ['dismissal_requested_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('integrity_flags', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_integrity_flags_dismissal_requested_by_id_users'), type_='foreignkey')
        batch_op.drop_column('dismissal_reason')
        batch_op.drop_column('dismissal_requested_at')
        batch_op.drop_column('dismissal_requested_by_id')

    with op.batch_alter_table('broker_payee_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broker_payee_accounts_status'))
        batch_op.drop_index(batch_op.f('ix_broker_payee_accounts_account'))
    op.drop_table('broker_payee_accounts')

    with op.batch_alter_table('claw_backs', schema=None) as batch_op:
        batch_op.alter_column('decided_by_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_claw_backs_reviewed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('review_note')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('kind')
        batch_op.drop_index(batch_op.f('ix_claw_backs_claim_id'))
        batch_op.create_unique_constraint('uq_claw_backs_claim_id', ['claim_id'])

    with op.batch_alter_table('reward_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_claims_broker_person_id'))
        batch_op.drop_constraint(batch_op.f('fk_reward_claims_broker_person_id_persons'), type_='foreignkey')
        batch_op.drop_column('broker_person_id')

    with op.batch_alter_table('reward_policies', schema=None) as batch_op:
        batch_op.drop_column('agency_share_percent')
        batch_op.drop_column('registry_grace_days')
        batch_op.drop_column('region_basis')

    with op.batch_alter_table('registry_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_records_import_id'))
    op.drop_table('registry_records')
    with op.batch_alter_table('registry_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_imports_uploaded_at'))
    op.drop_table('registry_imports')
    with op.batch_alter_table('evidence_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_evidence_answers_item')
        batch_op.drop_index(batch_op.f('ix_evidence_answers_deal_id'))
    op.drop_table('evidence_answers')

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_evidence_status'))
        batch_op.drop_constraint(batch_op.f('fk_payments_evidence_file_id_contract_files'), type_='foreignkey')
        for column in ('confirmed_at', 'confirmed_amount', 'evidence_status', 'evidence_version',
                       'evidence_file_id', 'payee_account', 'payer_account', 'invoice_no'):
            batch_op.drop_column(column)

    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contracts_registry_status'))
        batch_op.drop_index(batch_op.f('ix_contracts_evidence_status'))
        for column in ('registry_checked_at', 'registry_issues', 'registry_status', 'confirmed_at',
                       'confirmed_terms', 'confirmed_technology_amount', 'confirmed_amount',
                       'confirmed_version', 'evidence_status', 'evidence_version'):
            batch_op.drop_column(column)

    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_column('clawback_hold')
        batch_op.drop_column('shares_frozen_at')
