"""experts: the pool, invitations, declared interests, manual conflicts; proof-of-concept
review requests and their panels' reviews; an achievement's reviewed TRL, badge and summary

Revision ID: 0020
Revises: 0018 (to become 0019 when merged after it)
Create Date: 2026-12-07 02:31:25
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0020'
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('expert_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('contact', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.Enum('scientist', 'entrepreneur', 'investor', 'ip_legal', 'finance', name='expertkind', native_enum=False, length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.Column('used_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_expert_invitations_created_by_id_users')),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_expert_invitations_used_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_invitations')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_expert_invitations_code_hash'))
    )
    op.create_table('expert_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('organisation_credit_code', sa.String(length=18), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('kind', sa.Enum('scientist', 'entrepreneur', 'investor', 'ip_legal', 'finance', name='expertkind', native_enum=False, length=16), nullable=False),
    sa.Column('bio', sa.Text(), nullable=False),
    sa.Column('phone_id', sa.Integer(), nullable=True),
    sa.Column('yearly_capacity', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'verified', 'rejected', name='verificationstatus', native_enum=False, length=16), nullable=False),
    sa.Column('status_note', sa.String(length=500), nullable=True),
    sa.Column('verified_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_expert_profiles_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['phone_id'], ['identifiers.id'], name=op.f('fk_expert_profiles_phone_id_identifiers')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_expert_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_expert_profiles'))
    )
    with op.batch_alter_table('expert_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_profiles_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_profiles_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_profiles_status'), ['status'], unique=False)

    op.create_table('expert_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_expert_conflicts_created_by_id_users')),
    sa.ForeignKeyConstraint(['expert_id'], ['expert_profiles.user_id'], name=op.f('fk_expert_conflicts_expert_id_expert_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_expert_conflicts_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_conflicts')),
    sa.UniqueConstraint('expert_id', 'organisation_id', name=op.f('uq_expert_conflicts_expert_id_organisation_id'))
    )
    with op.batch_alter_table('expert_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_conflicts_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_conflicts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('expert_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.Enum('works_for', 'holds_shares', 'advises', name='interestrelation', native_enum=False, length=16), nullable=False),
    sa.Column('organisation_name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.ForeignKeyConstraint(['expert_id'], ['expert_profiles.user_id'], name=op.f('fk_expert_interests_expert_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_interests'))
    )
    with op.batch_alter_table('expert_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_interests_credit_code'), ['credit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_interests_expert_id'), ['expert_id'], unique=False)

    op.create_table('poc_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('field_code', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('publish_summary', sa.Boolean(), nullable=False),
    sa.Column('mix', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('requested', 'panel', 'reviewing', 'passed', 'not_passed', 'declined', name='pocstatus', native_enum=False, length=16), nullable=False),
    sa.Column('admin_note', sa.String(length=500), nullable=True),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('reviewed_trl', sa.Integer(), nullable=True),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_poc_requests_achievement_id_achievements')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_poc_requests_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_poc_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poc_requests'))
    )
    with op.batch_alter_table('poc_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poc_requests_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poc_requests_field_code'), ['field_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_poc_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poc_requests_status'), ['status'], unique=False)

    op.create_table('review_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('scientist', 'entrepreneur', 'investor', 'ip_legal', 'finance', name='expertkind', native_enum=False, length=16), nullable=False),
    sa.Column('similarity', sa.Numeric(precision=6, scale=4), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'invited', 'accepted', 'declined', 'submitted', 'removed', name='assignmentstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('scores', sa.JSON(), nullable=True),
    sa.Column('comments', sa.JSON(), nullable=True),
    sa.Column('recommendation', sa.Enum('pass', 'revise', 'fail', name='recommendation', native_enum=False, length=16), nullable=True),
    sa.Column('trl', sa.Integer(), nullable=True),
    sa.Column('confidential_note', sa.Text(), nullable=True),
    sa.Column('submitted_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['expert_id'], ['expert_profiles.user_id'], name=op.f('fk_review_assignments_expert_id_expert_profiles')),
    sa.ForeignKeyConstraint(['request_id'], ['poc_requests.id'], name=op.f('fk_review_assignments_request_id_poc_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_assignments'))
    )
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_assignments_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_status'), ['status'], unique=False)

    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_trl', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('poc_passed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('poc_summary', sa.Text(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.drop_column('poc_summary')
        batch_op.drop_column('poc_passed_on')
        batch_op.drop_column('reviewed_trl')

    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_assignments_status'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_request_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_expert_id'))

    op.drop_table('review_assignments')
    with op.batch_alter_table('poc_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poc_requests_status'))
        batch_op.drop_index(batch_op.f('ix_poc_requests_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_poc_requests_field_code'))
        batch_op.drop_index(batch_op.f('ix_poc_requests_achievement_id'))

    op.drop_table('poc_requests')
    with op.batch_alter_table('expert_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_interests_expert_id'))
        batch_op.drop_index(batch_op.f('ix_expert_interests_credit_code'))

    op.drop_table('expert_interests')
    with op.batch_alter_table('expert_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_conflicts_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_expert_conflicts_expert_id'))

    op.drop_table('expert_conflicts')
    with op.batch_alter_table('expert_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_profiles_status'))
        batch_op.drop_index(batch_op.f('ix_expert_profiles_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_expert_profiles_kind'))

    op.drop_table('expert_profiles')
    op.drop_table('expert_invitations')
