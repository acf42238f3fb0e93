"""Conflicts of interest (利益冲突) between an expert and an organisation, computed and explained.

An expert may not review an item of an organisation they:
- work for (same_organisation: their employer, by credit code);
- are related to through their employer or an organisation they declared an interest in, by the
  related-party links the integrity rules use (`integrity.rules.org_links`: common legal
  representative, officers or major shareholders, corporate shareholders, control, shared
  address, phone, e-mail domain or bank account) — related_party;
- are themselves a legal representative, officer or shareholder of (key_person), or share a
  phone or (non-webmail) e-mail domain with (identifier);
- worked with on a deal in the last three years, through their employer (co_worked);
- declared an interest in (declared: works for, holds shares in, advises);
- or that an administrator recorded by hand (manual).
Each conflict is explained in words, e.g. "所在单位与该机构：同一股东 张某".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts import identity
from backend.accounts import service as accounts
from backend.accounts.models import Organisation
from backend.audit import service as audit
from backend.core.errors import Conflict as StateConflict
from backend.core.errors import NotFound
from backend.core.types import utcnow
from backend.deals import lookup as deals
from backend.experts import schemas
from backend.experts.models import InterestRelation, ManualConflict
from backend.experts.pool import ExpertRow, load
from backend.integrity import gather
from backend.integrity.context import PUBLIC_EMAIL_DOMAINS, HolderKind, Party
from backend.integrity.rules import org_links

CO_WORK_YEARS = 3

_LINKS = {
    "legal_representative": ("同一法定代表人 {p}", "the same legal representative, {p}"),
    "officer": ("同一董事或高级管理人员 {p}", "a common director or senior manager, {p}"),
    "shareholder": ("同一股东 {p}", "a common shareholder, {p}"),
    "person": ("同一自然人 {p} 在双方任职或持股", "{p} holds positions or shares in both"),
    "org_shareholder": ("同一法人股东 {o}", "a common corporate shareholder, {o}"),
    "control": ("一方持有另一方主要股权", "one holds a major stake in the other"),
    "address": ("注册地址相同", "the same registered address"),
    "phone": ("联系电话相同", "the same phone"),
    "email_domain": ("邮箱域名相同 {d}", "the same e-mail domain, {d}"),
    "bank_account": ("银行账户相同", "the same bank account"),
}
_RELATION = {InterestRelation.WORKS_FOR: ("任职于", "works for"),
             InterestRelation.HOLDS_SHARES: ("持有股份", "holds shares in"),
             InterestRelation.ADVISES: ("担任顾问", "advises")}


@dataclass(frozen=True)
class Found:
    kind: str
    message_zh: str
    message_en: str

    def out(self) -> schemas.ConflictOut:
        return schemas.ConflictOut(kind=self.kind, message_zh=self.message_zh,
                                   message_en=self.message_en)


def _related_orgs(session: Session, row: ExpertRow) -> dict[int, str]:
    """Organisations on the platform the expert is tied to: employer, declared interests."""
    tied: dict[int, str] = {}
    if row.profile.organisation_id is not None:
        tied[row.profile.organisation_id] = "所在单位"
    codes = [i.credit_code for i in row.interests if i.credit_code]
    if codes:
        for org_id in session.execute(select(Organisation.id).where(
                Organisation.credit_code.in_(codes))).scalars():
            tied.setdefault(org_id, "申报关联单位")
    return tied


def _domain(email: str | None) -> str | None:
    try:
        return identity.email_domain(email) if email else None
    except identity.InvalidIdentifier:
        return None


def _link_words(link: Mapping[str, object], names: dict[int, str], holders: dict[str, str]
                ) -> tuple[str, str]:
    zh, en = _LINKS[str(link["attribute"])]
    key = link.get("key")
    person = names.get(key, "某自然人") if isinstance(key, int) else str(key)
    org = holders.get(str(key), str(key))
    return zh.format(p=person, o=org, d=key), en.format(p=person, o=org, d=key)


def conflicts_for(session: Session, rows: Sequence[ExpertRow], org_id: int
                  ) -> dict[int, list[Found]]:
    """Every conflict of each expert with organisation `org_id` (an empty list: none)."""
    owner_list = gather.parties(session, [org_id])
    if not owner_list:
        raise NotFound("未找到该机构。No such organisation.")
    owner = owner_list[0]
    tied = {row.profile.user_id: _related_orgs(session, row) for row in rows}
    other_ids = sorted({o for ties in tied.values() for o in ties if o != org_id})
    parties: dict[int, Party] = {p.org_id: p for p in gather.parties(session, other_ids)}
    names = accounts.declared_names(session, [org_id, *other_ids])
    holders = accounts.holder_names(session, [org_id, *other_ids])
    manual = {(m.expert_id, m.organisation_id): m.reason for m in session.execute(
        select(ManualConflict).where(ManualConflict.organisation_id == org_id)).scalars()}
    now = utcnow()
    leap_day = (now.month, now.day) == (2, 29)
    since = now.replace(year=now.year - CO_WORK_YEARS, day=28 if leap_day else now.day)
    coworked = deals.deals_between(session, other_ids, org_id, since)
    result: dict[int, list[Found]] = {}
    for row in rows:
        expert_id, p = row.profile.user_id, row.profile
        found: list[Found] = []
        if p.organisation_id == org_id or (p.organisation_credit_code is not None
                                           and p.organisation_credit_code == owner.credit_code):
            found.append(Found("same_organisation", f"专家就职于该机构（{p.organisation_name}）",
                               f"the expert works for it ({p.organisation_name})"))
        for other_id, role in tied[expert_id].items():
            other = parties.get(other_id)
            if other is None:
                continue
            for link in org_links(other, "expert", owner, "owner"):
                zh, en = _link_words(link, names, holders)
                found.append(Found("related_party", f"{role}「{other.name}」与该机构：{zh}",
                                   f"{other.name} and it: {en}"))
        person = row.user.person_id
        if person is not None:
            if owner.legal_rep == person:
                found.append(Found("key_person", "专家本人是该机构的法定代表人",
                                   "the expert is its legal representative"))
            if person in owner.officers:
                found.append(Found("key_person", "专家本人是该机构的董事或高级管理人员",
                                   "the expert is its director or senior manager"))
            held = [s.percent for s in owner.shareholders
                    if s.kind is HolderKind.PERSON and s.key == person]
            if held:
                pct = format(sum(held, Decimal(0)).normalize(), "f")
                found.append(Found("key_person", f"专家本人持有该机构股份 {pct}%",
                                   f"the expert holds {pct}% of it"))
        if p.phone_id is not None and p.phone_id == owner.phone:
            found.append(Found("identifier", "专家联系电话与该机构相同",
                               "the expert's phone is the organisation's"))
        domain = _domain(row.user.email)
        if domain is not None and domain == owner.email_domain \
                and domain not in PUBLIC_EMAIL_DOMAINS:
            found.append(Found("identifier", f"专家邮箱域名与该机构相同 {domain}",
                               f"the expert's e-mail domain is the organisation's, {domain}"))
        for deal_id, via, opened in coworked:
            if tied[expert_id].get(via) == "所在单位":
                day = opened.date().isoformat()
                found.append(Found("co_worked",
                                   f"所在单位三年内与该机构合作撮合项目 #{deal_id}（{day}）",
                                   f"the expert's employer worked with it on deal #{deal_id} "
                                   f"({day}), within three years"))
        for interest in row.interests:
            if (interest.credit_code and interest.credit_code == owner.credit_code) or \
                    interest.organisation_name.strip() == owner.name.strip():
                zh, en = _RELATION[interest.relation]
                found.append(Found("declared", f"专家申报：{zh}「{interest.organisation_name}」",
                                   f"declared: {en} {interest.organisation_name}"))
        if (expert_id, org_id) in manual:
            reason = manual[(expert_id, org_id)]
            found.append(Found("manual", f"管理员登记：{reason}", f"recorded by an "
                                                               f"administrator: {reason}"))
        result[expert_id] = found
    return result


def conflicts_of(session: Session, expert_id: int, org_id: int) -> list[Found]:
    return conflicts_for(session, [load(session, expert_id)], org_id)[expert_id]


def add_manual(session: Session, actor: audit.Actor, expert_id: int,
               data: schemas.ManualConflictIn) -> ManualConflict:
    load(session, expert_id)
    if session.get(Organisation, data.organisation_id) is None:
        raise NotFound("未找到该机构。No such organisation.")
    exists = session.execute(select(ManualConflict.id).where(
        ManualConflict.expert_id == expert_id,
        ManualConflict.organisation_id == data.organisation_id)).first()
    if exists:
        raise StateConflict("已登记该利益冲突。This conflict is already recorded.")
    row = ManualConflict(expert_id=expert_id, organisation_id=data.organisation_id,
                         reason=data.reason, created_by_id=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "expert.conflict_add", "expert", expert_id,
                 after={"organisation_id": data.organisation_id, "reason": data.reason})
    return row



def manual_of(session: Session, expert_id: int) -> list[tuple[ManualConflict, str]]:
    """The conflicts an administrator recorded for the expert, with the organisations' names."""
    load(session, expert_id)
    rows = list(session.execute(select(ManualConflict).where(
        ManualConflict.expert_id == expert_id).order_by(ManualConflict.id)).scalars())
    names = accounts.organisation_names(session, sorted({r.organisation_id for r in rows}))
    return [(r, names.get(r.organisation_id, "")) for r in rows]


def remove_manual(session: Session, actor: audit.Actor, expert_id: int, conflict_id: int
                  ) -> None:
    """Remove a recorded conflict (the computed ones stay: they follow the facts)."""
    row = session.get(ManualConflict, conflict_id, with_for_update=True)
    if row is None or row.expert_id != expert_id:
        raise NotFound("未找到该登记的利益冲突。No such recorded conflict.")
    before = {"organisation_id": row.organisation_id, "reason": row.reason}
    session.delete(row)
    session.flush()
    audit.record(session, actor, "expert.conflict_remove", "expert", expert_id, before=before)
