"""achievement imports: bulk imports as jobs, with their file, progress and result

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('achievement_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_from', sa.String(length=64), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('publish', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'succeeded', 'failed', name='importstatus', native_enum=False, length=16), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_checked', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('achievement_ids', sa.JSON(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_achievement_imports_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_achievement_imports_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievement_imports'))
    )
    with op.batch_alter_table('achievement_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievement_imports_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_imports_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievement_imports_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('achievement_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievement_imports_status'))
        batch_op.drop_index(batch_op.f('ix_achievement_imports_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_achievement_imports_created_by_id'))

    op.drop_table('achievement_imports')
