"""challenges: a joint team's member organisations consent before they are named
(challenge_proposal_members; the members of proposals already in are invited); a deal carries
a challenge award in place of the demand–achievement pair

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 16:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0027'
down_revision: str | Sequence[str] | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_PAIR_OR_AWARD = ("(demand_id IS NOT NULL AND achievement_id IS NOT NULL AND challenge_award_id IS NULL) "
                  "OR (demand_id IS NULL AND achievement_id IS NULL AND challenge_award_id IS NOT NULL)")


def upgrade() -> None:
    op.create_table('challenge_proposal_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('invited', 'accepted', 'declined', name='memberconsent', native_enum=False, length=16), nullable=False),
    sa.Column('invited_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['proposal_id'], ['challenge_proposals.id'], name=op.f('fk_challenge_proposal_members_proposal_id_challenge_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_challenge_proposal_members_org_id_organisations')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_challenge_proposal_members_answered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_proposal_members')),
    sa.UniqueConstraint('proposal_id', 'org_id', name=op.f('uq_challenge_proposal_members_proposal_id_org_id'))
    )
    op.create_index(op.f('ix_challenge_proposal_members_proposal_id'), 'challenge_proposal_members', ['proposal_id'], unique=False)
    op.create_index(op.f('ix_challenge_proposal_members_org_id'), 'challenge_proposal_members', ['org_id'], unique=False)
    # Members named before consent existed are invited: none is shown, nor its proposal
    # selected, until it agrees.
    bind = op.get_bind()
    proposals = sa.table('challenge_proposals', sa.column('id', sa.Integer),
                         sa.column('member_org_ids', sa.JSON), sa.column('created_at'))
    members = sa.table('challenge_proposal_members', sa.column('proposal_id', sa.Integer),
                       sa.column('org_id', sa.Integer), sa.column('status', sa.String),
                       sa.column('invited_at'))
    rows = []
    for pid, org_ids, created in bind.execute(sa.select(proposals.c.id, proposals.c.member_org_ids,
                                                        proposals.c.created_at)):
        for org_id in org_ids or []:
            rows.append({"proposal_id": pid, "org_id": int(org_id), "status": "invited",
                         "invited_at": created})
    if rows:
        op.bulk_insert(members, rows)

    op.create_table('challenge_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('milestone_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(proposal_id IS NULL) <> (milestone_id IS NULL)', name=op.f('ck_challenge_files_proposal_or_milestone')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_files_challenge_id_challenges')),
    sa.ForeignKeyConstraint(['proposal_id'], ['challenge_proposals.id'], name=op.f('fk_challenge_files_proposal_id_challenge_proposals')),
    sa.ForeignKeyConstraint(['milestone_id'], ['challenge_milestones.id'], name=op.f('fk_challenge_files_milestone_id_challenge_milestones')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_challenge_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_files'))
    )
    op.create_index(op.f('ix_challenge_files_challenge_id'), 'challenge_files', ['challenge_id'], unique=False)
    op.create_index(op.f('ix_challenge_files_proposal_id'), 'challenge_files', ['proposal_id'], unique=False)
    op.create_index(op.f('ix_challenge_files_milestone_id'), 'challenge_files', ['milestone_id'], unique=False)

    op.add_column('challenges', sa.Column('milestone_expert_check', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('challenge_milestones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expert_checked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('expert_checked_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('expert_check_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_challenge_milestones_expert_checked_by_id_users'), 'users', ['expert_checked_by_id'], ['id'])

    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('challenge_award_id', sa.Integer(), nullable=True))
        batch_op.alter_column('demand_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('achievement_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_deals_challenge_award_id'), ['challenge_award_id'])
        batch_op.create_foreign_key(batch_op.f('fk_deals_challenge_award_id_challenge_awards'), 'challenge_awards', ['challenge_award_id'], ['id'])
        batch_op.create_check_constraint('pair_or_award', _PAIR_OR_AWARD)


def downgrade() -> None:
    # Deals on an award have no pair: they cannot survive the pair becoming required again.
    op.execute("UPDATE challenge_awards SET deal_id = NULL WHERE deal_id IN "
               "(SELECT id FROM deals WHERE challenge_award_id IS NOT NULL)")
    op.execute("DELETE FROM deal_events WHERE deal_id IN "
               "(SELECT id FROM deals WHERE challenge_award_id IS NOT NULL)")
    op.execute("DELETE FROM deal_brokers WHERE deal_id IN "
               "(SELECT id FROM deals WHERE challenge_award_id IS NOT NULL)")
    op.execute("DELETE FROM deals WHERE challenge_award_id IS NOT NULL")
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_constraint('pair_or_award', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_deals_challenge_award_id_challenge_awards'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_deals_challenge_award_id'), type_='unique')
        batch_op.alter_column('achievement_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('demand_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('challenge_award_id')
    with op.batch_alter_table('challenge_milestones', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_challenge_milestones_expert_checked_by_id_users'), type_='foreignkey')
        batch_op.drop_column('expert_check_note')
        batch_op.drop_column('expert_checked_at')
        batch_op.drop_column('expert_checked_by_id')
    op.drop_column('challenges', 'milestone_expert_check')
    op.drop_index(op.f('ix_challenge_files_milestone_id'), table_name='challenge_files')
    op.drop_index(op.f('ix_challenge_files_proposal_id'), table_name='challenge_files')
    op.drop_index(op.f('ix_challenge_files_challenge_id'), table_name='challenge_files')
    op.drop_table('challenge_files')
    op.drop_index(op.f('ix_challenge_proposal_members_org_id'), table_name='challenge_proposal_members')
    op.drop_index(op.f('ix_challenge_proposal_members_proposal_id'), table_name='challenge_proposal_members')
    op.drop_table('challenge_proposal_members')
