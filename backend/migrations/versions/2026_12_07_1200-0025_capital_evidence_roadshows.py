"""the capital chain, second part: money outcomes with amounts confirmed by the request's
owner (evidence before money), question threads per (request, investor), financing requests
for a deal, roadshows with their presenting requests (owners' consent), invited and registered
investors, and interest and follow-ups per presenting project

Revision ID: 0025
Revises: 0022 (the lead re-chains the helpers' revisions at merge time)
Create Date: 2026-12-07 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0025'
down_revision: str | Sequence[str] | None = '0022'
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
    # ROADSHOWS


def downgrade() -> None:
    # ROADSHOWS-DOWN
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
