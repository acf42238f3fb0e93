"""reward policies: a percentage of the broker's part per broker grade (an empty object: every
grade at 100%)

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-07 00:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | Sequence[str] | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reward_policies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade_percent', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('reward_policies', schema=None) as batch_op:
        batch_op.drop_column('grade_percent')
