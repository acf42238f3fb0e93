"""the capital chain, second part: money outcomes with amounts confirmed by the request's
owner (evidence before money), question threads per (request, investor), financing requests
for a deal, roadshows with their presenting requests (owners' consent), invited and registered
investors, and interest and follow-ups per presenting project

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0025'
down_revision: str | Sequence[str] | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('financing_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deal_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_financing_requests_deal_id'), ['deal_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_financing_requests_deal_id_deals'), 'deals', ['deal_id'], ['id'])

    with op.batch_alter_table('financing_interests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount', backend.core.types.Money(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('confirmation', sa.Enum('pending', 'confirmed', 'disputed', name='outcomeconfirmation', native_enum=False, length=16), nullable=True))
        batch_op.add_column(sa.Column('dispute_reason', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('outcome_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_financing_interests_confirmation'), ['confirmation'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_financing_interests_confirmed_by_id_users'), 'users', ['confirmed_by_id'], ['id'])

    op.create_table('financing_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('investor_org_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('investor', 'owner', name='questionside', native_enum=False, length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_financing_questions_author_id_users')),
    sa.ForeignKeyConstraint(['investor_org_id'], ['organisations.id'], name=op.f('fk_financing_questions_investor_org_id_organisations')),
    sa.ForeignKeyConstraint(['request_id'], ['financing_requests.id'], name=op.f('fk_financing_questions_request_id_financing_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_financing_questions'))
    )
    with op.batch_alter_table('financing_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_financing_questions_investor_org_id'), ['investor_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_financing_questions_request_id'), ['request_id'], unique=False)

    op.create_table('roadshows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('online_link', sa.String(length=500), nullable=True),
    sa.Column('status', sa.Enum('planned', 'held', 'cancelled', name='roadshowstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('held_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_roadshows_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshows'))
    )
    with op.batch_alter_table('roadshows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshows_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshows_status'), ['status'], unique=False)

    op.create_table('roadshow_presentations',
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('consent', sa.Enum('invited', 'accepted', 'declined', name='presentationconsent', native_enum=False, length=16), nullable=False),
    sa.Column('invited_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_roadshow_presentations_answered_by_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['financing_requests.id'], name=op.f('fk_roadshow_presentations_request_id_financing_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_presentations_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('roadshow_id', 'request_id', name=op.f('pk_roadshow_presentations'))
    )
    with op.batch_alter_table('roadshow_presentations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_presentations_request_id'), ['request_id'], unique=False)

    op.create_table('roadshow_investors',
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('registered_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_roadshow_investors_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_roadshow_investors_registered_by_id_users')),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_investors_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('roadshow_id', 'organisation_id', name=op.f('pk_roadshow_investors'))
    )
    with op.batch_alter_table('roadshow_investors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_investors_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('roadshow_interests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('roadshow_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('interested', 'meeting', 'due_diligence', 'dropped', name='followupstatus', native_enum=False, length=16), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_roadshow_interests_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['request_id'], ['financing_requests.id'], name=op.f('fk_roadshow_interests_request_id_financing_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['roadshow_id'], ['roadshows.id'], name=op.f('fk_roadshow_interests_roadshow_id_roadshows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_roadshow_interests_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roadshow_interests')),
    sa.UniqueConstraint('roadshow_id', 'request_id', 'organisation_id', name=op.f('uq_roadshow_interests_roadshow_id_request_id_organisation_id'))
    )
    with op.batch_alter_table('roadshow_interests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roadshow_interests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_interests_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roadshow_interests_roadshow_id'), ['roadshow_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('roadshow_interests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_interests_roadshow_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_interests_request_id'))
        batch_op.drop_index(batch_op.f('ix_roadshow_interests_organisation_id'))
    op.drop_table('roadshow_interests')
    with op.batch_alter_table('roadshow_investors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_investors_organisation_id'))
    op.drop_table('roadshow_investors')
    with op.batch_alter_table('roadshow_presentations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshow_presentations_request_id'))
    op.drop_table('roadshow_presentations')
    with op.batch_alter_table('roadshows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadshows_status'))
        batch_op.drop_index(batch_op.f('ix_roadshows_starts_at'))
    op.drop_table('roadshows')

    with op.batch_alter_table('financing_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_financing_questions_request_id'))
        batch_op.drop_index(batch_op.f('ix_financing_questions_investor_org_id'))
    op.drop_table('financing_questions')

    with op.batch_alter_table('financing_interests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_financing_interests_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_financing_interests_confirmation'))
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('outcome_at')
        batch_op.drop_column('dispute_reason')
        batch_op.drop_column('confirmation')
        batch_op.drop_column('amount')

    with op.batch_alter_table('financing_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_financing_requests_deal_id_deals'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_financing_requests_deal_id'))
        batch_op.drop_column('deal_id')
