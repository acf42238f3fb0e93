"""Roadshows (路演): administrators organise them, invite financing requests to present and
investors to come; an owner's consent comes before any investor sees its request there;
after the event, registered investors record their interest per project and follow it up.

Who sees a roadshow (anyone else gets 404): administrators; the investor organisations
invited to it; the organisations whose requests were invited to present. What each sees of
the presenting requests (consent before disclosure):
- administrators: every invited request and its owner's answer;
- an owner: its own requests' invitations (and nobody else's);
- an investor: nothing until it registered, then the requests whose owners consented — a
  request whose owner declined or has not answered is invisible to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, exists, false, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User, VerificationStatus
from backend.audit import service as audit
from backend.capital import notices, schemas, service
from backend.capital.models import (
    FinancingRequest,
    FinancingStatus,
    Presentation,
    PresentationConsent,
    Roadshow,
    RoadshowInterest,
    RoadshowInvestor,
    RoadshowStatus,
)
from backend.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from backend.core.permissions import Role
from backend.core.types import utcnow

_NO_ROADSHOW = "未找到该路演。No such roadshow."


def _owned_requests(org_id: int) -> Any:
    return select(FinancingRequest.id).where(FinancingRequest.organisation_id == org_id)


def visible_query(session: Session, user: User) -> Select[Roadshow]:
    query = select(Roadshow)
    if user.role == Role.ADMIN:
        return query
    if service.is_verified_investor(session, user) and user.organisation_id is not None:
        return query.where(exists().where(
            RoadshowInvestor.roadshow_id == Roadshow.id,
            RoadshowInvestor.organisation_id == user.organisation_id))
    if user.role in (Role.FIRM, Role.INSTITUTE) and user.organisation_id is not None:
        return query.where(exists().where(
            Presentation.roadshow_id == Roadshow.id,
            Presentation.request_id.in_(_owned_requests(user.organisation_id))))
    return query.where(false())


def roadshow_for(session: Session, user: User, roadshow_id: int, *, lock: bool = False
                 ) -> Roadshow:
    query = visible_query(session, user).where(Roadshow.id == roadshow_id)
    if lock:
        query = query.with_for_update(of=Roadshow)
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        raise NotFound(_NO_ROADSHOW)
    return found


def list_roadshows(session: Session, user: User) -> list[Roadshow]:
    return list(session.execute(visible_query(session, user).order_by(
        Roadshow.starts_at.desc(), Roadshow.id.desc()).limit(200)).scalars())


def _registration(session: Session, roadshow_id: int, org_id: int | None
                  ) -> RoadshowInvestor | None:
    if org_id is None:
        return None
    return session.get(RoadshowInvestor, (roadshow_id, org_id))


def _presentations_for(session: Session, user: User, roadshow: Roadshow
                       ) -> list[tuple[Presentation, FinancingRequest]]:
    query = (select(Presentation, FinancingRequest)
             .join(FinancingRequest, FinancingRequest.id == Presentation.request_id)
             .where(Presentation.roadshow_id == roadshow.id))
    if user.role == Role.ADMIN:
        pass
    elif user.role == Role.INVESTOR:
        seat = _registration(session, roadshow.id, user.organisation_id)
        if seat is None or seat.registered_at is None:
            return []
        # A request withdrawn after it was invited is no longer shown to anyone outside it.
        query = query.where(Presentation.consent == PresentationConsent.ACCEPTED,
                            FinancingRequest.status != FinancingStatus.WITHDRAWN)
    else:
        query = query.where(FinancingRequest.organisation_id == user.organisation_id)
    return [(p, r) for p, r in session.execute(query.order_by(Presentation.invited_at,
                                                              Presentation.request_id))]


def view(session: Session, user: User, roadshow: Roadshow) -> schemas.RoadshowOut:
    pairs = _presentations_for(session, user, roadshow)
    names = service._org_names(session, (r.organisation_id for _, r in pairs))
    investors = None
    if user.role == Role.ADMIN:
        rows = session.execute(select(RoadshowInvestor, Organisation.name).join(
            Organisation, Organisation.id == RoadshowInvestor.organisation_id).where(
            RoadshowInvestor.roadshow_id == roadshow.id).order_by(Organisation.name)).all()
        investors = [schemas.RoadshowInvestorOut(organisation_id=i.organisation_id, name=name,
                                                 registered_at=i.registered_at)
                     for i, name in rows]
    registered = None
    if user.role == Role.INVESTOR:
        seat = _registration(session, roadshow.id, user.organisation_id)
        registered = seat is not None and seat.registered_at is not None
    return schemas.RoadshowOut(
        id=roadshow.id, theme=roadshow.theme, description=roadshow.description,
        starts_at=roadshow.starts_at, place=roadshow.place, online_link=roadshow.online_link,
        status=roadshow.status, created_at=roadshow.created_at, held_at=roadshow.held_at,
        investors=investors, registered=registered,
        presentations=[schemas.PresentationOut(
            request_id=r.id, consent=p.consent, answered_at=p.answered_at,
            organisation_name=names[r.organisation_id], title=r.title, summary=r.summary,
            amount=r.amount, instrument=r.instrument, field_id=r.field_id,
            trl_current=r.trl_current, trl_target=r.trl_target) for p, r in pairs])


def _snapshot(roadshow: Roadshow) -> dict[str, Any]:
    return {"theme": roadshow.theme, "starts_at": roadshow.starts_at.isoformat(),
            "place": roadshow.place, "online_link": roadshow.online_link,
            "status": roadshow.status}


def _require_planned(roadshow: Roadshow) -> None:
    if roadshow.status != RoadshowStatus.PLANNED:
        raise Conflict("该路演已举行或已取消。The roadshow has been held or cancelled.")


# --- the organiser -----------------------------------------------------------------------------

def create(session: Session, actor: audit.Actor, user: User, data: schemas.RoadshowIn
           ) -> Roadshow:
    roadshow = Roadshow(theme=data.theme, description=data.description,
                        starts_at=data.starts_at, place=data.place,
                        online_link=data.online_link, created_by_id=user.id)
    session.add(roadshow)
    session.flush()
    audit.record(session, actor, "roadshow.create", "roadshow", roadshow.id,
                 after=_snapshot(roadshow))
    return roadshow


def update(session: Session, actor: audit.Actor, user: User, roadshow_id: int,
           data: schemas.RoadshowIn) -> Roadshow:
    """Change a planned roadshow's theme, time, place or link (audited, before/after)."""
    roadshow = roadshow_for(session, user, roadshow_id, lock=True)
    _require_planned(roadshow)
    before = _snapshot(roadshow)
    roadshow.theme, roadshow.description = data.theme, data.description
    roadshow.starts_at, roadshow.place = data.starts_at, data.place
    roadshow.online_link = data.online_link
    session.flush()
    audit.record(session, actor, "roadshow.update", "roadshow", roadshow.id, before=before,
                 after=_snapshot(roadshow))
    return roadshow


def invite_request(session: Session, actor: audit.Actor, user: User, roadshow_id: int,
                   data: schemas.PresentationIn) -> Roadshow:
    """Invite a published request to present; its owner decides whether it does."""
    roadshow = roadshow_for(session, user, roadshow_id, lock=True)
    _require_planned(roadshow)
    request = session.get(FinancingRequest, data.request_id)
    if request is None or request.status != FinancingStatus.PUBLISHED:
        raise InvalidInput("request_id", "只能邀请已发布的融资需求路演。Only a published financing "
                           "request can be invited to present.")
    if session.get(Presentation, (roadshow.id, request.id)) is not None:
        raise Conflict("该融资需求已受邀。This request is already invited.")
    session.add(Presentation(roadshow_id=roadshow.id, request_id=request.id))
    session.flush()
    audit.record(session, actor, "roadshow.invite_request", "roadshow", roadshow.id,
                 after={"request_id": request.id})
    notices.request_invited(session, roadshow, request)
    return roadshow


def invite_investor(session: Session, actor: audit.Actor, user: User, roadshow_id: int,
                    data: schemas.RoadshowInvestorIn) -> Roadshow:
    roadshow = roadshow_for(session, user, roadshow_id, lock=True)
    _require_planned(roadshow)
    org = session.get(Organisation, data.organisation_id)
    if (org is None or org.kind != OrgKind.INVESTOR
            or org.verification_status != VerificationStatus.VERIFIED):
        raise InvalidInput("organisation_id", "未找到该认证投资机构。No such verified investor.")
    if session.get(RoadshowInvestor, (roadshow.id, org.id)) is not None:
        raise Conflict("该投资机构已受邀。This investor is already invited.")
    session.add(RoadshowInvestor(roadshow_id=roadshow.id, organisation_id=org.id))
    session.flush()
    audit.record(session, actor, "roadshow.invite_investor", "roadshow", roadshow.id,
                 after={"organisation_id": org.id})
    notices.investor_invited(session, roadshow, org.id)
    return roadshow


def end(session: Session, actor: audit.Actor, user: User, roadshow_id: int,
        to: RoadshowStatus) -> Roadshow:
    """Mark a planned roadshow held (interest may then be recorded) or cancelled."""
    roadshow = roadshow_for(session, user, roadshow_id, lock=True)
    _require_planned(roadshow)
    before = _snapshot(roadshow)
    roadshow.status = to
    if to == RoadshowStatus.HELD:
        roadshow.held_at = utcnow()
    session.flush()
    audit.record(session, actor,
                 "roadshow.hold" if to == RoadshowStatus.HELD else "roadshow.cancel",
                 "roadshow", roadshow.id, before=before, after=_snapshot(roadshow))
    return roadshow


# --- the owner: consent ------------------------------------------------------------------------

def answer_invitation(session: Session, actor: audit.Actor, user: User, roadshow_id: int,
                      request_id: int, accept: bool) -> Roadshow:
    """The request's owner consents to present (registered investors then see its summary)
    or declines; it may change its answer until the roadshow is held."""
    roadshow = roadshow_for(session, user, roadshow_id, lock=True)
    presentation = session.get(Presentation, (roadshow.id, request_id), with_for_update=True)
    request = session.get(FinancingRequest, request_id)
    if presentation is None or request is None:
        raise NotFound("未找到该路演邀请。No such invitation to present.")
    if not service.is_owner(user, request):
        raise PermissionDenied("只有发布方可以答复路演邀请。Only the requesting organisation "
                               "answers an invitation to present.")
    _require_planned(roadshow)
    to = PresentationConsent.ACCEPTED if accept else PresentationConsent.DECLINED
    if presentation.consent == to:
        raise Conflict("已如此答复。You have already answered so.")
    before = presentation.consent
    presentation.consent, presentation.answered_at = to, utcnow()
    presentation.answered_by_id = user.id
    session.flush()
    audit.record(session, actor,
                 "roadshow.consent_accept" if accept else "roadshow.consent_decline",
                 "roadshow", roadshow.id, before={"request_id": request_id, "consent": before},
                 after={"request_id": request_id, "consent": to})
    return roadshow


# --- investors: registration, interest and follow-ups ------------------------------------------

def register(session: Session, actor: audit.Actor, user: User, roadshow_id: int) -> Roadshow:
    org = service._verified_investor_org(session, user)
    roadshow = roadshow_for(session, user, roadshow_id, lock=True)
    _require_planned(roadshow)
    seat = session.get(RoadshowInvestor, (roadshow.id, org.id), with_for_update=True)
    if seat is None:
        raise NotFound(_NO_ROADSHOW)
    if seat.registered_at is not None:
        raise Conflict("贵机构已报名。Your organisation has already registered.")
    seat.registered_at, seat.registered_by_id = utcnow(), user.id
    session.flush()
    audit.record(session, actor, "roadshow.register", "roadshow", roadshow.id,
                 after={"organisation_id": org.id})
    notices.registered(session, roadshow, org.name)
    return roadshow


def record_interest(session: Session, actor: audit.Actor, user: User, roadshow_id: int,
                    request_id: int, data: schemas.RoadshowInterestIn) -> RoadshowInterest:
    """After the roadshow, a registered investor records (and later updates) its interest in a
    project that presented with its owner's consent."""
    org = service._verified_investor_org(session, user)
    roadshow = roadshow_for(session, user, roadshow_id)
    # The investor's seat, locked: its first records at once (two tabs) take turns, so the
    # second finds the first's row instead of inserting another (a 500 on the unique key).
    seat = session.get(RoadshowInvestor, (roadshow.id, org.id), with_for_update=True)
    presentation = session.get(Presentation, (roadshow.id, request_id))
    request = session.get(FinancingRequest, request_id)
    if (seat is None or seat.registered_at is None or presentation is None
            or presentation.consent != PresentationConsent.ACCEPTED
            or request is None or request.status == FinancingStatus.WITHDRAWN):
        raise NotFound("未找到该路演项目。No such project at this roadshow.")
    if roadshow.status != RoadshowStatus.HELD:
        raise Conflict("路演举行后才能记录意向。Interest is recorded after the roadshow is held.")
    row = session.execute(select(RoadshowInterest).where(
        RoadshowInterest.roadshow_id == roadshow.id, RoadshowInterest.request_id == request_id,
        RoadshowInterest.organisation_id == org.id).with_for_update()).scalar_one_or_none()
    before = None if row is None else {"status": row.status, "note": row.note}
    if row is None:
        row = RoadshowInterest(roadshow_id=roadshow.id, request_id=request_id,
                               organisation_id=org.id, updated_by_id=user.id)
        session.add(row)
    row.status, row.note, row.updated_by_id = data.status, data.note, user.id
    row.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "roadshow.interest", "roadshow_interest", row.id,
                 before=before, after={"roadshow_id": roadshow.id, "request_id": request_id,
                                       "status": row.status, "note": row.note})
    return row


def interests(session: Session, user: User, roadshow_id: int
              ) -> list[schemas.RoadshowInterestOut]:
    """Administrators see all; an owner those on its requests; an investor its own."""
    roadshow = roadshow_for(session, user, roadshow_id)
    query = select(RoadshowInterest).where(RoadshowInterest.roadshow_id == roadshow.id)
    if user.role == Role.INVESTOR:
        query = query.where(RoadshowInterest.organisation_id == user.organisation_id)
    elif user.role != Role.ADMIN:
        query = query.where(RoadshowInterest.request_id.in_(
            _owned_requests(user.organisation_id or 0)))
    rows = session.execute(query.order_by(RoadshowInterest.id)).scalars().all()
    return interest_views(session, rows)


def interest_views(session: Session, rows: Sequence[RoadshowInterest]
                   ) -> list[schemas.RoadshowInterestOut]:
    names = service._org_names(session, (r.organisation_id for r in rows))
    titles: dict[int, str] = {rid: title for rid, title in session.execute(
        select(FinancingRequest.id, FinancingRequest.title).where(
            FinancingRequest.id.in_({r.request_id for r in rows})))} if rows else {}
    return [schemas.RoadshowInterestOut(
        id=r.id, roadshow_id=r.roadshow_id, request_id=r.request_id,
        request_title=titles.get(r.request_id, ""), organisation_id=r.organisation_id,
        organisation_name=names[r.organisation_id], status=r.status, note=r.note,
        updated_at=r.updated_at) for r in rows]


