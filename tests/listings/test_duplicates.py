"""One achievement is published once: an institute cannot publish a second achievement with
the same title (case and spacing ignored) and a patent number in common with one it has
published (409 naming the existing listing). Drafts may coexist; withdrawn ones do not count;
another institute may list the same patent."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from backend.listings.models import AchievementStatus
from tests.builders import accounts as b
from tests.builders import listings as lb
from tests.listings.test_import import csv_bytes, row, sent, submit  # noqa: F401  (fixture)

URL = "/api/v1/achievements"


def test_a_second_publication_of_the_same_achievement_is_refused_naming_the_first(
        client: TestClient, db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    first = client.post(URL, json=lb.achievement_body(db, publish=True), headers=institute.headers)
    assert first.status_code == 201
    first_id = first.json()["id"]

    # Same title but spaced and cased differently, same patent: refused, nothing written.
    again = lb.achievement_body(db, publish=True, title=" 高镍三元正极材料 表面包覆改性技术 ")
    r = client.post(URL, json=again, headers=institute.headers)
    assert r.status_code == 409
    problem = r.json()
    assert f"《高镍三元正极材料表面包覆改性技术》（编号 {first_id}）" in problem["detail"]
    assert problem["existing_achievement_id"] == first_id
    mine = client.get(URL, params={"mine": "true"}, headers=institute.headers).json()
    assert [a["id"] for a in mine["items"]] == [first_id]

    # A draft of it may be kept; publishing the draft is what is refused.
    draft = client.post(URL, json=lb.achievement_body(db), headers=institute.headers)
    assert draft.status_code == 201
    draft_id = draft.json()["id"]
    r = client.post(f"{URL}/{draft_id}/publish", headers=institute.headers)
    assert r.status_code == 409 and str(first_id) in r.json()["detail"]

    # Once the first is withdrawn, the draft may be published.
    assert client.post(f"{URL}/{first_id}/withdraw",
                       headers=institute.headers).status_code == 200
    r = client.post(f"{URL}/{draft_id}/publish", headers=institute.headers)
    assert r.status_code == 200 and r.json()["status"] == AchievementStatus.PUBLISHED


def test_a_different_title_or_patent_or_institute_is_not_a_duplicate(
        client: TestClient, db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    other = b.login_as(db, b.make_institute_user(db))
    assert client.post(URL, json=lb.achievement_body(db, publish=True),
                       headers=institute.headers).status_code == 201
    renamed = lb.achievement_body(db, publish=True, title="高镍正极材料包覆改性中试工艺")
    assert client.post(URL, json=renamed, headers=institute.headers).status_code == 201
    know_how_only = lb.achievement_body(db, publish=True, ip_items=[
        {"kind": "know_how", "title": "包覆工艺参数"}])
    assert client.post(URL, json=know_how_only, headers=institute.headers).status_code == 201
    assert client.post(URL, json=lb.achievement_body(db, publish=True),
                       headers=other.headers).status_code == 201


def test_editing_a_published_achievement_into_a_duplicate_is_refused(
        client: TestClient, db: Session) -> None:
    institute = b.login_as(db, b.make_institute_user(db))
    first = client.post(URL, json=lb.achievement_body(db, publish=True), headers=institute.headers)
    second = client.post(URL, json=lb.achievement_body(db, publish=True, title="另一项正极技术"),
                         headers=institute.headers)
    assert first.status_code == second.status_code == 201
    r = client.patch(f"{URL}/{second.json()['id']}", json={"title": "高镍三元正极材料表面包覆改性技术"},
                     headers=institute.headers)
    assert r.status_code == 409 and str(first.json()["id"]) in r.json()["detail"]
    shown = client.get(f"{URL}/{second.json()['id']}", headers=institute.headers).json()
    assert shown["title"] == "另一项正极技术"


def test_a_published_import_refuses_rows_repeating_a_listing_or_each_other(
        client: TestClient, db: Session) -> None:
    user = b.make_institute_user(db)
    institute = b.login_as(db, user)
    existing = lb.make_achievement(db, user, title="海水淡化反渗透膜抗污染改性技术1")
    rows = [row(1), row(2), row(3), row(3, 标题="海水淡化反渗透膜抗污染改性技术 3")]
    job = submit(client, institute.headers, {"file": ("成果.csv", csv_bytes(rows), "text/csv")},
                 {"publish": "true"})
    assert job["status"] == "failed" and job["imported"] == 0
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(2, "标题"), (5, "标题")]
    assert f"（编号 {existing.id}）" in job["errors"][0]["message"]
    assert "与第4行标题和专利号相同" in job["errors"][1]["message"]
    # As drafts they may all be imported.
    job = submit(client, institute.headers, {"file": ("成果.csv", csv_bytes(rows), "text/csv")})
    assert job["status"] == "succeeded" and job["imported"] == 4
