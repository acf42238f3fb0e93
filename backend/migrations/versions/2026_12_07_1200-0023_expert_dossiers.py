"""experts: the files of a proof-of-concept request's dossier (data, prototype photos, IP
documents, the transfer plan), stored by content hash behind the deals' file store

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0023'
down_revision: str | Sequence[str] | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('poc_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('data', 'photo', 'ip', 'transfer_plan', 'other', name='dossiercategory', native_enum=False, length=16), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['poc_requests.id'], name=op.f('fk_poc_files_request_id_poc_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_poc_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poc_files'))
    )
    with op.batch_alter_table('poc_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poc_files_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('poc_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poc_files_request_id'))
    op.drop_table('poc_files')
