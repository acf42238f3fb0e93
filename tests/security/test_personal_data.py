"""Personal data — contact names, phones, e-mails, resident ID numbers, bank accounts — is
shown only to those entitled to it, and masked for everyone else, in every read path:
detail, lists, matches and CSV exports.

Who is entitled:
- a listing's contacts (the poster's name and e-mail, the organisation's phone): its owner,
  administrators and verified brokers (who bring the parties together);
- an organisation's identity data: its members and administrators; resident ID numbers and
  the bank account in full only to administrators;
- nobody reads another party's contacts or ID numbers through a deal.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Identifier, Organisation, Person, User
from backend.listings.cards import mask_email, mask_name
from tests.builders import accounts as b
from tests.builders import deals as d
from tests.builders import listings as lb

EMAIL = "zhang.wei@org-contact.example.cn"
NAME = "张伟明"


@dataclass
class Posted:
    owner: User
    institute: User
    phone: str  # the firm's phone, as stored (normalised)
    demand_id: int
    achievement_id: int


def _phone(db: Session, user: User) -> str:
    org = db.get(Organisation, user.organisation_id)
    assert org is not None
    value = db.execute(select(Identifier.value).where(Identifier.id == org.phone_id)).scalar_one()
    return str(value)


def _post(db: Session) -> Posted:
    firm = b.make_firm_user(db)
    institute = b.make_institute_user(db)
    for user in (firm, institute):
        user.email, user.display_name = EMAIL, NAME
    db.flush()
    demand = lb.make_demand(db, firm)
    achievement = lb.make_achievement(db, institute)
    return Posted(firm, institute, _phone(db, firm), demand.id, achievement.id)


VIEWERS = ["visitor", "other_firm", "institute", "unverified_broker", "owner", "admin",
           "verified_broker"]
ENTITLED = {"owner", "admin", "verified_broker"}


def _headers(db: Session, who: str, owner: User) -> dict[str, str]:
    user = {"visitor": None, "other_firm": b.make_firm_user(db),
            "institute": b.make_institute_user(db),
            "unverified_broker": b.make_broker(db, verified=False), "owner": owner,
            "admin": b.make_admin(db), "verified_broker": b.make_broker(db)}[who]
    return b.login_as(db, user).headers if user else {}


def _check_party(party: dict[str, object], phone: str, entitled: bool) -> None:
    if entitled:
        assert party == {**party, "contact_person": NAME, "phone": phone, "email": EMAIL}
    else:
        assert party["contact_person"] == mask_name(NAME) == "张**"
        assert party["email"] == mask_email(EMAIL) == "z***@org-contact.example.cn"
        assert party["phone"] != phone and "****" in str(party["phone"])
        assert str(party["phone"])[-4:] == phone[-4:]


@pytest.mark.parametrize("who", VIEWERS)
def test_listing_contacts_in_detail_and_lists(client: TestClient, db: Session, who: str) -> None:
    posted = _post(db)
    headers = _headers(db, who, posted.owner)
    entitled = who in ENTITLED
    r = client.get(f"/api/v1/demands/{posted.demand_id}", headers=headers)
    assert r.status_code == 200
    _check_party(r.json()["party"], posted.phone, entitled)
    listed = client.get("/api/v1/demands", params={"page_size": 100}, headers=headers).json()
    mine = next(i for i in listed["items"] if i["id"] == posted.demand_id)
    _check_party(mine["party"], posted.phone, entitled)
    if not entitled:
        assert EMAIL not in r.text and posted.phone not in r.text and NAME not in r.text


@pytest.mark.parametrize("who", VIEWERS)
def test_achievement_contacts(client: TestClient, db: Session, who: str) -> None:
    posted = _post(db)
    headers = _headers(db, who, posted.institute)
    r = client.get(f"/api/v1/achievements/{posted.achievement_id}", headers=headers)
    assert r.status_code == 200
    _check_party(r.json()["party"], _phone(db, posted.institute), who in ENTITLED)


@pytest.mark.parametrize("who", [v for v in VIEWERS if v != "visitor"])
def test_exports_mask_contacts_for_those_not_entitled(client: TestClient, db: Session,
                                                      who: str) -> None:
    posted = _post(db)
    headers = _headers(db, who, posted.owner)
    r = client.get("/api/v1/demands/export", headers=headers)
    assert r.status_code == 200
    text = r.content.decode("utf-8-sig")
    row = next(line for line in text.splitlines() if line.startswith(f"{posted.demand_id},"))
    if who in ENTITLED:
        assert EMAIL in row and posted.phone in row and NAME in row
    else:
        assert EMAIL not in row and posted.phone not in row and NAME not in row
        assert mask_email(EMAIL) in row and f"{mask_name(NAME)}" in row
    r = client.get("/api/v1/achievements/export", headers=headers)
    assert r.status_code == 200
    text = r.content.decode("utf-8-sig")
    row = next(line for line in text.splitlines()
               if line.startswith(f"{posted.achievement_id},"))
    assert (NAME in row) == (who in ENTITLED - {"owner"})  # the firm does not own it


def _legal_rep_id(db: Session, org_id: int | None) -> str:
    org = db.get(Organisation, org_id)
    assert org is not None
    person = db.get(Person, org.legal_rep_id)
    assert person is not None
    return person.id_number


def test_organisation_identity_data(client: TestClient, db: Session) -> None:
    member = b.make_firm_user(db)
    colleague = b.make_user(db, member.role, db.get(Organisation, member.organisation_id))
    id_number = _legal_rep_id(db, member.organisation_id)
    url = f"/api/v1/organisations/{member.organisation_id}"

    # Administrators see the bank account in full; resident ID numbers only by asking for
    # them (an audited request, below).
    admin = client.get(url, headers=b.login_as(db, b.make_admin(db)).headers)
    assert admin.status_code == 200
    assert id_number not in admin.text
    assert admin.json()["legal_representative_id"] == id_number[:6] + "*" * 8 + id_number[-4:]
    assert "*" not in (admin.json()["bank_account"] or "")

    for who in (member, colleague):
        seen = client.get(url, headers=b.login_as(db, who).headers)
        assert seen.status_code == 200
        assert id_number not in seen.text
        assert seen.json()["legal_representative_id"] == id_number[:6] + "*" * 8 + id_number[-4:]
        assert seen.json()["bank_account"].startswith("****")

    for outsider in (b.make_firm_user(db), b.make_institute_user(db), b.make_broker(db)):
        seen = client.get(url, headers=b.login_as(db, outsider).headers)
        assert seen.status_code == 404
        assert id_number not in seen.text
    assert client.get(url).status_code == 401


def test_a_deal_reveals_no_personal_data_of_the_other_side(client: TestClient,
                                                           db: Session) -> None:
    w = d.deal_at(db, d.Stage.NEGOTIATING)
    w.firm.email = "firm.contact@firm.example.cn"
    w.institute.email = "lab.contact@lab.example.cn"
    db.flush()
    secrets = [_legal_rep_id(db, w.firm.organisation_id),
               _legal_rep_id(db, w.institute.organisation_id),
               _phone(db, w.firm), _phone(db, w.institute),
               "firm.contact@firm.example.cn", "lab.contact@lab.example.cn"]
    for who in (w.firm, w.institute, w.lead):
        headers = b.login_as(db, who).headers
        for path in (f"/api/v1/deals/{w.id}", f"/api/v1/deals/{w.id}/timeline", "/api/v1/deals"):
            r = client.get(path, headers=headers)
            assert r.status_code == 200
            for secret in secrets:
                assert secret not in r.text, (who.role, path, secret)
