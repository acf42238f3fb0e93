"""Notes on a deal's timeline, kept between the brokers or shared with the parties."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from backend.audit import service as audit
from backend.deals.access import PARTIES, DealAccess, insider, require_broker
from backend.deals.events import add_event, events_of
from backend.deals.models import DealEvent
from backend.deals.notifications import audience, deal_title, notify


def add_note(session: Session, actor: audit.Actor, access: DealAccess, text: str,
             visible_to_parties: bool) -> DealEvent:
    """Brokers write notes; shared notes also reach the parties (who read but do not write:
    the deal's record is the brokers' responsibility)."""
    require_broker(access)
    deal = access.deal
    event = add_event(session, deal, access.user.id, "note", text=text,
                      visible_to_parties=visible_to_parties)
    audit.record(session, actor, "deal.note", "deal_event", event.id,
                 after={"deal_id": deal.id, "visible_to_parties": visible_to_parties,
                        "length": len(text)})
    if visible_to_parties:
        notify(session, audience(session, deal), "deal.note",
               deal_title(deal, "经纪人添加了备注 A broker added a note"), text[:500],
               deal_id=deal.id, exclude=access.user.id)
    return event


def timeline(session: Session, access: DealAccess) -> Sequence[DealEvent]:
    insider(access)
    return events_of(session, access.deal.id, parties_only=access.relation in PARTIES)
