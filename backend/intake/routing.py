"""Which brokers a help request goes to: by field, region, grade and current load.

Candidates are the verified, active brokers not on the dishonesty list, at or above the
grade the private-demand gate asks for when the request is confidential. They are ranked by
  1. field: one of the broker's declared fields names the request's field or its parent
     (by code, Chinese or English name);
  2. region: the broker's directory region (else their agency's) is the request's region;
  3. load: fewest help requests in hand plus open deals;
  4. grade: higher first;
  5. the broker's id, so the order is stable.
The request is offered to the first HELP_REQUEST_OFFERS of them; the first to accept takes it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts import gates
from backend.accounts.models import BrokerLevel, BrokerProfile, Organisation, User
from backend.accounts.models import VerificationStatus as Verified
from backend.core import clock
from backend.deals import records
from backend.intake import findings
from backend.intake.models import DirectoryProfile, HelpRequest, HelpStatus
from backend.listings import taxonomy


@dataclass(frozen=True)
class Candidate:
    broker_id: int
    display_name: str
    level: BrokerLevel
    field_match: bool
    region_match: bool
    load: int

    def order(self) -> tuple[int, int, int, int, int]:
        return (-self.field_match, -self.region_match, self.load, -gates.rank(self.level),
                self.broker_id)


def _field_terms(session: Session, field_id: int | None) -> set[str]:
    if field_id is None:
        return set()
    field = taxonomy.get_field(session, field_id)
    fields = [field]
    if field.parent_id is not None:
        fields.append(taxonomy.get_field(session, field.parent_id))
    return {t.strip().lower() for f in fields for t in (f.code, f.name_zh, f.name_en)}


def help_loads(session: Session, broker_ids: Collection[int]) -> dict[int, int]:
    """Help requests each broker has accepted and not yet closed."""
    if not broker_ids:
        return {}
    rows = session.execute(
        select(HelpRequest.broker_id, func.count()).where(
            HelpRequest.broker_id.in_(list(broker_ids)),
            HelpRequest.status == HelpStatus.ACCEPTED)
        .group_by(HelpRequest.broker_id)).all()
    return {int(b): int(n) for b, n in rows if b is not None}


def candidates(session: Session, request: HelpRequest, *,
               only: Collection[int] | None = None) -> list[Candidate]:
    """Every eligible broker for `request`, best first (`only`: among these brokers)."""
    query = (select(User.id, User.display_name, BrokerProfile.level, BrokerProfile.fields,
                    DirectoryProfile.region, Organisation.region)
             .join(BrokerProfile, BrokerProfile.user_id == User.id)
             .outerjoin(DirectoryProfile, DirectoryProfile.user_id == User.id)
             .outerjoin(Organisation, Organisation.id == BrokerProfile.agency_id)
             .where(User.is_active.is_(True),
                    BrokerProfile.verification_status == Verified.VERIFIED))
    if only is not None:
        query = query.where(User.id.in_(list(only)))
    rows = session.execute(query).all()
    barred = findings.listed_now(session, clock.today(), [r[0] for r in rows])
    needed = gates.required(gates.Gate.PRIVATE_DEMAND) if request.confidential else None
    eligible = [r for r in rows if r[0] not in barred and gates.meets(r[2], needed)]
    ids = [r[0] for r in eligible]
    deals = records.open_deal_counts(session, ids)
    helps = help_loads(session, ids)
    terms = _field_terms(session, request.field_id)
    found = []
    for user_id, name, level, declared, own_region, agency_region in eligible:
        wanted = {str(f).strip().lower() for f in declared or []}
        region = own_region or agency_region or ""
        found.append(Candidate(
            broker_id=user_id, display_name=name, level=level,
            field_match=bool(terms & wanted), region_match=bool(region)
            and region == request.region,
            load=deals.get(user_id, 0) + helps.get(user_id, 0)))
    return sorted(found, key=Candidate.order)
