"""HTTP for the public broker directory, training records, promotion rules and proposals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from backend.accounts.deps import ActorDep, CurrentUser, require
from backend.accounts.models import BrokerLevel, User
from backend.core import clock
from backend.core.deps import PageNo, PageSize, SessionDep
from backend.core.errors import NotFound
from backend.core.permissions import Permission, Role
from backend.core.routing import UnitOfWorkRoute, blocking
from backend.core.schemas import Page
from backend.intake import directory, grades, record, schemas, views
from backend.intake.models import ProposalStatus

directory_router = APIRouter(prefix="/api/v1/broker-directory", tags=["broker-directory"],
                             route_class=UnitOfWorkRoute)
grades_router = APIRouter(tags=["grades"], route_class=UnitOfWorkRoute)

ProfileEditor = Annotated[User, Depends(require(Permission.DIRECTORY_EDIT))]
GradeManager = Annotated[User, Depends(require(Permission.GRADE_MANAGE))]
TextFilter = Annotated[str | None, Query(max_length=64)]


# --- the directory -----------------------------------------------------------------------------

@directory_router.get("")
@blocking
def list_directory(session: SessionDep, q: TextFilter = None, field: TextFilter = None,
                   region: TextFilter = None, level: BrokerLevel | None = None,
                   language: TextFilter = None, page: PageNo = 1, page_size: PageSize = 20
                   ) -> Page[schemas.DirectoryEntryOut]:
    """Verified brokers not on the dishonesty list, with the record the platform computes from
    confirmed evidence; higher grades first."""
    rows, total = directory.directory(
        session, directory.Filters(q, field, region, level, language), page, page_size)
    return Page(items=[views.entry_out(e) for e in rows], total=total, page=page,
                page_size=page_size)


@directory_router.get("/me")
def my_directory_profile(session: SessionDep, user: ProfileEditor) -> schemas.DirectoryProfileIn:
    row = directory.own_profile(session, user)
    return schemas.DirectoryProfileIn(region=row.region, languages=list(row.languages),
                                      bio=row.bio)


@directory_router.put("/me")
def update_directory_profile(body: schemas.DirectoryProfileIn, session: SessionDep,
                             user: ProfileEditor, actor: ActorDep) -> schemas.DirectoryProfileIn:
    row = directory.update_profile(session, actor, user, body)
    return schemas.DirectoryProfileIn(region=row.region, languages=list(row.languages),
                                      bio=row.bio)


@directory_router.get("/{broker_id}")
def get_directory_entry(broker_id: int, session: SessionDep) -> schemas.DirectoryDetailOut:
    """One broker's entry, their record by quarter (the last eight) and grade history."""
    entry = directory.entry(session, broker_id)
    return views.entry_detail(entry, record.quarters(entry.evidence, clock.today()),
                              grades.history(session, broker_id))


# --- training ----------------------------------------------------------------------------------

@grades_router.get("/api/v1/brokers/{broker_id}/training")
def list_training(broker_id: int, session: SessionDep, user: CurrentUser
                  ) -> list[schemas.TrainingOut]:
    """A broker's training and exams: the broker themselves and administrators."""
    if user.role != Role.ADMIN and user.id != broker_id:
        raise NotFound("未找到该经纪人。No such broker.")
    return views.training_views(grades.training_of(session, broker_id))


@grades_router.post("/api/v1/brokers/{broker_id}/training", status_code=status.HTTP_201_CREATED)
def record_training(broker_id: int, body: schemas.TrainingIn, session: SessionDep,
                    _: GradeManager, actor: ActorDep) -> schemas.TrainingOut:
    return schemas.TrainingOut.model_validate(
        grades.record_training(session, actor, broker_id, body))


# --- rules and proposals -------------------------------------------------------------------------

def _rule_out(rule: object) -> schemas.GradeRuleOut:
    return schemas.GradeRuleOut.model_validate(rule)


@grades_router.get("/api/v1/grade-rules")
def list_grade_rules(session: SessionDep, _: CurrentUser) -> list[schemas.GradeRuleOut]:
    """What each grade takes (data administrators edit)."""
    return [_rule_out(r) for r in grades.rules(session)]


@grades_router.put("/api/v1/grade-rules/{level}")
def put_grade_rule(level: BrokerLevel, body: schemas.GradeRuleIn, session: SessionDep,
                   _: GradeManager, actor: ActorDep) -> schemas.GradeRuleOut:
    return _rule_out(grades.put_rule(session, actor, level, body))


@grades_router.get("/api/v1/grade-proposals")
def list_grade_proposals(session: SessionDep, _: GradeManager,
                         status_: Annotated[ProposalStatus | None, Query(alias="status")] = None
                         ) -> list[schemas.ProposalOut]:
    return views.proposal_views(session, grades.proposals(session, status_))


@grades_router.post("/api/v1/grade-proposals/evaluate")
@blocking
def evaluate_grades(session: SessionDep, _: GradeManager, actor: ActorDep
                    ) -> schemas.EvaluationOut:
    """Run the nightly evaluation now."""
    proposed, evaluated = grades.evaluate_all(session, actor)
    return schemas.EvaluationOut(proposed=proposed, brokers_evaluated=evaluated)


@grades_router.post("/api/v1/grade-proposals/{proposal_id}/confirm")
def confirm_grade_proposal(proposal_id: int, body: schemas.DecisionIn, session: SessionDep,
                           _: GradeManager, actor: ActorDep) -> schemas.ProposalOut:
    return views.proposal_views(session, [grades.confirm(session, actor, proposal_id,
                                                         body.note)])[0]


@grades_router.post("/api/v1/grade-proposals/{proposal_id}/reject")
def reject_grade_proposal(proposal_id: int, body: schemas.DecisionIn, session: SessionDep,
                          _: GradeManager, actor: ActorDep) -> schemas.ProposalOut:
    return views.proposal_views(session, [grades.reject(session, actor, proposal_id,
                                                        body.note)])[0]
