"""challenge money through the deal: a payment on a challenge award's deal names the milestone
it pays (its schedule item); a milestone keeps who recorded its payment and who answered it

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 18:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0030'
down_revision: str | Sequence[str] | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('challenge_milestone_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_payments_challenge_milestone_id'),
                              ['challenge_milestone_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_payments_challenge_milestone_id_challenge_milestones',
            'challenge_milestones', ['challenge_milestone_id'], ['id'])
    with op.batch_alter_table('challenge_milestones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('receipt_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_challenge_milestones_paid_by_id_users'),
                                    'users', ['paid_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_challenge_milestones_receipt_by_id_users'),
                                    'users', ['receipt_by_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('challenge_milestones', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_challenge_milestones_receipt_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_challenge_milestones_paid_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('receipt_by_id')
        batch_op.drop_column('paid_by_id')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_payments_challenge_milestone_id_challenge_milestones',
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payments_challenge_milestone_id'))
        batch_op.drop_column('challenge_milestone_id')
