"""payment corrections: a note on a payment, voiding (when, by whom, why), and one bank
reference per payment on the platform (a partial unique index on the reference's key among
payments not voided)

Existing payments get their key; where several not voided already shared a reference, the
earliest keeps the key and the later ones are left without one (so the index can be built
and nothing recorded is changed); a correction of such a payment is then checked like any.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 03:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import backend.core.types

revision: str = '0019'
down_revision: str | Sequence[str] | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHERE = sa.text('voided_at IS NULL')


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('reference_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('voided_at', backend.core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.String(length=1000), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_payments_voided_by_id_users'), 'users', ['voided_by_id'], ['id'])

    bind = op.get_bind()
    payments = sa.table('payments', sa.column('id', sa.Integer), sa.column('bank_reference', sa.String),
                        sa.column('reference_key', sa.String))
    seen: set[str] = set()
    for pid, reference in bind.execute(sa.select(payments.c.id, payments.c.bank_reference)
                                       .order_by(payments.c.id)).all():
        key = ''.join(reference.split()).upper()
        if key in seen:
            continue
        seen.add(key)
        bind.execute(payments.update().where(payments.c.id == pid).values(reference_key=key))

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('uq_payments_reference_key_live', ['reference_key'], unique=True,
                              sqlite_where=_WHERE, postgresql_where=_WHERE)


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('uq_payments_reference_key_live')
        batch_op.drop_constraint(batch_op.f('fk_payments_voided_by_id_users'), type_='foreignkey')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_by_id')
        batch_op.drop_column('voided_at')
        batch_op.drop_column('reference_key')
        batch_op.drop_column('note')
