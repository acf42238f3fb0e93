"""HTTP for experts: the pool and invitations, conflicts, proof-of-concept requests and panels,
and the experts' review assignments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request, Response, UploadFile, status
from fastapi.responses import StreamingResponse

from backend.accounts import schemas as account_schemas
from backend.accounts import service as accounts
from backend.accounts import throttle
from backend.accounts.deps import ActorDep, require
from backend.accounts.models import User, VerificationStatus
from backend.core import tabular
from backend.core.deps import DeskPageSize, PageNo, SessionDep, client_ip
from backend.core.permissions import Permission
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page
from backend.deals.storage import FileStore, file_store
from backend.experts import schemas
from backend.experts.models import DossierCategory, ExpertKind, PocStatus
from backend.experts.service import conflicts, dossier, poc, pool, report_pdf, views
from backend.intake.downloads import FILE_RESPONSE, stream_file

experts_router = APIRouter(prefix="/api/v1/experts", tags=["experts"],
                           route_class=UnitOfWorkRoute)
invitations_router = APIRouter(prefix="/api/v1/expert-invitations", tags=["experts"],
                               route_class=UnitOfWorkRoute)
poc_router = APIRouter(prefix="/api/v1/poc-requests", tags=["poc"], route_class=UnitOfWorkRoute)
reviews_router = APIRouter(prefix="/api/v1/review-assignments", tags=["reviews"],
                           route_class=UnitOfWorkRoute)

Manager = Annotated[User, Depends(require(Permission.EXPERT_MANAGE))]   # administrators
Reviewer = Annotated[User, Depends(require(Permission.REVIEW_WORK))]    # experts
Requester = Annotated[User, Depends(require(Permission.POC_REQUEST))]   # institutes
PocReader = Annotated[User, Depends(require(Permission.POC_READ))]      # institutes, admins
DossierReader = Annotated[User, Depends(require(Permission.POC_DOSSIER))]  # + seated experts
Store = Annotated[FileStore, Depends(file_store)]


# --- the pool ---------------------------------------------------------------------------------

@experts_router.post("/register", status_code=status.HTTP_201_CREATED)
@blocking
def register_expert(body: schemas.ExpertRegistration, session: SessionDep,
                    request: Request) -> account_schemas.Me:
    """Register as an expert: with an administrator's invitation code in the pool at once,
    without one an application an administrator verifies."""
    throttle.count_registration(client_ip(request))
    user = pool.register(session, body, client_ip(request))
    loaded = accounts.load_user(session, user.id)
    return account_schemas.Me.model_validate(loaded)


@experts_router.get("")
def list_experts(session: SessionDep, _: Manager,
                 status_: Annotated[VerificationStatus | None, Query(alias="status")] = None,
                 kind: ExpertKind | None = None, q: str | None = None, page: PageNo = 1,
                 page_size: DeskPageSize = 50) -> Page[schemas.ExpertOut]:
    rows, total = pool.list_experts(session, status_, kind, q, page, page_size)
    return Page(items=[pool.view(r) for r in rows], total=total, page=page, page_size=page_size)


@experts_router.get("/me")
def my_profile(session: SessionDep, user: Reviewer) -> schemas.ExpertOut:
    return pool.view(pool.load(session, user.id))


@experts_router.put("/me")
def update_my_profile(body: schemas.ExpertProfileIn, session: SessionDep, user: Reviewer,
                      actor: ActorDep) -> schemas.ExpertOut:
    return pool.view(pool.update_profile(session, actor, user.id, body))


@experts_router.get("/{user_id}")
def get_expert(user_id: int, session: SessionDep, _: Manager) -> schemas.ExpertOut:
    return pool.view(pool.load(session, user_id))


@experts_router.post("/{user_id}/verification")
def verify_expert(user_id: int, body: schemas.VerificationIn, session: SessionDep,
                  _: Manager, actor: ActorDep) -> schemas.ExpertOut:
    pool.verify(session, actor, user_id, body.approve, body.note)
    return pool.view(pool.load(session, user_id))


@experts_router.get("/{user_id}/conflicts")
def expert_conflicts(user_id: int, organisation_id: int, session: SessionDep, _: Manager
                     ) -> list[schemas.ConflictOut]:
    """The expert's conflicts of interest with an organisation, each explained."""
    return [f.out() for f in conflicts.conflicts_of(session, user_id, organisation_id)]


@experts_router.post("/{user_id}/conflicts", status_code=status.HTTP_201_CREATED)
def add_conflict(user_id: int, body: schemas.ManualConflictIn, session: SessionDep,
                 _: Manager, actor: ActorDep) -> list[schemas.ConflictOut]:
    conflicts.add_manual(session, actor, user_id, body)
    return [f.out() for f in conflicts.conflicts_of(session, user_id, body.organisation_id)]


@experts_router.get("/{user_id}/manual-conflicts")
def list_manual_conflicts(user_id: int, session: SessionDep, _: Manager
                          ) -> list[schemas.ManualConflictOut]:
    """The conflicts administrators recorded for the expert (the computed ones are listed per
    request among the candidates)."""
    return [schemas.ManualConflictOut(id=row.id, organisation_id=row.organisation_id,
                                      organisation_name=name, reason=row.reason,
                                      created_at=row.created_at)
            for row, name in conflicts.manual_of(session, user_id)]


@experts_router.delete("/{user_id}/conflicts/{conflict_id}",
                       status_code=status.HTTP_204_NO_CONTENT)
def remove_conflict(user_id: int, conflict_id: int, session: SessionDep, _: Manager,
                    actor: ActorDep) -> None:
    conflicts.remove_manual(session, actor, user_id, conflict_id)


# --- invitations ------------------------------------------------------------------------------

def _invitation_out(row: object) -> schemas.ExpertInvitationOut:
    return schemas.ExpertInvitationOut.model_validate(row)


@invitations_router.get("")
def list_expert_invitations(session: SessionDep, _: Manager
                            ) -> list[schemas.ExpertInvitationOut]:
    return [_invitation_out(i) for i in pool.list_invitations(session)]


@invitations_router.post("", status_code=status.HTTP_201_CREATED)
def invite_expert(body: schemas.ExpertInvitationIn, session: SessionDep, _: Manager,
                  actor: ActorDep) -> schemas.ExpertInvitationCreated:
    """A one-time code (shown once) for the administrator to send by e-mail or text."""
    invitation, code = pool.invite(session, actor, body)
    return schemas.ExpertInvitationCreated(**_invitation_out(invitation).model_dump(), code=code)


@invitations_router.delete("/{invitation_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_expert_invitation(invitation_id: int, session: SessionDep, _: Manager,
                             actor: ActorDep) -> None:
    pool.revoke_invitation(session, actor, invitation_id)


# --- proof-of-concept requests ----------------------------------------------------------------

def _request_out(session: SessionDep, user: User, request_id: int) -> schemas.PocRequestOut:
    session.flush()
    return views.request_views(session, user, [poc.request_for(session, user, request_id)])[0]


@poc_router.get("")
def list_poc_requests(session: SessionDep, user: PocReader,
                      status_: Annotated[PocStatus | None, Query(alias="status")] = None
                      ) -> list[schemas.PocRequestOut]:
    """An institute's own requests; every request for administrators."""
    return views.request_views(session, user, poc.list_requests(session, user, status_))


@poc_router.post("", status_code=status.HTTP_201_CREATED)
def request_poc_review(body: schemas.PocRequestIn, session: SessionDep, user: Requester,
                       actor: ActorDep) -> schemas.PocRequestOut:
    request = poc.ask(session, actor, user, body)
    return _request_out(session, user, request.id)


@poc_router.get("/stats")
def poc_stats(session: SessionDep, _: Manager) -> schemas.PocStatsOut:
    return views.stats(session)


@poc_router.get("/{request_id}")
def get_poc_request(request_id: int, session: SessionDep, user: PocReader
                    ) -> schemas.PocRequestOut:
    return _request_out(session, user, request_id)


@poc_router.put("/{request_id}/publish")
def publish_poc_summary(request_id: int, body: schemas.PublishIn, session: SessionDep,
                        user: Requester, actor: ActorDep) -> schemas.PocRequestOut:
    """The institute chooses whether the panel's summary shows on the listing."""
    poc.set_publish(session, actor, poc.request_for(session, user, request_id, lock=True),
                    body.publish_summary)
    return _request_out(session, user, request_id)


@poc_router.get("/{request_id}/report")
def poc_report(request_id: int, session: SessionDep, user: PocReader) -> schemas.ReportOut:
    return views.report(session, user, poc.request_for(session, user, request_id))


@poc_router.get("/{request_id}/report.xlsx", response_class=Response, responses={
    200: {"content": {tabular.MEDIA_TYPES["xlsx"]: {}}, "description": "XLSX"}})
def poc_report_xlsx(request_id: int, session: SessionDep, user: PocReader) -> Response:
    """The report as a spreadsheet (formula-escaped, no reviewer names; confidential notes
    for administrators only)."""
    report = views.report(session, user, poc.request_for(session, user, request_id))
    return Response(tabular.to_xlsx(views.report_table(report)),
                    media_type=tabular.MEDIA_TYPES["xlsx"],
                    headers={"Content-Disposition":
                             f'attachment; filename="poc-report-{request_id}.xlsx"'})


@poc_router.get("/{request_id}/report.pdf", response_class=Response, responses={
    200: {"content": {"application/pdf": {}}, "description": "PDF"}})
def poc_report_pdf(request_id: int, session: SessionDep, user: PocReader) -> Response:
    """The report as a PDF (labels, not codes; Chinese and English; no reviewer names;
    confidential notes for administrators only)."""
    report = views.report(session, user, poc.request_for(session, user, request_id))
    return Response(report_pdf.report_pdf(report), media_type="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="poc-report-{request_id}.pdf"'})


@poc_router.post("/{request_id}/accept")
def accept_poc_request(request_id: int, body: schemas.AcceptIn, session: SessionDep,
                       user: Manager, actor: ActorDep) -> schemas.PocRequestOut:
    """Accept and propose a panel (409 naming the kinds no conflict-free expert can fill)."""
    poc.accept(session, actor, poc.request_for(session, user, request_id, lock=True), body)
    return _request_out(session, user, request_id)


@poc_router.post("/{request_id}/decline")
def decline_poc_request(request_id: int, body: schemas.DeclineIn, session: SessionDep,
                        user: Manager, actor: ActorDep) -> schemas.PocRequestOut:
    poc.decline(session, actor, poc.request_for(session, user, request_id, lock=True), body.note)
    return _request_out(session, user, request_id)


@poc_router.get("/{request_id}/candidates")
def poc_candidates(request_id: int, session: SessionDep, user: Manager
                   ) -> list[schemas.ExpertCandidateOut]:
    """Every verified expert, best expertise first, with load and conflicts (for a swap)."""
    scored = poc.score_pool(session, poc.request_for(session, user, request_id))
    scored.sort(key=lambda s: (bool(s.found), -s.similarity, s.row.profile.user_id))
    return [schemas.ExpertCandidateOut(
        expert_id=s.row.profile.user_id, name=s.row.profile.name,
        organisation_name=s.row.profile.organisation_name, kind=s.row.profile.kind,
        similarity=round(s.similarity, 4), load=s.row.load,
        yearly_capacity=s.row.profile.yearly_capacity, conflicts=[f.out() for f in s.found])
        for s in scored]


@poc_router.post("/{request_id}/swap")
def swap_panel_seat(request_id: int, body: schemas.SwapIn, session: SessionDep, user: Manager,
                    actor: ActorDep) -> schemas.PocRequestOut:
    poc.swap(session, actor, poc.request_for(session, user, request_id, lock=True), body)
    return _request_out(session, user, request_id)


@poc_router.post("/{request_id}/confirm")
def confirm_panel(request_id: int, session: SessionDep, user: Manager,
                  actor: ActorDep) -> schemas.PocRequestOut:
    poc.confirm(session, actor, poc.request_for(session, user, request_id, lock=True))
    return _request_out(session, user, request_id)


@poc_router.post("/{request_id}/decide")
def decide_poc_request(request_id: int, body: schemas.PocDecisionIn, session: SessionDep,
                       user: Manager, actor: ActorDep) -> schemas.PocRequestOut:
    """The organiser's decision when the reviews need a look (an outlier)."""
    poc.decide(session, actor, poc.request_for(session, user, request_id, lock=True), body)
    return _request_out(session, user, request_id)


# --- the experts' assignments -----------------------------------------------------------------

@reviews_router.get("")
def my_assignments(session: SessionDep, user: Reviewer) -> list[schemas.AssignmentOut]:
    return [views.assignment_view(session, s) for s in poc.my_seats(session, user)]


@reviews_router.get("/{assignment_id}")
def get_assignment(assignment_id: int, session: SessionDep, user: Reviewer
                   ) -> schemas.AssignmentOut:
    """The expert's seat; the other reviews only once their own is submitted."""
    return views.assignment_view(session, poc.seat_for(session, user, assignment_id))


@reviews_router.post("/{assignment_id}/accept")
def accept_assignment(assignment_id: int, session: SessionDep, user: Reviewer,
                      actor: ActorDep) -> schemas.AssignmentOut:
    return views.assignment_view(session, poc.answer(session, actor, user, assignment_id, True))


@reviews_router.post("/{assignment_id}/decline")
def decline_assignment(assignment_id: int, session: SessionDep, user: Reviewer,
                       actor: ActorDep) -> schemas.AssignmentOut:
    """Decline: a replacement of the same kind is proposed to the organiser."""
    return views.assignment_view(session, poc.answer(session, actor, user, assignment_id, False))


@reviews_router.put("/{assignment_id}/review")
def submit_review(assignment_id: int, body: schemas.ReviewIn, session: SessionDep,
                  user: Reviewer, actor: ActorDep) -> schemas.AssignmentOut:
    """Submit the review (once; it cannot be changed afterwards)."""
    return views.assignment_view(session, poc.submit(session, actor, user, assignment_id, body))


# --- the dossier of a request -----------------------------------------------------------------

@poc_router.get("/{request_id}/files")
def list_poc_files(request_id: int, session: SessionDep, user: DossierReader
                   ) -> list[schemas.PocFileOut]:
    """The dossier: for the institute, administrators and the experts seated on the panel
    (invited, accepted or submitted) who have no conflict of interest with the institute."""
    request = dossier.readable_request(session, user, request_id)
    return [schemas.PocFileOut.model_validate(f) for f in dossier.files_of(session, request)]


@poc_router.post("/{request_id}/files", status_code=status.HTTP_201_CREATED)
@blocking
def attach_poc_file(request_id: int, file: UploadFile,
                    category: Annotated[DossierCategory, Form()], session: SessionDep,
                    user: Requester, actor: ActorDep, store: Store) -> schemas.PocFileOut:
    """The institute attaches data, prototype photos, IP documents or its transfer plan (PDF,
    PNG or JPEG, within the upload size limit) until the outcome is recorded."""
    row = dossier.attach(session, actor, user, store, request_id, category, file.filename,
                         file.file)
    return schemas.PocFileOut.model_validate(row)


@poc_router.get("/{request_id}/files/{file_id}", response_class=StreamingResponse,
                responses=FILE_RESPONSE)
@blocking
def download_poc_file(request_id: int, file_id: int, session: SessionDep, user: DossierReader,
                      actor: ActorDep, store: Store) -> StreamingResponse:
    request = dossier.readable_request(session, user, request_id)
    return stream_file(store, dossier.read_file(session, actor, user, request, file_id))


@poc_router.delete("/{request_id}/files/{file_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_poc_file(request_id: int, file_id: int, session: SessionDep, user: Requester,
                    actor: ActorDep) -> None:
    dossier.remove(session, actor, user, request_id, file_id)
