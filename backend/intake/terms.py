"""An organisation's non-disclosure terms (保密协议), versioned, and who accepted which version.

A version is never edited; publishing new terms makes a new version, and access to the
organisation's dossiers then needs an acceptance of that version. An organisation that has
written none gets the platform's standard terms as its version 1 with its first dossier,
worded for its side: a firm's (or the bureau's) as the demand side, an institute's (or any
other owner's, of a financing request say) as the institution.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User
from backend.audit import service as audit
from backend.core.errors import Conflict, PermissionDenied
from backend.core.permissions import Role
from backend.intake.models import NdaAcceptance, NdaTerms

STANDARD_TERMS = (
    "保密协议（平台标准文本）\n"
    "一、接收方仅为评估与本需求方开展技术合作之目的使用保密资料，不得用于其他目的。\n"
    "二、未经需求方书面同意，接收方不得向任何第三方披露、复制或传播保密资料的全部或部分内容。\n"
    "三、接收方应以不低于保护自身保密信息的谨慎程度保护保密资料；需求方撤回访问权限后，"
    "接收方应停止使用并删除已获取的资料。\n"
    "四、本协议自接收方在平台上确认接受之时起生效，保密义务在访问权限结束后继续有效三年。\n\n"
    "Non-disclosure terms (platform standard)\n"
    "1. The recipient uses the dossier only to assess a technology cooperation with the firm.\n"
    "2. The recipient discloses, copies or passes on no part of it without the firm's written "
    "consent.\n"
    "3. The recipient protects it at least as carefully as its own confidential information; "
    "once the firm revokes access, the recipient stops using it and deletes what it obtained.\n"
    "4. These terms bind from the recipient's acceptance on the platform; the duty of "
    "confidence lasts three years after access ends.")
# An institute's (or any owner's not on the demand side: a university, an institute offering its
# results or asking for financing) standard terms speak of the institution.
STANDARD_TERMS_INSTITUTION = (
    "保密协议（平台标准文本）\n"
    "一、接收方仅为评估与本机构开展技术合作、成果转化或投资之目的使用保密资料，不得用于其他目的。\n"
    "二、未经本机构书面同意，接收方不得向任何第三方披露、复制或传播保密资料的全部或部分内容。\n"
    "三、接收方应以不低于保护自身保密信息的谨慎程度保护保密资料；本机构撤回访问权限后，"
    "接收方应停止使用并删除已获取的资料。\n"
    "四、本协议自接收方在平台上确认接受之时起生效，保密义务在访问权限结束后继续有效三年。\n\n"
    "Non-disclosure terms (platform standard)\n"
    "1. The recipient uses the dossier only to assess a technology cooperation with, a "
    "transfer of results from, or an investment in the institution.\n"
    "2. The recipient discloses, copies or passes on no part of it without the institution's "
    "written consent.\n"
    "3. The recipient protects it at least as carefully as its own confidential information; "
    "once the institution revokes access, the recipient stops using it and deletes what it "
    "obtained.\n"
    "4. These terms bind from the recipient's acceptance on the platform; the duty of "
    "confidence lasts three years after access ends.")
# Who is on the demand side (a firm; the bureau issuing a challenge): the terms above.
_DEMAND_SIDE = frozenset({OrgKind.FIRM, OrgKind.BUREAU})


def standard_terms(session: Session, organisation_id: int) -> str:
    """The platform's standard text, worded for the owner: the demand side, or an
    institution."""
    org = session.get(Organisation, organisation_id)
    return STANDARD_TERMS if org is None or org.kind in _DEMAND_SIDE \
        else STANDARD_TERMS_INSTITUTION


def latest(session: Session, organisation_id: int) -> NdaTerms | None:
    return session.execute(select(NdaTerms).where(NdaTerms.organisation_id == organisation_id)
                           .order_by(NdaTerms.version.desc()).limit(1)).scalar_one_or_none()


def current(session: Session, actor: audit.Actor, organisation_id: int) -> NdaTerms:
    """The organisation's newest terms, the standard ones as version 1 if it has none."""
    found = latest(session, organisation_id)
    if found is not None:
        return found
    return _add(session, actor, organisation_id, standard_terms(session, organisation_id),
                None)


def _add(session: Session, actor: audit.Actor, organisation_id: int, text: str,
         created_by_id: int | None) -> NdaTerms:
    version = session.execute(select(func.coalesce(func.max(NdaTerms.version), 0)).where(
        NdaTerms.organisation_id == organisation_id)).scalar_one() + 1
    terms = NdaTerms(organisation_id=organisation_id, version=version, text=text,
                     created_by_id=created_by_id)
    session.add(terms)
    session.flush()
    audit.record(session, actor, "nda_terms.publish", "nda_terms", terms.id,
                 after={"organisation_id": organisation_id, "version": version, "text": text})
    return terms


def publish(session: Session, actor: audit.Actor, user: User, text: str) -> NdaTerms:
    """A firm member publishes new terms: a new version everyone must accept again."""
    if user.role != Role.FIRM or user.organisation_id is None:
        raise PermissionDenied("只有企业可以设置保密协议。Only firms set non-disclosure terms.")
    existing = latest(session, user.organisation_id)
    if existing is not None and existing.text == text:
        raise Conflict("与当前版本相同。The text is the same as the current version.",
                       version=existing.version)
    return _add(session, actor, user.organisation_id, text, user.id)


def versions(session: Session, organisation_id: int) -> list[NdaTerms]:
    return list(session.execute(select(NdaTerms).where(
        NdaTerms.organisation_id == organisation_id).order_by(NdaTerms.version.desc())).scalars())


def has_accepted(session: Session, user_id: int, terms_id: int) -> bool:
    return session.execute(select(NdaAcceptance.id).where(
        NdaAcceptance.user_id == user_id, NdaAcceptance.terms_id == terms_id)).first() is not None


def accept(session: Session, actor: audit.Actor, user: User, terms: NdaTerms) -> NdaAcceptance:
    """Record that `user` accepted this version (once; accepting again changes nothing)."""
    found = session.execute(select(NdaAcceptance).where(
        NdaAcceptance.user_id == user.id, NdaAcceptance.terms_id == terms.id)
    ).scalar_one_or_none()
    if found is not None:
        return found
    row = NdaAcceptance(terms_id=terms.id, user_id=user.id, ip=actor.ip)
    session.add(row)
    session.flush()
    audit.record(session, actor, "nda_terms.accept", "nda_terms", terms.id,
                 after={"organisation_id": terms.organisation_id, "version": terms.version,
                        "user_id": user.id})
    return row


def accepted_versions(session: Session, organisation_id: int, user_ids: Iterable[int]
                      ) -> dict[int, int]:
    """The newest version of the organisation's terms each user accepted."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(NdaAcceptance.user_id, func.max(NdaTerms.version))
        .join(NdaTerms, NdaTerms.id == NdaAcceptance.terms_id)
        .where(NdaTerms.organisation_id == organisation_id, NdaAcceptance.user_id.in_(ids))
        .group_by(NdaAcceptance.user_id)).all()
    return {int(u): int(v) for u, v in rows}
