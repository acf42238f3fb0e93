"""The experts' HTTP routes: registration with and without an invitation, verification,
profiles, and a proof-of-concept review over HTTP from request to badge."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.core.clock import today
from tests.builders import accounts as b
from tests.builders import experts as e
from tests.builders import listings as lb


def _registration(username: str, code: str | None = None, **profile: Any) -> dict[str, Any]:
    return {"user": {"username": username, "password": "Passw0rd1", "display_name": "李专家",
                     "email": "li@univ.example.cn"},
            "person": b.person("李专家").model_dump(mode="json"),
            "profile": {"name": "李专家", "organisation_name": "某大学", "title": "教授",
                        "fields": ["equipment.robotics"], "kind": "scientist",
                        "bio": "机器视觉", "yearly_capacity": 4,
                        "interests": [{"relation": "advises", "organisation_name": "某公司"}],
                        **profile},
            **({"invitation_code": code} if code else {})}


def test_an_invited_expert_is_in_the_pool_at_once(client: TestClient, db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))
    r = client.post("/api/v1/expert-invitations", headers=admin.headers,
                    json={"name": "李专家", "contact": "li@univ.example.cn", "kind": "scientist"})
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    r = client.post("/api/v1/experts/register", json=_registration("li_expert", code))
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "expert"
    expert = client.get(f"/api/v1/experts/{r.json()['id']}", headers=admin.headers).json()
    assert (expert["status"], expert["yearly_capacity"], expert["interests"]) == (
        "verified", 4, [{"relation": "advises", "organisation_name": "某公司",
                         "credit_code": None}])
    again = client.post("/api/v1/experts/register", json=_registration("li_expert2", code))
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "invitation_code"


def test_an_application_waits_for_verification(client: TestClient, db: Session) -> None:
    admin = b.login_as(db, b.make_admin(db))
    r = client.post("/api/v1/experts/register", json=_registration("wang_expert"))
    assert r.status_code == 201, r.text
    user_id = r.json()["id"]
    pending = client.get("/api/v1/experts", headers=admin.headers,
                         params={"status": "pending"}).json()
    assert [x["user_id"] for x in pending["items"]] == [user_id]
    r = client.post(f"/api/v1/experts/{user_id}/verification", headers=admin.headers,
                    json={"approve": True, "note": "资质核实"})
    assert r.status_code == 200 and r.json()["status"] == "verified"
    r = client.post(f"/api/v1/experts/{user_id}/verification", headers=admin.headers,
                    json={"approve": False})
    assert r.status_code == 409


def test_unknown_field_codes_are_refused(client: TestClient, db: Session) -> None:
    r = client.post("/api/v1/experts/register",
                    json=_registration("zhao_expert", fields=["no.such.field"]))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"].startswith("profile.fields")
    r = client.post("/api/v1/experts/register",  # well formed, but not in the taxonomy
                    json=_registration("zhao_expert", fields=["nosuch.field"]))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "profile.fields"


def test_an_expert_edits_their_profile(client: TestClient, db: Session) -> None:
    expert = b.login_as(db, e.make_expert(db))
    body = _registration("x")["profile"] | {"yearly_capacity": 9, "interests": []}
    r = client.put("/api/v1/experts/me", headers=expert.headers, json=body)
    assert r.status_code == 200, r.text
    assert (r.json()["yearly_capacity"], r.json()["interests"]) == (9, [])


def test_a_review_over_http_from_request_to_badge(client: TestClient, db: Session) -> None:
    institute_user = b.make_institute_user(db)
    achievement = lb.make_achievement(db, institute_user, trl=5)
    institute = b.login_as(db, institute_user)
    admin = b.login_as(db, b.make_admin(db))
    experts = {k: b.login_as(db, u) for k, u in e.panel_pool(db).items()}
    r = client.post("/api/v1/poc-requests", headers=institute.headers,
                    json={"achievement_id": achievement.id, "note": "中试前评估",
                          "publish_summary": True})
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    r = client.post(f"/api/v1/poc-requests/{rid}/accept", headers=admin.headers, json={})
    assert r.status_code == 200, r.text
    assert sorted(s["kind"] for s in r.json()["panel"]) == ["entrepreneur", "investor",
                                                             "scientist"]
    assert client.post(f"/api/v1/poc-requests/{rid}/confirm",
                       headers=admin.headers).status_code == 200
    for i, login in enumerate(experts.values()):
        [seat] = client.get("/api/v1/review-assignments", headers=login.headers).json()
        assert seat["others"] is None
        assert client.post(f"/api/v1/review-assignments/{seat['id']}/accept",
                           headers=login.headers).status_code == 200
        bad = client.put(f"/api/v1/review-assignments/{seat['id']}/review",
                         headers=login.headers, json={**e.review(4).model_dump(),
                                                      "scores": {"team": 9}})
        assert bad.status_code == 422
        r = client.put(f"/api/v1/review-assignments/{seat['id']}/review",
                       headers=login.headers, json=e.review(4, trl=6).model_dump())
        assert r.status_code == 200, r.text
        assert len(r.json()["others"]) == i
    listing = client.get(f"/api/v1/achievements/{achievement.id}").json()
    assert (listing["trl"], listing["reviewed_trl"], listing["poc_passed_on"]) == (
        5, 6, today().isoformat())
    report = client.get(f"/api/v1/poc-requests/{rid}/report", headers=institute.headers)
    assert report.status_code == 200
    assert [x["confidential_note"] for x in report.json()["reviews"]] == [None, None, None]
    stats = client.get("/api/v1/poc-requests/stats", headers=admin.headers).json()
    assert (stats["total"]["requests"], stats["total"]["passed"]) == (1, 1)


def test_the_report_downloads_as_xlsx(client: TestClient, db: Session) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    institute_user = b.make_institute_user(db)
    achievement = lb.make_achievement(db, institute_user)
    institute = b.login_as(db, institute_user)
    admin = b.login_as(db, b.make_admin(db))
    experts = [b.login_as(db, u) for u in e.panel_pool(db).values()]
    rid = client.post("/api/v1/poc-requests", headers=institute.headers,
                      json={"achievement_id": achievement.id}).json()["id"]
    client.post(f"/api/v1/poc-requests/{rid}/accept", headers=admin.headers, json={})
    client.post(f"/api/v1/poc-requests/{rid}/confirm", headers=admin.headers)
    for login, value in zip(experts, (4, 4, 3), strict=True):
        [seat] = client.get("/api/v1/review-assignments", headers=login.headers).json()
        client.post(f"/api/v1/review-assignments/{seat['id']}/accept", headers=login.headers)
        body = e.review(value).model_dump() | {"comments": {"team": "=HYPERLINK(\"x\")"}}
        assert client.put(f"/api/v1/review-assignments/{seat['id']}/review",
                          headers=login.headers, json=body).status_code == 200
    r = client.get(f"/api/v1/poc-requests/{rid}/report.xlsx", headers=institute.headers)
    assert r.status_code == 200
    sheet = load_workbook(BytesIO(r.content)).active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["评审 Review", "专家类型 Kind", "技术成熟度"]
    assert {row[1] for row in rows[1:4]} <= {"科学家", "企业家", "投资人"}  # words, not codes
    assert [row[0] for row in rows[1:]] == ["#1", "#2", "#3", "加权平均 Mean", "中位数 Median",
                                           "分差 Spread", "结论 Outcome"]
    assert rows[1][2] == 4 and rows[3][2] == 3
    assert rows[1][10] == '团队：=HYPERLINK("x")'  # text, not a formula: it does not start one
    assert [row[11] for row in rows[1:4]] == [None, None, None]  # no confidential notes for it
    assert rows[-1][8] == "通过概念验证"
