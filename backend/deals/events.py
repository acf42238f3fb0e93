"""The deal's timeline: one row per thing that happened, shown to parties when meant for them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.service import jsonable
from backend.deals.models import Deal, DealEvent, Stage

# Every kind of timeline event (`EventOut.kind` lists them in the OpenAPI document, so the UI
# has words for each); tests/core/test_vocabulary.py fails on a kind written but not listed.
EVENT_KINDS: tuple[str, ...] = (
    "opened", "accepted", "declined", "stage_changed", "note",
    "contract_recorded", "contract_updated", "contract_registered", "file_uploaded",
    "payment_recorded", "payment_uncounted", "payment_corrected", "payment_voided",
    "broker_invited", "invitation_declined", "invitation_withdrawn", "broker_joined",
    "shares_changed", "shares_proposed", "shares_accepted", "shares_rejected",
    "requested", "request_accepted", "request_declined", "registration_amended",
    "evidence_confirmed", "evidence_disputed",
)


def add_event(session: Session, deal: Deal, actor_id: int | None, kind: str, *,
              text: str | None = None, data: dict[str, Any] | None = None,
              from_stage: Stage | None = None, to_stage: Stage | None = None,
              visible_to_parties: bool = True) -> DealEvent:
    event = DealEvent(deal_id=deal.id, actor_id=actor_id, kind=kind, text=text,
                      data=jsonable(data), from_stage=from_stage, to_stage=to_stage,
                      visible_to_parties=visible_to_parties)
    session.add(event)
    session.flush()
    return event


def events_of(session: Session, deal_id: int, *, parties_only: bool,
              kinds: Sequence[str] | None = None, newest_first: bool = False
              ) -> Sequence[DealEvent]:
    query = select(DealEvent).where(DealEvent.deal_id == deal_id)
    if parties_only:
        query = query.where(DealEvent.visible_to_parties.is_(True))
    if kinds is not None:
        query = query.where(DealEvent.kind.in_(kinds))
    order = DealEvent.id.desc() if newest_first else DealEvent.id.asc()
    return session.execute(query.order_by(order)).scalars().all()
