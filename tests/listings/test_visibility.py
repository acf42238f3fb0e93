"""Who sees which listing — from every role's side, on list, detail, search and export,
and through the helpers the matcher uses."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation, OrgKind, User
from backend.accounts.service import load_user
from backend.listings import visibility
from backend.listings.models import AchievementStatus, DemandStatus, Visibility
from backend.listings.views import ANONYMOUS_FIRM
from tests.builders import accounts as b
from tests.builders import listings as lb

ROLES = ["owner", "other_firm", "institute", "unverified_broker", "verified_broker",
         "assigned_broker", "admin", "anonymous"]
EVERYONE = set(ROLES)

# The rules, written out: who sees a demand that is listed (published or later, not
# withdrawn) and not hidden, by its visibility …
AUDIENCE = {
    Visibility.PUBLIC: EVERYONE,
    Visibility.BROKERS: {"owner", "verified_broker", "assigned_broker", "admin"},
    Visibility.PRIVATE: {"owner", "assigned_broker", "admin"},
}
LISTED = {DemandStatus.PUBLISHED, DemandStatus.IN_NEGOTIATION, DemandStatus.FULFILLED,
          DemandStatus.CLOSED, DemandStatus.EXPIRED}
# … while drafts, withdrawn and hidden demands are seen only by their owner and administrators.
OWNER_AND_ADMIN = {"owner", "admin"}
# Who sees the firm behind an anonymous demand.
KNOWS_ANONYMOUS = {"owner", "admin", "assigned_broker"}
SEARCH = "量子点 背光"


@dataclass
class World:
    users: dict[str, User | None]
    owner_name: str
    demands: dict[int, tuple[Visibility, bool, DemandStatus, bool]]  # id → (vis, anon, status, hidden)
    noise: int


def _world(db: Session) -> World:
    owner = b.make_firm_user(db)
    users: dict[str, User | None] = {
        "owner": owner,
        "other_firm": b.make_firm_user(db),
        "institute": b.make_institute_user(db),
        "unverified_broker": b.make_broker(db, verified=False),
        "verified_broker": b.make_broker(db),
        "assigned_broker": b.make_broker(db),
        "admin": b.make_admin(db),
        "anonymous": None,
    }
    demands: dict[int, tuple[Visibility, bool, DemandStatus, bool]] = {}
    cases = [(v, a, s, False) for v in Visibility for a in (False, True) for s in DemandStatus]
    cases += [(v, a, DemandStatus.PUBLISHED, True) for v in Visibility for a in (False, True)]
    for vis, anonymous, status, hidden in cases:
        demand = lb.make_demand(db, owner, title=f"量子点显示背光模组{vis}{anonymous}{status}{hidden}",
                                visibility=vis, anonymous=anonymous, status=status, hidden=hidden)
        assigned = users["assigned_broker"]
        assert assigned is not None
        lb.assign(db, demand, assigned)
        demands[demand.id] = (vis, anonymous, status, hidden)
    # Noise that the search must leave out.
    noise = lb.make_demand(db, owner, title="寻求污水处理膜材料",
                           description="膜污染严重，需要抗污染改性。", keywords=("膜材料",))
    org = db.get(Organisation, owner.organisation_id)
    assert org is not None
    return World(users, org.name, demands, noise.id)


def _sees(role: str, vis: Visibility, status: DemandStatus, hidden: bool) -> bool:
    if status in LISTED and not hidden:
        return role in AUDIENCE[vis]
    return role in OWNER_AND_ADMIN


def _expected(world: World, role: str) -> set[int]:
    return {i for i, (vis, _, status, hidden) in world.demands.items()
            if _sees(role, vis, status, hidden)}


def _headers(db: Session, user: User | None) -> dict[str, str]:
    return b.login_as(db, user).headers if user is not None else {}


@pytest.mark.parametrize("role", ROLES)
def test_demand_visibility_on_every_read_path(client: TestClient, db: Session, role: str) -> None:
    world = _world(db)
    user = world.users[role]
    headers = _headers(db, user)
    expected = _expected(world, role)

    # list
    r = client.get("/api/v1/demands", params={"page_size": 100}, headers=headers)
    assert r.status_code == 200
    listed = {d["id"] for d in r.json()["items"]}
    assert listed == expected | {world.noise}  # the noise is public and published
    assert r.json()["total"] == len(expected) + 1

    # search
    r = client.get("/api/v1/demands", params={"q": SEARCH, "page_size": 100}, headers=headers)
    assert r.status_code == 200
    assert {d["id"] for d in r.json()["items"]} == expected
    assert r.json()["total"] == len(expected)

    # detail, with the firm behind anonymous demands hidden from those who may not know
    for demand_id, (_, anonymous, _, _) in world.demands.items():
        r = client.get(f"/api/v1/demands/{demand_id}", headers=headers)
        if demand_id not in expected:
            assert r.status_code == 404, (demand_id, world.demands[demand_id])
            assert "量子点" not in r.text
            continue
        assert r.status_code == 200
        party = r.json()["party"]
        if anonymous and role not in KNOWS_ANONYMOUS:
            assert party == {"organisation_id": None, "name": ANONYMOUS_FIRM, "anonymous": True,
                             "contact_person": None, "phone": None, "email": None}
            assert world.owner_name not in r.text
        else:
            assert party["name"] == world.owner_name
            assert party["phone"] is not None
        full = role in OWNER_AND_ADMIN
        assert (r.json()["assigned_broker_ids"] is not None) == full
        assert r.json()["mine"] == (role == "owner")

    # export (logged-in users only), shaped the same way
    r = client.get("/api/v1/demands/export", params={"format": "csv", "q": SEARCH},
                   headers=headers)
    if user is None:
        assert r.status_code == 401
        return
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {int(row["编号"]) for row in rows} == expected
    for row in rows:
        anonymous = world.demands[int(row["编号"])][1]
        hides = anonymous and role not in KNOWS_ANONYMOUS
        assert row["需求方"] == (ANONYMOUS_FIRM if hides else world.owner_name)
        assert (row["联系电话"] == "") == hides


@pytest.mark.parametrize("role", ROLES)
def test_matcher_helpers_apply_the_same_rules(db: Session, role: str) -> None:
    world = _world(db)
    user = world.users[role]
    loaded = load_user(db, user.id) if user is not None else None
    assert visibility.visible_demand_ids(db, loaded, list(world.demands)) == _expected(world, role)
    assert visibility.visible_demand_ids(db, loaded, []) == set()


def test_an_assigned_broker_who_is_not_verified_sees_only_public_demands(
        client: TestClient, db: Session) -> None:
    owner = b.make_firm_user(db)
    broker = b.make_broker(db, verified=False)
    private = lb.make_demand(db, owner, visibility=Visibility.PRIVATE)
    anonymous = lb.make_demand(db, owner, anonymous=True)
    lb.assign(db, private, broker)
    lb.assign(db, anonymous, broker)
    headers = b.login_as(db, broker).headers
    assert client.get(f"/api/v1/demands/{private.id}", headers=headers).status_code == 404
    r = client.get(f"/api/v1/demands/{anonymous.id}", headers=headers)
    assert r.status_code == 200
    assert r.json()["party"]["name"] == ANONYMOUS_FIRM


def test_mine_lists_only_my_organisations_demands(client: TestClient, db: Session) -> None:
    owner = b.make_firm_user(db)
    other = b.make_firm_user(db)
    lb.make_demand(db, owner, anonymous=True)
    draft = lb.make_demand(db, other, status=DemandStatus.DRAFT)
    mine = lb.make_demand(db, other, anonymous=True)
    r = client.get("/api/v1/demands", params={"mine": True}, headers=b.login_as(db, other).headers)
    assert sorted(d["id"] for d in r.json()["items"]) == sorted([draft.id, mine.id])
    assert client.get("/api/v1/demands", params={"mine": True}).status_code == 401


# --- achievements --------------------------------------------------------------------------

ACHIEVEMENT_ROLES = ["owner", "other_institute", "firm", "broker", "admin", "anonymous"]
ACHIEVEMENT_LISTED = {AchievementStatus.PUBLISHED, AchievementStatus.TRANSFERRED}


@pytest.mark.parametrize("role", ACHIEVEMENT_ROLES)
def test_achievement_visibility_on_every_read_path(client: TestClient, db: Session,
                                                   role: str) -> None:
    owner = b.make_institute_user(db)
    users: dict[str, User | None] = {
        "owner": owner, "other_institute": b.make_institute_user(db),
        "firm": b.make_firm_user(db), "broker": b.make_broker(db), "admin": b.make_admin(db),
        "anonymous": None}
    cases = {}
    for status in AchievementStatus:
        for hidden in (False, True):
            a = lb.make_achievement(db, owner, title=f"钙钛矿太阳能电池{status}{hidden}",
                                    status=status, hidden=hidden)
            cases[a.id] = (status, hidden)
    expected = {i for i, (status, hidden) in cases.items()
                if (status in ACHIEVEMENT_LISTED and not hidden) or role in OWNER_AND_ADMIN}
    user = users[role]
    headers = _headers(db, user)

    r = client.get("/api/v1/achievements", params={"page_size": 100}, headers=headers)
    assert {a["id"] for a in r.json()["items"]} == expected
    assert r.json()["total"] == len(expected)
    r = client.get("/api/v1/achievements", params={"q": "钙钛矿 电池"}, headers=headers)
    assert {a["id"] for a in r.json()["items"]} == expected
    for achievement_id in cases:
        r = client.get(f"/api/v1/achievements/{achievement_id}", headers=headers)
        assert r.status_code == (200 if achievement_id in expected else 404)
        if r.status_code == 200:
            assert (r.json()["hidden_reason"] is not None) == (
                cases[achievement_id][1] and role in OWNER_AND_ADMIN)
    loaded = load_user(db, user.id) if user is not None else None
    assert visibility.visible_achievement_ids(db, loaded, list(cases)) == expected
    r = client.get("/api/v1/achievements/export", headers=headers)
    if user is None:
        assert r.status_code == 401
    else:
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert {int(row["编号"]) for row in rows} == expected


def test_institutes_are_named_on_their_achievements(client: TestClient, db: Session) -> None:
    owner = b.make_institute_user(db)
    a = lb.make_achievement(db, owner)
    org = db.get(Organisation, owner.organisation_id)
    assert org is not None and org.kind == OrgKind.INSTITUTE
    r = client.get(f"/api/v1/achievements/{a.id}")
    assert r.json()["party"]["name"] == org.name
    assert r.json()["party"]["organisation_id"] == org.id
