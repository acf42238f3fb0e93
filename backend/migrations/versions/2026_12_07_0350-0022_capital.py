"""the capital chain: investor mandates, financing requests, their named investors, and
investors' interest and outcomes (the organisation kind and role `investor` are values of
existing VARCHAR columns: no change there)

Revision ID: 0022
Revises: 0019 (the merger sets 0021: 0020 and 0021 are being written beside this one)
Create Date: 2026-12-07 03:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0022'
down_revision: str | Sequence[str] | None = '0021'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('investor_mandates',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('investor_kind', sa.Enum('venture_fund', 'guidance_fund', 'bank', 'insurer', 'angel', name='investorkind', native_enum=False, length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('field_ids', sa.JSON(), nullable=False),
    sa.Column('trl_min', sa.Integer(), nullable=False),
    sa.Column('trl_max', sa.Integer(), nullable=False),
    sa.Column('ticket_min', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('ticket_max', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.Column('instruments', sa.JSON(), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ticket_min >= 0 AND ticket_min <= ticket_max', name=op.f('ck_investor_mandates_ticket_range')),
    sa.CheckConstraint('trl_min >= 1 AND trl_max <= 9 AND trl_min <= trl_max', name=op.f('ck_investor_mandates_trl_range')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_investor_mandates_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_investor_mandates_updated_by_id_users')),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_investor_mandates'))
    )
    op.create_table('financing_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.Enum('achievement', 'demand', 'project', name='financingsubject', native_enum=False, length=16), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=True),
    sa.Column('demand_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('amount', backend.core.types.Money(precision=18, scale=2), nullable=False),
    sa.Column('instrument', sa.Enum('equity', 'loan', 'convertible', 'grant', 'insurance', name='instrument', native_enum=False, length=16), nullable=False),
    sa.Column('use_of_funds', sa.Text(), nullable=False),
    sa.Column('milestones', sa.JSON(), nullable=False),
    sa.Column('trl_current', sa.Integer(), nullable=False),
    sa.Column('trl_target', sa.Integer(), nullable=False),
    sa.Column('audience', sa.Enum('all_investors', 'named', name='financingaudience', native_enum=False, length=16), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'closed', 'withdrawn', name='financingstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_financing_requests_amount_positive')),
    sa.CheckConstraint('trl_current >= 1 AND trl_target <= 9 AND trl_current <= trl_target', name=op.f('ck_financing_requests_trl_range')),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_financing_requests_achievement_id_achievements')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_financing_requests_created_by_id_users')),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_financing_requests_demand_id_demands')),
    sa.ForeignKeyConstraint(['field_id'], ['fields.id'], name=op.f('fk_financing_requests_field_id_fields')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_financing_requests_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_financing_requests'))
    )
    with op.batch_alter_table('financing_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_financing_requests_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_financing_requests_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_financing_requests_field_id'), ['field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_financing_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_financing_requests_region'), ['region'], unique=False)
        batch_op.create_index(batch_op.f('ix_financing_requests_status'), ['status'], unique=False)

    op.create_table('financing_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('interested', 'term_sheet', 'loan_approved', 'declined', name='intereststatus', native_enum=False, length=16), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('decline_reason', sa.String(length=1000), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_financing_interests_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_financing_interests_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['request_id'], ['financing_requests.id'], name=op.f('fk_financing_interests_request_id_financing_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_financing_interests')),
    sa.UniqueConstraint('request_id', 'organisation_id', name=op.f('uq_financing_interests_request_id_organisation_id'))
    )
    with op.batch_alter_table('financing_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_financing_interests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_financing_interests_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_financing_interests_status'), ['status'], unique=False)

    op.create_table('financing_named_investors',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_financing_named_investors_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['request_id'], ['financing_requests.id'], name=op.f('fk_financing_named_investors_request_id_financing_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'organisation_id', name=op.f('pk_financing_named_investors'))
    )
    with op.batch_alter_table('financing_named_investors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_financing_named_investors_organisation_id'), ['organisation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('financing_named_investors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_financing_named_investors_organisation_id'))

    op.drop_table('financing_named_investors')
    with op.batch_alter_table('financing_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_financing_interests_status'))
        batch_op.drop_index(batch_op.f('ix_financing_interests_request_id'))
        batch_op.drop_index(batch_op.f('ix_financing_interests_organisation_id'))

    op.drop_table('financing_interests')
    with op.batch_alter_table('financing_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_financing_requests_status'))
        batch_op.drop_index(batch_op.f('ix_financing_requests_region'))
        batch_op.drop_index(batch_op.f('ix_financing_requests_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_financing_requests_field_id'))
        batch_op.drop_index(batch_op.f('ix_financing_requests_demand_id'))
        batch_op.drop_index(batch_op.f('ix_financing_requests_achievement_id'))

    op.drop_table('financing_requests')
    op.drop_table('investor_mandates')
