"""challenges: expert review of proposals (panel seats with their score sheets), the award's
departure from the reviewers' ranking, and the winner's confirmation of a milestone payment

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 04:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0024'
down_revision: str | Sequence[str] | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('challenge_review_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('similarity', sa.Numeric(precision=6, scale=4), nullable=False),
    sa.Column('status', sa.Enum('seated', 'submitted', 'removed', name='reviewseatstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=True),
    sa.Column('comments', sa.JSON(), nullable=True),
    sa.Column('submitted_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_review_seats_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['expert_id'], ['expert_profiles.user_id'], name=op.f('fk_challenge_review_seats_expert_id_expert_profiles')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_review_seats')),
    sa.UniqueConstraint('challenge_id', 'expert_id', name=op.f('uq_challenge_review_seats_challenge_id_expert_id'))
    )
    op.create_index(op.f('ix_challenge_review_seats_challenge_id'), 'challenge_review_seats', ['challenge_id'], unique=False)
    op.create_index(op.f('ix_challenge_review_seats_expert_id'), 'challenge_review_seats', ['expert_id'], unique=False)
    op.create_index(op.f('ix_challenge_review_seats_status'), 'challenge_review_seats', ['status'], unique=False)
    op.add_column('challenges', sa.Column('ranking_departure_reason', sa.Text(), nullable=True))
    op.add_column('challenge_milestones', sa.Column('receipt_status', sa.Enum('confirmed', 'disputed', name='receiptstatus', native_enum=False, length=16), nullable=True))
    op.add_column('challenge_milestones', sa.Column('receipt_reason', sa.Text(), nullable=True))
    op.add_column('challenge_milestones', sa.Column('receipt_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('challenge_milestones', 'receipt_at')
    op.drop_column('challenge_milestones', 'receipt_reason')
    op.drop_column('challenge_milestones', 'receipt_status')
    op.drop_column('challenges', 'ranking_departure_reason')
    op.drop_index(op.f('ix_challenge_review_seats_status'), table_name='challenge_review_seats')
    op.drop_index(op.f('ix_challenge_review_seats_expert_id'), table_name='challenge_review_seats')
    op.drop_index(op.f('ix_challenge_review_seats_challenge_id'), table_name='challenge_review_seats')
    op.drop_table('challenge_review_seats')
