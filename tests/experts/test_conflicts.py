"""Conflicts of interest: every kind of link between an expert and an organisation is found
and explained; an expert with none has none."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.accounts import identity
from backend.accounts import service as accounts
from backend.accounts.models import OfficerPosition, Organisation, OrgKind
from backend.core.types import utcnow
from backend.deals.models import Deal
from backend.experts import conflicts, schemas
from backend.experts.models import ExpertKind, InterestRelation
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import experts as e


def _kinds(db: Session, expert_id: int, org_id: int) -> list[tuple[str, str]]:
    return [(f.kind, f.message_zh) for f in conflicts.conflicts_of(db, expert_id, org_id)]


def test_an_unrelated_expert_has_no_conflict(db: Session) -> None:
    owner = b.make_org(db, OrgKind.INSTITUTE)
    expert = e.make_expert(db, employer=b.make_org(db, OrgKind.INSTITUTE),
                           email="li@gmail.com")
    assert _kinds(db, expert.id, owner.id) == []


def test_same_organisation(db: Session) -> None:
    owner = b.make_org(db, OrgKind.INSTITUTE)
    expert = e.make_expert(db, employer=owner)
    [(kind, words)] = _kinds(db, expert.id, owner.id)
    assert kind == "same_organisation" and owner.name in words


def test_a_shareholder_common_to_employer_and_owner_is_named(db: Session) -> None:
    zhang = b.person("张某")
    owner = b.make_org(db, OrgKind.FIRM, shareholders=[
        {"name": "张某", "id_number": zhang.id_number, "percent": "40"}])
    employer = b.make_org(db, OrgKind.FIRM, shareholders=[
        {"name": "张某", "id_number": zhang.id_number, "percent": "30"}])
    expert = e.make_expert(db, employer=employer)
    assert _kinds(db, expert.id, owner.id) == [
        ("related_party", f"所在单位「{employer.name}」与该机构：同一股东 张某")]


def test_a_common_legal_representative_and_officer(db: Session) -> None:
    rep, officer = b.person("王某"), b.person("赵某")
    owner = b.make_org(db, legal_representative=rep, officers=[
        {"name": "赵某", "id_number": officer.id_number, "position": OfficerPosition.DIRECTOR}])
    employer = b.make_org(db, legal_representative=rep, officers=[
        {"name": "赵某", "id_number": officer.id_number,
         "position": OfficerPosition.SENIOR_MANAGER}])
    expert = e.make_expert(db, employer=employer)
    words = [w for _, w in _kinds(db, expert.id, owner.id)]
    assert f"所在单位「{employer.name}」与该机构：同一法定代表人 王某" in words
    assert f"所在单位「{employer.name}」与该机构：同一董事或高级管理人员 赵某" in words


def test_shared_address_phone_and_email_domain_of_the_employer(db: Session) -> None:
    owner = b.make_org(db, registered_address="福建省福州市软件园A座1号",
                       phone="0591-88880000", email_domain="same.example.cn")
    employer = b.make_org(db, registered_address="福建省福州市软件园A座1号",
                          phone="0591-88880000", email_domain="same.example.cn")
    expert = e.make_expert(db, employer=employer)
    assert sorted(w.split("：")[1] for _, w in _kinds(db, expert.id, owner.id)) == [
        "注册地址相同", "联系电话相同", "邮箱域名相同 same.example.cn"]


def test_the_expert_is_a_key_person_of_the_owner(db: Session) -> None:
    me = b.person("陈某")
    owner = b.make_org(db, legal_representative=me, shareholders=[
        {"name": "陈某", "id_number": me.id_number, "percent": "5"}])
    expert = e.make_expert(db, person_name="陈某", person_id_number=me.id_number)
    assert _kinds(db, expert.id, owner.id) == [
        ("key_person", "专家本人是该机构的法定代表人"),
        ("key_person", "专家本人持有该机构股份 5%")]


def test_the_experts_own_phone_and_email_domain(db: Session) -> None:
    owner = b.make_org(db, phone="0591-87654321", email_domain="lab.example.cn")
    phone = accounts.identifier_for(db, identity.IdentifierKind.PHONE, "0591-87654321")
    expert = e.make_expert(db, phone_id=phone.id, email="chen@lab.example.cn")
    assert [k for k, _ in _kinds(db, expert.id, owner.id)] == ["identifier", "identifier"]
    # A webmail domain relates nobody.
    public = b.make_org(db, email_domain="qq.com")
    other = e.make_expert(db, email="someone@qq.com")
    assert _kinds(db, other.id, public.id) == []


def test_co_worked_on_a_deal_within_three_years(db: Session) -> None:
    w = d.open_world(db)
    deal = db.get(Deal, w.deal.id)
    employer = db.get(Organisation, w.firm.organisation_id)
    owner_id = w.institute.organisation_id
    assert deal is not None and employer is not None and owner_id is not None
    expert = e.make_expert(db, employer=employer)
    assert _kinds(db, expert.id, owner_id) == []  # not yet accepted by both
    d.accept_both(db, w)
    [(kind, words)] = _kinds(db, expert.id, owner_id)
    assert kind == "co_worked" and f"#{deal.id}" in words
    deal.opened_at = utcnow() - timedelta(days=3 * 365 + 2)
    db.flush()
    assert _kinds(db, expert.id, owner_id) == []


def test_a_declared_interest(db: Session) -> None:
    owner = b.make_org(db, OrgKind.FIRM)
    expert = e.make_expert(db, kind=ExpertKind.INVESTOR, interests=(
        (InterestRelation.HOLDS_SHARES, "另一家公司", owner.credit_code),))
    assert _kinds(db, expert.id, owner.id) == [
        ("declared", "专家申报：持有股份「另一家公司」")]
    by_name = e.make_expert(db, interests=((InterestRelation.ADVISES, owner.name, None),))
    assert _kinds(db, by_name.id, owner.id) == [("declared", f"专家申报：担任顾问「{owner.name}」")]


def test_an_organisation_linked_to_a_declared_interest(db: Session) -> None:
    zhang = b.person("张某")
    owner = b.make_org(db, shareholders=[{"name": "张某", "id_number": zhang.id_number,
                                          "percent": "60"}])
    advised = b.make_org(db, shareholders=[{"name": "张某", "id_number": zhang.id_number,
                                            "percent": "60"}])
    expert = e.make_expert(db, interests=((InterestRelation.ADVISES, advised.name,
                                           advised.credit_code),))
    assert _kinds(db, expert.id, owner.id) == [
        ("related_party", f"申报关联单位「{advised.name}」与该机构：同一股东 张某")]


def test_an_administrator_adds_a_manual_conflict(db: Session) -> None:
    owner = b.make_org(db)
    expert = e.make_expert(db)
    admin = b.make_admin(db)
    conflicts.add_manual(db, e.actor(admin), expert.id, schemas.ManualConflictIn(
        organisation_id=owner.id, reason="曾与该机构负责人有师生关系"))
    assert _kinds(db, expert.id, owner.id) == [("manual", "管理员登记：曾与该机构负责人有师生关系")]


def test_a_manual_conflict_is_listed_explained_and_removable(client: TestClient,
                                                             db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))
    expert = e.make_expert(db, ExpertKind.SCIENTIST)
    institute = b.make_institute_user(db)
    org_id = institute.organisation_id
    r = client.post(f"/api/v1/experts/{expert.id}/conflicts", headers=admin.headers,
                    json={"organisation_id": org_id, "reason": "曾指导该团队"})
    assert r.status_code == 201, r.text
    assert [(c["kind"], c["message_zh"]) for c in r.json()] == [("manual", "管理员登记：曾指导该团队")]
    again = client.post(f"/api/v1/experts/{expert.id}/conflicts", headers=admin.headers,
                        json={"organisation_id": org_id, "reason": "重复"})
    assert again.status_code == 409
    listed = client.get(f"/api/v1/experts/{expert.id}/manual-conflicts",
                        headers=admin.headers).json()
    assert [(c["organisation_id"], c["reason"]) for c in listed] == [(org_id, "曾指导该团队")]
    assert listed[0]["organisation_name"] != ""
    url = f"/api/v1/experts/{expert.id}/conflicts/{listed[0]['id']}"
    assert client.delete(url, headers=admin.headers).status_code == 204
    assert client.delete(url, headers=admin.headers).status_code == 404
    assert client.get(f"/api/v1/experts/{expert.id}/conflicts", headers=admin.headers,
                      params={"organisation_id": org_id}).json() == []
