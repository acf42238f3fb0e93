"""financing dossiers: a dossier owned by a financing request (documents behind terms, as for
demands)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 16:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0028'
down_revision: str | Sequence[str] | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = '(demand_id IS NOT NULL) OR (draft_id IS NOT NULL)'
NEW = ('((demand_id IS NOT NULL OR draft_id IS NOT NULL) AND financing_request_id IS NULL) '
       'OR (financing_request_id IS NOT NULL AND demand_id IS NULL AND draft_id IS NULL)')


def upgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('financing_request_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_dossiers_financing_request_id'),
                                          ['financing_request_id'])
        batch_op.create_foreign_key(
            batch_op.f('fk_dossiers_financing_request_id_financing_requests'),
            'financing_requests', ['financing_request_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_dossiers_has_owner'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_dossiers_has_owner'), NEW)


def downgrade() -> None:
    op.execute('DELETE FROM dossier_views WHERE dossier_id IN '
               '(SELECT id FROM dossiers WHERE financing_request_id IS NOT NULL)')
    op.execute('DELETE FROM dossier_access WHERE dossier_id IN '
               '(SELECT id FROM dossiers WHERE financing_request_id IS NOT NULL)')
    op.execute('DELETE FROM intake_files WHERE dossier_id IN '
               '(SELECT id FROM dossiers WHERE financing_request_id IS NOT NULL)')
    op.execute('DELETE FROM dossiers WHERE financing_request_id IS NOT NULL')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_dossiers_has_owner'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_dossiers_has_owner'), OLD)
        batch_op.drop_constraint(
            batch_op.f('fk_dossiers_financing_request_id_financing_requests'),
            type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_dossiers_financing_request_id'), type_='unique')
        batch_op.drop_column('financing_request_id')
