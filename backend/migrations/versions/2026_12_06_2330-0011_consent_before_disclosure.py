"""consent before disclosure: deal requests, assignments that end with their deal, join
requests and invitations, declared names

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = ('requested', 'introduced', 'negotiating', 'signed', 'registered', 'paid')


def _assignments_by_deal() -> None:
    """Assignments a deal made (the broker assigned themself, or the lead a co-broker) become
    `by_deal`; those no open deal that the demand's firm accepted stands behind end now."""
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('role', sa.String))
    assignments = sa.table('demand_brokers', sa.column('demand_id', sa.Integer),
                           sa.column('broker_id', sa.Integer),
                           sa.column('assigned_by_id', sa.Integer),
                           sa.column('by_deal', sa.Boolean))
    deals = sa.table('deals', sa.column('id', sa.Integer), sa.column('demand_id', sa.Integer),
                     sa.column('stage', sa.String), sa.column('demand_acceptance', sa.String))
    deal_brokers = sa.table('deal_brokers', sa.column('deal_id', sa.Integer),
                            sa.column('broker_id', sa.Integer), sa.column('status', sa.String))
    op.execute(assignments.update().where(assignments.c.assigned_by_id.in_(
        sa.select(users.c.id).where(users.c.role == 'broker'))).values(by_deal=True))
    backed = (sa.select(deals.c.id)
              .join(deal_brokers, deal_brokers.c.deal_id == deals.c.id)
              .where(deals.c.demand_id == assignments.c.demand_id,
                     deal_brokers.c.broker_id == assignments.c.broker_id,
                     deal_brokers.c.status == 'active', deals.c.stage.in_(_OPEN),
                     deals.c.demand_acceptance == 'accepted'))
    op.execute(assignments.delete().where(assignments.c.by_deal.is_(True), ~backed.exists()))


def _declared_names() -> None:
    persons = sa.table('persons', sa.column('id', sa.Integer), sa.column('name', sa.String))
    orgs = sa.table('organisations', sa.column('legal_rep_id', sa.Integer),
                    sa.column('legal_rep_name', sa.String))
    officers = sa.table('officers', sa.column('person_id', sa.Integer),
                        sa.column('name', sa.String))
    op.execute(orgs.update().values(legal_rep_name=sa.select(persons.c.name).where(
        persons.c.id == orgs.c.legal_rep_id).scalar_subquery()))
    op.execute(officers.update().values(name=sa.select(persons.c.name).where(
        persons.c.id == officers.c.person_id).scalar_subquery()))


def upgrade() -> None:
    # Columns are added in place (ALTER TABLE … ADD COLUMN, NOT NULL with a constant default),
    # never by a batch rebuild: on SQLite, dropping the old `deals` or `organisations` table
    # with foreign keys on would delete (ON DELETE CASCADE) or refuse its dependants' rows.
    op.add_column('deals', sa.Column('requested', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column('demand_brokers', sa.Column('by_deal', sa.Boolean(), nullable=False,
                                              server_default=sa.false()))
    _assignments_by_deal()
    op.add_column('organisations', sa.Column('legal_rep_name', sa.String(length=64),
                                             nullable=False, server_default=''))
    op.add_column('officers', sa.Column('name', sa.String(length=64), nullable=False,
                                        server_default=''))
    _declared_names()
    if op.get_bind().dialect.name != 'sqlite':  # the application always gives the names
        op.alter_column('organisations', 'legal_rep_name', server_default=None)
        op.alter_column('officers', 'name', server_default=None)

    op.create_table('join_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'declined', name='joinstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_join_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_join_requests_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_join_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_join_requests'))
    )
    with op.batch_alter_table('join_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_join_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_requests_user_id'), ['user_id'], unique=False)

    op.create_table('organisation_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', backend.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.Column('used_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', backend.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_organisation_invitations_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_invitations_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['used_by_id'], ['users.id'], name=op.f('fk_organisation_invitations_used_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_invitations')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_organisation_invitations_code_hash'))
    )
    with op.batch_alter_table('organisation_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_invitations_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    op.drop_table('organisation_invitations')
    op.drop_table('join_requests')
    # In place as well (SQLite 3.35+ drops a column without rebuilding the table).
    op.drop_column('officers', 'name')
    op.drop_column('organisations', 'legal_rep_name')
    op.drop_column('demand_brokers', 'by_deal')
    op.drop_column('deals', 'requested')
