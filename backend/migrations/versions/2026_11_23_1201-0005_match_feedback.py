"""match feedback

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('match_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('source_kind', sa.String(length=16), nullable=False),
    sa.Column('useful', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.String(length=1000), nullable=True),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_match_feedback_achievement_id_achievements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_match_feedback_demand_id_demands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_match_feedback_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_feedback')),
    sa.UniqueConstraint('user_id', 'demand_id', 'achievement_id', name=op.f('uq_match_feedback_user_id_demand_id_achievement_id'))
    )
    with op.batch_alter_table('match_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_feedback_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_feedback_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_feedback_updated_at'), ['updated_at'], unique=False)
    # the broker feed reads the most recently published listings
    op.create_index(op.f('ix_demands_published_at'), 'demands', ['published_at'], unique=False)
    op.create_index(op.f('ix_achievements_published_at'), 'achievements', ['published_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_achievements_published_at'), table_name='achievements')
    op.drop_index(op.f('ix_demands_published_at'), table_name='demands')
    with op.batch_alter_table('match_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_feedback_updated_at'))
        batch_op.drop_index(batch_op.f('ix_match_feedback_demand_id'))
        batch_op.drop_index(batch_op.f('ix_match_feedback_achievement_id'))

    op.drop_table('match_feedback')
