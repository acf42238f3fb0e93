"""challenge dossiers: a dossier owned by a challenge (its confidential part behind the issuer's
terms, as for demands and financing requests)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-08 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0029'
down_revision: str | Sequence[str] | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = ('((demand_id IS NOT NULL OR draft_id IS NOT NULL) AND financing_request_id IS NULL) '
       'OR (financing_request_id IS NOT NULL AND demand_id IS NULL AND draft_id IS NULL)')
NEW = ('((demand_id IS NOT NULL OR draft_id IS NOT NULL) AND financing_request_id IS NULL '
       'AND challenge_id IS NULL) '
       'OR (financing_request_id IS NOT NULL AND demand_id IS NULL AND draft_id IS NULL '
       'AND challenge_id IS NULL) '
       'OR (challenge_id IS NOT NULL AND demand_id IS NULL AND draft_id IS NULL '
       'AND financing_request_id IS NULL)')


def upgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('challenge_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_dossiers_challenge_id'),
                                          ['challenge_id'])
        batch_op.create_foreign_key(batch_op.f('fk_dossiers_challenge_id_challenges'),
                                    'challenges', ['challenge_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_dossiers_has_owner'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_dossiers_has_owner'), NEW)


def downgrade() -> None:
    op.execute('DELETE FROM dossier_views WHERE dossier_id IN '
               '(SELECT id FROM dossiers WHERE challenge_id IS NOT NULL)')
    op.execute('DELETE FROM dossier_access WHERE dossier_id IN '
               '(SELECT id FROM dossiers WHERE challenge_id IS NOT NULL)')
    op.execute('DELETE FROM intake_files WHERE dossier_id IN '
               '(SELECT id FROM dossiers WHERE challenge_id IS NOT NULL)')
    op.execute('DELETE FROM dossiers WHERE challenge_id IS NOT NULL')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_dossiers_has_owner'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_dossiers_has_owner'), OLD)
        batch_op.drop_constraint(batch_op.f('fk_dossiers_challenge_id_challenges'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_dossiers_challenge_id'), type_='unique')
        batch_op.drop_column('challenge_id')
