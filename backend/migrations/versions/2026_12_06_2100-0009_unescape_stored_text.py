"""unescape stored text: what the old HTML cleaner wrote, back to what people typed

Until now every free-text field went through nh3 (an HTML sanitiser) on its way in, so
`A & B < C` was stored as `A &amp; B &lt; C` and shown to people that way. Text is now stored
as typed (core/text.py). This turns the rows written so far back: `html.unescape`, once, on
exactly the columns whose every row went through that cleaner — nh3 wrote every `&` as
`&amp;` (and `<`, `>`, no-break space as `&lt;`, `&gt;`, `&nbsp;`), so unescaping its output
once gives back what it was given. Columns that were stored raw are left alone, as unescaping
them would change text people typed (an address with "&amp;" in it): organisations'
address_text, bank_name and verification_note, brokers' fields and notes, file names, the
deal events that name a file, identifiers, and the audit log, whose entries are
hash-chained and record what was stored at the time. Copies of cleaned text (a claim's
contract name and region, a listing's subject label, a notification's body) are unescaped
with their originals.

Data only; the downgrade leaves the text as it is.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-06 21:00:00
"""
import html
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table → the columns that went through the old cleaner (or copy one that did)
ESCAPED: dict[str, tuple[str, ...]] = {
    'persons': ('name',),
    'organisations': ('name', 'region'),
    'shareholdings': ('holder_name',),
    'users': ('display_name',),
    'fields': ('name_zh', 'name_en'),
    'demands': ('title', 'description', 'keywords', 'region', 'hidden_reason'),
    'achievements': ('title', 'abstract', 'keywords', 'team_lead', 'region', 'hidden_reason'),
    'ip_items': ('title',),
    'contracts': ('name',),
    'payments': ('bank_reference', 'invoice_reference'),
    'deal_events': ('text',),
    'notifications': ('body',),
    'reward_policies': ('name', 'region', 'note'),
    'payout_batches': ('note', 'bank_reference'),
    'reward_claims': ('contract_name', 'region', 'rejection_reason', 'payment_reference'),
    'claw_backs': ('reason', 'region', 'recovery_reference'),
    'integrity_flags': ('review_reason',),
    'dishonesty_listings': ('subject_label', 'reason', 'revoke_reason'),
    'match_feedback': ('comment',),
}
# A file upload's event text holds the file name, which was stored unescaped.
RAW_ROWS: dict[str, sa.ColumnElement[bool]] = {
    'deal_events': sa.column('kind') == 'file_uploaded',
}
BATCH = 1000


def _unescape_table(conn: sa.Connection, name: str, columns: tuple[str, ...]) -> None:
    table = sa.table(name, sa.column('id', sa.Integer), *(sa.column(c, sa.Text) for c in columns))
    has_entity = sa.or_(*(table.c[c].like('%&%') for c in columns))
    raw = RAW_ROWS.get(name)
    if raw is not None:
        has_entity = sa.and_(has_entity, sa.not_(raw))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(table.c.id, *(table.c[c] for c in columns))
            .where(has_entity, table.c.id > last).order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            changed = {c: html.unescape(v) for c, v in zip(columns, row[1:], strict=True)
                       if v is not None and html.unescape(v) != v}
            if changed:
                conn.execute(table.update().where(table.c.id == row.id).values(**changed))
        last = rows[-1].id


def upgrade() -> None:
    conn = op.get_bind()
    for name, columns in ESCAPED.items():
        _unescape_table(conn, name, columns)


def downgrade() -> None:
    pass  # the text as typed is what the earlier code should have kept too
