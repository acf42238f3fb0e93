"""accounts and audit

Revision ID: 0001
Revises:
Create Date: 2026-11-23 09:26:39.934865
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_entries_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_entries_prev_hash')),
    sa.UniqueConstraint('seq', name=op.f('uq_audit_entries_seq'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('identifiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('address', 'phone', 'email_domain', 'bank_account', name='identifierkind', native_enum=False, length=16), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identifiers')),
    sa.UniqueConstraint('kind', 'value', name=op.f('uq_identifiers_kind_value'))
    )
    op.create_table('login_throttles',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttles'))
    )
    op.create_table('persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    sa.UniqueConstraint('id_number', name=op.f('uq_persons_id_number'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('firm', 'institute', 'agency', 'bureau', name='orgkind', native_enum=False, length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('legal_rep_id', sa.Integer(), nullable=False),
    sa.Column('address_id', sa.Integer(), nullable=False),
    sa.Column('address_text', sa.String(length=255), nullable=False),
    sa.Column('phone_id', sa.Integer(), nullable=False),
    sa.Column('email_domain_id', sa.Integer(), nullable=False),
    sa.Column('bank_account_id', sa.Integer(), nullable=True),
    sa.Column('bank_name', sa.String(length=100), nullable=True),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('verification_status', sa.Enum('pending', 'verified', 'rejected', name='verificationstatus', native_enum=False, length=16), nullable=False),
    sa.Column('verification_note', sa.String(length=500), nullable=True),
    sa.Column('verified_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['address_id'], ['identifiers.id'], name=op.f('fk_organisations_address_id_identifiers')),
    sa.ForeignKeyConstraint(['bank_account_id'], ['identifiers.id'], name=op.f('fk_organisations_bank_account_id_identifiers')),
    sa.ForeignKeyConstraint(['email_domain_id'], ['identifiers.id'], name=op.f('fk_organisations_email_domain_id_identifiers')),
    sa.ForeignKeyConstraint(['legal_rep_id'], ['persons.id'], name=op.f('fk_organisations_legal_rep_id_persons')),
    sa.ForeignKeyConstraint(['phone_id'], ['identifiers.id'], name=op.f('fk_organisations_phone_id_identifiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_organisations_credit_code'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_address_id'), ['address_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_bank_account_id'), ['bank_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_email_domain_id'), ['email_domain_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_legal_rep_id'), ['legal_rep_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_phone_id'), ['phone_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_verification_status'), ['verification_status'], unique=False)

    op.create_table('officers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Enum('director', 'supervisor', 'senior_manager', name='officerposition', native_enum=False, length=16), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_officers_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_officers_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officers')),
    sa.UniqueConstraint('organisation_id', 'person_id', 'position', name=op.f('uq_officers_organisation_id_person_id_position'))
    )
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_officers_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_officers_person_id'), ['person_id'], unique=False)

    op.create_table('shareholdings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('holder_credit_code', sa.String(length=18), nullable=True),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('percent', sa.Numeric(precision=7, scale=4), nullable=False),
    sa.CheckConstraint('(person_id IS NULL) <> (holder_credit_code IS NULL)', name=op.f('ck_shareholdings_one_holder')),
    sa.CheckConstraint('percent > 0 AND percent <= 100', name=op.f('ck_shareholdings_percent_range')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_shareholdings_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_shareholdings_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shareholdings'))
    )
    with op.batch_alter_table('shareholdings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shareholdings_holder_credit_code'), ['holder_credit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_shareholdings_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shareholdings_person_id'), ['person_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('firm', 'institute', 'broker', 'admin', name='role', native_enum=False, length=16), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_users_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_users_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_role'), ['role'], unique=False)

    op.create_table('auth_sessions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('refresh_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_auth_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_sessions')),
    sa.UniqueConstraint('refresh_hash', name=op.f('uq_auth_sessions_refresh_hash'))
    )
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('broker_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('junior', 'intermediate', 'senior', name='brokerlevel', native_enum=False, length=16), nullable=False),
    sa.Column('certificate_no', sa.String(length=64), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('verification_status', sa.Enum('pending', 'verified', 'rejected', name='verificationstatus', native_enum=False, length=16), nullable=False),
    sa.Column('verification_note', sa.String(length=500), nullable=True),
    sa.Column('verified_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['organisations.id'], name=op.f('fk_broker_profiles_agency_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_broker_profiles_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_broker_profiles_verified_by_id_users')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_broker_profiles')),
    sa.UniqueConstraint('certificate_no', name=op.f('uq_broker_profiles_certificate_no'))
    )
    with op.batch_alter_table('broker_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broker_profiles_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_broker_profiles_verification_status'), ['verification_status'], unique=False)
    audit_head = sa.table("audit_head", sa.column("id", sa.Integer),
                          sa.column("seq", sa.BigInteger), sa.column("hash", sa.String))
    op.bulk_insert(audit_head, [{"id": 1, "seq": 0, "hash": "0" * 64}])


def downgrade() -> None:
    with op.batch_alter_table('broker_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broker_profiles_verification_status'))
        batch_op.drop_index(batch_op.f('ix_broker_profiles_agency_id'))

    op.drop_table('broker_profiles')
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_sessions_user_id'))

    op.drop_table('auth_sessions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_role'))
        batch_op.drop_index(batch_op.f('ix_users_person_id'))
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))

    op.drop_table('users')
    with op.batch_alter_table('shareholdings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shareholdings_person_id'))
        batch_op.drop_index(batch_op.f('ix_shareholdings_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_shareholdings_holder_credit_code'))

    op.drop_table('shareholdings')
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_officers_person_id'))
        batch_op.drop_index(batch_op.f('ix_officers_organisation_id'))

    op.drop_table('officers')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_verification_status'))
        batch_op.drop_index(batch_op.f('ix_organisations_region'))
        batch_op.drop_index(batch_op.f('ix_organisations_phone_id'))
        batch_op.drop_index(batch_op.f('ix_organisations_legal_rep_id'))
        batch_op.drop_index(batch_op.f('ix_organisations_kind'))
        batch_op.drop_index(batch_op.f('ix_organisations_email_domain_id'))
        batch_op.drop_index(batch_op.f('ix_organisations_bank_account_id'))
        batch_op.drop_index(batch_op.f('ix_organisations_address_id'))

    op.drop_table('organisations')
    op.drop_table('persons')
    op.drop_table('login_throttles')
    op.drop_table('identifiers')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))

    op.drop_table('audit_entries')
