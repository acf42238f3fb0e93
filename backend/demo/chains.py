"""The demo's industry chain: Wenzhou pumps and valves (温州泵阀), its labelled sample listings
(`chain_data.SAMPLE`, the chain's own — demands in 温州市, achievements half local, half from
elsewhere — published over the last 80 days), and the automatic placement run over them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User
from backend.audit.service import SYSTEM
from backend.chains import placement, schemas, service
from backend.core.permissions import Role
from backend.core.types import utcnow
from backend.demo.chain_data import SAMPLE, chain_document
from backend.listings import search
from backend.listings.achievements import achievement_search_text
from backend.listings.models import (
    Achievement,
    AchievementStatus,
    Demand,
    DemandStatus,
    Field,
    Stage,
    Visibility,
    modes_to_mask,
)
from backend.listings.service import enqueue_index

ELSEWHERE = ("杭州市", "上海市", "西安市")


def _members(session: Session, kind: OrgKind) -> list[User]:
    return list(session.execute(
        select(User).join(Organisation, Organisation.id == User.organisation_id)
        .where(Organisation.kind == kind).order_by(User.id)).scalars())


def seed_chains(session: Session) -> None:
    admin = session.execute(select(User).where(User.role == Role.ADMIN)
                            .order_by(User.id)).scalars().first()
    firms, institutes = _members(session, OrgKind.FIRM), _members(session, OrgKind.INSTITUTE)
    if admin is None or not firms or not institutes:
        return
    fields = {code: id_ for code, id_ in session.execute(select(Field.code, Field.id))}
    now = utcnow()
    for i, (kind, title, text, code, labels) in enumerate(SAMPLE):
        if not labels:
            continue
        keywords = [title[:8]]
        published = now - timedelta(days=5 + (i * 7) % 80)
        if kind == "demand":
            owner = firms[i % len(firms)]
            session.add(Demand(
                organisation_id=owner.organisation_id, created_by_id=owner.id, title=title,
                description=text, field_id=fields[code], keywords=",".join(keywords),
                modes_mask=modes_to_mask(["development"]), region="温州市",
                visibility=Visibility.PUBLIC, status=DemandStatus.PUBLISHED,
                search_text=search.search_text(title, text, keywords), published_at=published,
                created_at=published))
        else:
            owner = institutes[i % len(institutes)]
            session.add(Achievement(
                organisation_id=owner.organisation_id, created_by_id=owner.id, title=title,
                abstract=text, field_id=fields[code], keywords=",".join(keywords), trl=6,
                stage=Stage.PILOT, negotiable=True, modes_mask=modes_to_mask(["licensing"]),
                team_lead="王教授", region="温州市" if i % 2 else ELSEWHERE[i % 3],
                status=AchievementStatus.PUBLISHED,
                search_text=achievement_search_text(title, text, keywords, []),
                published_at=published, created_at=published))
    session.flush()
    regions = ("温州市", *ELSEWHERE)
    enqueue_index(session, "demand", list(session.execute(
        select(Demand.id).where(Demand.region.in_(regions))).scalars()))
    enqueue_index(session, "achievement", list(session.execute(
        select(Achievement.id).where(Achievement.region.in_(regions))).scalars()))
    chain = service.create(session, SYSTEM, admin,
                           schemas.ChainIn.model_validate(chain_document()))
    placement.auto_place(session, SYSTEM, chain)
