"""In-app notifications: written in the same transaction as the change they announce.

Titles never name an organisation: a notification about an anonymous demand must not
reveal who posted it. E-mail or SMS delivery can later be added as a job fed by these rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core import paging
from backend.core.errors import NotFound
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.deals.access import achievement_side_admitted, active_brokers
from backend.deals.models import Deal, Notification

STAGE_ZH = {
    "requested": "待需求方同意", "introduced": "已引荐", "negotiating": "洽谈中", "signed": "已签约",
    "registered": "已登记",
    "paid": "已到账", "closed": "已结项", "lost": "未成交", "cancelled": "已取消",
}

# Every kind of notification (`NotificationOut.kind` lists them in the OpenAPI document: the UI
# words each in the reader's language); tests/core/test_vocabulary.py checks the list.
NOTIFICATION_KINDS: tuple[str, ...] = (
    "deal.introduced", "deal.accepted", "deal.stage", "deal.note",
    "deal.invitation", "deal.invitation_declined", "deal.invitation_withdrawn",
    "deal.broker_joined", "deal.shares_changed", "deal.shares_proposed", "deal.shares_rejected",
    "deal.requested", "deal.request_accepted",
    "deal.evidence_declared", "deal.evidence_answered", "deal.evidence_ceiling",
    "deal.payment_corrected", "deal.payment_voided",
    "organisation.join_request", "organisation.join_decided",
    "help.offered", "help.accepted", "help.assigned", "help.escalated", "help.cancel",
    "help.close",
    "draft.submitted", "draft.returned", "draft.approved",
    "dossier.requested", "dossier.granted", "dossier.decline", "dossier.revoke",
    "grade.proposed", "grade.promoted", "grade.demoted",
    "panel.invited", "panel.withdrawn", "panel.accepted", "panel.declined", "poc.decided",
    "financing.fits_mandate", "financing.addressed", "financing.question", "financing.answered",
    "financing.outcome", "financing.declined", "financing.outcome_confirmed",
    "financing.outcome_disputed", "financing.dossier_requested", "financing.dossier_granted",
    "financing.dossier_declined", "financing.dossier_revoked", "roadshow.request_invited",
    "roadshow.investor_invited", "roadshow.registered",
    "challenge.proposal_received", "challenge.member_invited", "challenge.awarded",
    "challenge.not_chosen", "challenge.not_awarded", "challenge.evidence_submitted",
    "challenge.milestone_accepted", "challenge.milestone_rejected", "challenge.milestone_paid",
    "challenge.receipt_confirmed", "challenge.receipt_disputed",
    "challenge.dossier_requested", "challenge.dossier_granted", "challenge.dossier_declined",
    "challenge.dossier_revoked",
)


def party_user_ids(session: Session, org_id: int) -> list[int]:
    """The active firm or institute users who speak for an organisation on its deals."""
    return list(session.execute(
        select(User.id).where(User.organisation_id == org_id, User.is_active.is_(True),
                              User.role.in_([Role.FIRM, Role.INSTITUTE]))
        .order_by(User.id)).scalars())


def audience(session: Session, deal: Deal, *, demand_party: bool = True,
             achievement_party: bool = True, brokers: bool = True) -> list[int]:
    ids: list[int] = []
    if demand_party:
        ids += party_user_ids(session, deal.demand_org_id)
    if achievement_party and achievement_side_admitted(deal):
        ids += party_user_ids(session, deal.achievement_org_id)
    if brokers:
        ids += [b.broker_id for b in active_brokers(deal)]
    return list(dict.fromkeys(ids))


def notify(session: Session, user_ids: Iterable[int], kind: str, title: str, body: str = "",
           *, deal_id: int | None = None, exclude: int | None = None) -> int:
    count = 0
    for user_id in dict.fromkeys(user_ids):
        if user_id == exclude:
            continue
        session.add(Notification(user_id=user_id, kind=kind, title=title[:200], body=body,
                                 deal_id=deal_id))
        count += 1
    session.flush()
    return count


def deal_title(deal: Deal, text: str) -> str:
    return f"撮合项目 #{deal.id}：{text}"


def list_notifications(session: Session, user: User, *, unread_only: bool, page: int,
                       page_size: int) -> tuple[Sequence[Notification], int, int]:
    """The user's notifications, unread first, newest first; with the total and unread count."""
    mine = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        mine = mine.where(Notification.read_at.is_(None))
    unread = session.execute(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))).scalar_one()
    rows, total = paging.page_of(session, mine.order_by(
        Notification.read_at.is_not(None), Notification.created_at.desc(),
        Notification.id.desc()), page, page_size)
    return rows, total, unread


def mark_read(session: Session, user: User, notification_id: int) -> Notification:
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound("未找到该通知。No such notification.")
    if row.read_at is None:
        row.read_at = utcnow()
        session.flush()
    return row


def mark_all_read(session: Session, user: User) -> int:
    result = session.execute(
        update(Notification).where(Notification.user_id == user.id,
                                   Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of an UPDATE
