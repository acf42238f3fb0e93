"""accounts generation: the counter the login cache follows

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 22:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_generations = sa.table('cache_generations', sa.column('name', sa.String), sa.column('value', sa.BigInteger))


def upgrade() -> None:
    op.bulk_insert(_generations, [{'name': 'accounts', 'value': 0}])


def downgrade() -> None:
    op.execute(_generations.delete().where(_generations.c.name == 'accounts'))
