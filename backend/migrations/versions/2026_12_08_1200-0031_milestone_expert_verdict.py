"""a seated reviewer's verdict on a milestone's evidence: pass, or fail with the reason (the
check's note); a check recorded before this revision was a pass

Revision ID: 0031_milestone_expert_verdict
Revises: 0030
Create Date: 2026-12-08 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0031_milestone_expert_verdict'
down_revision: str | Sequence[str] | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('challenge_milestones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expert_verdict', sa.String(length=16), nullable=True))
    op.execute("UPDATE challenge_milestones SET expert_verdict = 'pass' "
               "WHERE expert_checked_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('challenge_milestones', schema=None) as batch_op:
        batch_op.drop_column('expert_verdict')
