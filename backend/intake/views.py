"""Shaping intake rows for the caller (what each may see is decided in the services)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerProfile, Organisation, User
from backend.intake import directory, dossiers, files, record, requests, terms
from backend.intake.access import Seat, seat_of
from backend.intake.models import (
    DemandDraft,
    DossierView,
    GradeChange,
    GradeProposal,
    HelpOffer,
    HelpRequest,
    StoredFile,
    TrainingRecord,
    Visit,
)
from backend.intake.schemas import (
    AccessOut,
    BrokerRef,
    DirectoryDetailOut,
    DirectoryEntryOut,
    DossierOut,
    DossierStatusOut,
    DraftContent,
    DraftOut,
    FileOut,
    GradeChangeOut,
    HelpRequestOut,
    ProposalOut,
    QuarterOut,
    RecordOut,
    TrainingOut,
    ViewOut,
    VisitOut,
)
from backend.listings import taxonomy
from backend.listings.schemas import FieldRef


def broker_refs(session: Session, ids: Iterable[int | None]) -> dict[int, BrokerRef]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name, BrokerProfile.level)
                           .outerjoin(BrokerProfile, BrokerProfile.user_id == User.id)
                           .where(User.id.in_(wanted))).all()
    return {i: BrokerRef(id=i, display_name=name, level=level) for i, name, level in rows}


def _counts(session: Session, model: type[Visit] | type[DemandDraft], ids: list[int]
            ) -> dict[int, int]:
    if not ids:
        return {}
    rows = session.execute(select(model.help_request_id, func.count())
                           .where(model.help_request_id.in_(ids))
                           .group_by(model.help_request_id)).all()
    return {int(i): int(n) for i, n in rows}


def help_request_views(session: Session, user: User, rows: Sequence[HelpRequest]
                       ) -> list[HelpRequestOut]:
    ids = [r.id for r in rows]
    orgs = dict(session.execute(select(Organisation.id, Organisation.name).where(
        Organisation.id.in_({r.organisation_id for r in rows}))).all()) if rows else {}
    people = dict(session.execute(select(User.id, User.display_name).where(
        User.id.in_({r.created_by_id for r in rows}))).all()) if rows else {}
    brokers = broker_refs(session, [r.broker_id for r in rows])
    offers = dict(session.execute(select(HelpOffer.help_request_id, HelpOffer.status).where(
        HelpOffer.help_request_id.in_(ids), HelpOffer.broker_id == user.id)).all()
                  ) if ids else {}
    visits, drafts = _counts(session, Visit, ids), _counts(session, DemandDraft, ids)
    fields = {f.id: f for f in taxonomy.all_fields(session)} if rows else {}
    out = []
    for r in rows:
        shown = seat_of(session, user, r) is not Seat.OFFERED or not r.confidential
        field = fields.get(r.field_id) if r.field_id is not None else None
        out.append(HelpRequestOut(
            id=r.id, status=r.status, confidential=r.confidential,
            description=r.description if shown else None,
            organisation_id=r.organisation_id if shown else None,
            organisation_name=orgs.get(r.organisation_id) if shown else None,
            requested_by=people.get(r.created_by_id) if shown else None,
            preferred_times=r.preferred_times,
            field=FieldRef(id=field.id, code=field.code, name_zh=field.name_zh,
                           name_en=field.name_en) if field else None,
            region=r.region, broker=brokers.get(r.broker_id) if r.broker_id else None,
            requested_broker_id=r.requested_broker_id, my_offer=offers.get(r.id),
            created_at=r.created_at, accepted_at=r.accepted_at, escalated_at=r.escalated_at,
            ended_at=r.ended_at, overdue=requests.is_overdue(r), visits=visits.get(r.id, 0),
            drafts=drafts.get(r.id, 0)))
    return out


def file_out(row: StoredFile) -> FileOut:
    return FileOut.model_validate(row)


def visit_views(session: Session, rows: Sequence[Visit]) -> list[VisitOut]:
    attached = files.files_of(session, visit_ids=[v.id for v in rows])
    brokers = broker_refs(session, [v.broker_id for v in rows])
    return [VisitOut(id=v.id, help_request_id=v.help_request_id, broker=brokers[v.broker_id],
                     kind=v.kind, visited_on=v.visited_on, attendees=v.attendees,
                     findings=v.findings, follow_ups=v.follow_ups,
                     files=[file_out(f) for f in attached if f.visit_id == v.id],
                     created_at=v.created_at, updated_at=v.updated_at) for v in rows]


def draft_views(session: Session, rows: Sequence[DemandDraft]) -> list[DraftOut]:
    brokers = broker_refs(session, [d.broker_id for d in rows])
    return [DraftOut(id=d.id, help_request_id=d.help_request_id,
                     organisation_id=d.organisation_id, broker=brokers[d.broker_id],
                     status=d.status, title=d.title,
                     demand=DraftContent.model_validate(d.content), firm_note=d.firm_note,
                     demand_id=d.demand_id, dossier_id=dossiers.draft_dossier_id(session, d.id),
                     decided_at=d.decided_at, created_at=d.created_at, updated_at=d.updated_at)
            for d in rows]


def dossier_out(session: Session, view: dossiers.DossierAccessView) -> DossierOut:
    d = view.dossier
    return DossierOut(id=d.id, demand_id=d.demand_id, draft_id=d.draft_id,
                      financing_request_id=d.financing_request_id,
                      challenge_id=d.challenge_id, details=d.details,
                      volumes=d.volumes, budget=d.budget,
                      files=[file_out(f) for f in dossiers.files_of(session, d)],
                      updated_at=d.updated_at)


def dossier_status(session: Session, view: dossiers.DossierAccessView) -> DossierStatusOut:
    d = view.dossier
    current = terms.latest(session, d.organisation_id)
    row = dossiers.access_row(session, d.id, view.user.id)
    readable, _ = dossiers.may_read(session, view)
    return DossierStatusOut(
        dossier_id=d.id, demand_id=d.demand_id, financing_request_id=d.financing_request_id,
        challenge_id=d.challenge_id, owner=view.relation is dossiers.Relation.OWNER,
        reviewer=view.relation is dossiers.Relation.REVIEWER,
        access=row.status if row is not None else None,
        terms_version=current.version if current else 1,
        terms_accepted=current is not None and terms.has_accepted(session, view.user.id,
                                                                   current.id),
        can_view=readable)


def access_views(lines: Sequence[dossiers.AccessLine]) -> list[AccessOut]:
    return [AccessOut(user_id=x.user.id, display_name=x.user.display_name, role=x.user.role.value,
                      organisation_name=x.organisation_name, status=x.row.status,
                      message=x.row.message, requested_at=x.row.requested_at,
                      decided_at=x.row.decided_at, accepted_version=x.accepted_version)
            for x in lines]


def view_log_views(rows: Sequence[tuple[DossierView, User, str | None]]) -> list[ViewOut]:
    return [ViewOut(id=view.id, user_id=user.id, display_name=user.display_name,
                    organisation_name=org, file_id=view.file_id, viewed_at=view.viewed_at)
            for view, user, org in rows]


# --- directory and grades ---------------------------------------------------------------------

def record_out(r: record.Record) -> RecordOut:
    return RecordOut(introductions=r.introductions, deals_registered=r.deals_registered,
                     confirmed_value=r.confirmed_value,
                     median_days_to_signing=r.median_days_to_signing, lost_share=r.lost_share,
                     upheld_findings=r.upheld_findings)


def entry_out(e: directory.Entry) -> DirectoryEntryOut:
    return DirectoryEntryOut(broker_id=e.broker_id, display_name=e.display_name,
                             agency_name=e.agency_name, level=e.level, fields=e.fields,
                             region=e.region, languages=e.languages, bio=e.bio,
                             record=record_out(e.record))


def entry_detail(e: directory.Entry, quarters: Sequence[record.Quarter],
                 changes: Sequence[GradeChange]) -> DirectoryDetailOut:
    return DirectoryDetailOut(
        **entry_out(e).model_dump(),
        quarters=[QuarterOut(quarter=q.label, introductions=q.introductions,
                             deals_registered=q.deals_registered,
                             confirmed_value=q.confirmed_value) for q in quarters],
        grade_history=[GradeChangeOut(from_level=c.from_level, to_level=c.to_level,
                                      reason=c.reason, changed_at=c.changed_at, note=c.note)
                       for c in changes])


def training_views(rows: Sequence[TrainingRecord]) -> list[TrainingOut]:
    return [TrainingOut.model_validate(r) for r in rows]


def proposal_views(session: Session, rows: Sequence[GradeProposal]) -> list[ProposalOut]:
    brokers = broker_refs(session, [p.broker_id for p in rows])
    return [ProposalOut(id=p.id, broker=brokers[p.broker_id], from_level=p.from_level,
                        to_level=p.to_level, evidence=p.evidence, status=p.status,
                        proposed_at=p.proposed_at, decided_at=p.decided_at, note=p.note)
            for p in rows]
