"""Chains over HTTP: administrators edit, everyone signed in reads, the public sees none;
each save is a new version; XLSX export re-imports unchanged, and a bad workbook writes
nothing and names sheet and row."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.chains import workbook
from backend.chains.models import Chain, ChainVersion
from tests.builders import accounts as b
from tests.builders import chains as cb

URL = "/api/v1/chains"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _h(db: Session, user: object) -> dict[str, str]:
    return b.login_as(db, user).headers  # type: ignore[arg-type]


def _count(db: Session, model: type) -> int:
    return int(db.execute(select(func.count()).select_from(model)).scalar_one())


def test_an_administrator_creates_a_chain_everyone_signed_in_reads_it(
        client: TestClient, db: Session) -> None:
    admin, firm = b.make_admin(db), b.make_firm_user(db)
    r = client.post(URL, json=cb.chain_body(), headers=_h(db, admin))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["version"] == 1 and [n["key"] for n in body["nodes"]] == [
        "castings", "seals", "actuators", "valves", "maintenance"]
    assert body["nodes"][1]["marks"][0]["kind"] == "bottleneck"
    assert len(body["edges"]) == 4
    cid = body["id"]
    assert client.get(f"{URL}/{cid}", headers=_h(db, firm)).json()["code"] == "pv-test"
    assert client.get(f"{URL}/{cid}").status_code == 401
    assert client.post(URL, json=cb.chain_body("other"), headers=_h(db, firm)).status_code == 403
    assert client.post(URL, json=cb.chain_body(), headers=_h(db, admin)).status_code == 409


def test_a_cycle_or_an_unknown_field_is_refused_and_nothing_written(
        client: TestClient, db: Session) -> None:
    admin = b.make_admin(db)
    bad = cb.chain_body(edges=[{"source": "valves", "target": "castings"},
                               {"source": "castings", "target": "valves"}])
    bad["nodes"][0]["field_codes"] = ["materials.nope"]
    r = client.post(URL, json=bad, headers=_h(db, admin))
    assert r.status_code == 422, r.text
    assert [e["field"] for e in r.json()["errors"]] == ["nodes[0].field_codes", "edges"]
    assert "2" in r.json()["detail"] and _count(db, Chain) == 0


def test_each_save_is_a_version_and_old_versions_stay_readable(
        client: TestClient, db: Session) -> None:
    admin = b.make_admin(db)
    cid = client.post(URL, json=cb.chain_body(), headers=_h(db, admin)).json()["id"]
    first_ids = {n["key"]: n["id"] for n in client.get(f"{URL}/{cid}",
                                                       headers=_h(db, admin)).json()["nodes"]}
    edited = cb.graph_body(note="去掉运维服务")
    edited["nodes"] = edited["nodes"][:4]
    edited["edges"] = edited["edges"][:3]
    r = client.put(f"{URL}/{cid}", json=edited, headers=_h(db, admin))
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    # nodes keep their ids by key across versions
    assert {n["key"]: n["id"] for n in r.json()["nodes"]} == {
        k: v for k, v in first_ids.items() if k != "maintenance"}
    versions = client.get(f"{URL}/{cid}/versions", headers=_h(db, admin)).json()
    assert [(v["number"], v["note"]) for v in versions] == [(2, "去掉运维服务"), (1, "初版")]
    old = client.get(f"{URL}/{cid}/versions/1", headers=_h(db, b.make_firm_user(db))).json()
    assert len(old["graph"]["nodes"]) == 5 and old["graph"]["code"] == "pv-test"
    assert client.get(f"{URL}/{cid}/versions/3", headers=_h(db, admin)).status_code == 404
    actions = list(db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "chain").order_by(AuditEntry.seq)).scalars())
    assert actions == ["chain.create", "chain.update"]


def test_export_then_import_gives_the_same_graph(client: TestClient, db: Session) -> None:
    admin = b.make_admin(db)
    cid = client.post(URL, json=cb.chain_body(), headers=_h(db, admin)).json()["id"]
    r = client.get(f"{URL}/{cid}/export", headers=_h(db, admin))
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == [workbook.CHAIN, workbook.NODES, workbook.EDGES, workbook.MARKS]
    assert book[workbook.MARKS].max_row == 2
    again = client.put(f"{URL}/{cid}/import", files={"file": ("c.xlsx", r.content, XLSX)},
                       headers=_h(db, admin))
    assert again.status_code == 200, again.text
    assert again.json()["version"] == 2
    before = client.get(f"{URL}/{cid}/versions/1", headers=_h(db, admin)).json()["graph"]
    after = client.get(f"{URL}/{cid}/versions/2", headers=_h(db, admin)).json()["graph"]
    assert {**after, "note": ""} == {**before, "note": ""}
    # imported as a new chain under another code
    book[workbook.CHAIN]["B2"] = "pv-copy"
    buffer = io.BytesIO()
    book.save(buffer)
    created = client.post(f"{URL}/import", files={"file": ("c.xlsx", buffer.getvalue(), XLSX)},
                          headers=_h(db, admin))
    assert created.status_code == 201, created.text
    assert created.json()["code"] == "pv-copy"
    # a file for another chain does not replace this one
    wrong = client.put(f"{URL}/{cid}/import", files={"file": ("c.xlsx", buffer.getvalue(), XLSX)},
                       headers=_h(db, admin))
    assert wrong.status_code == 409


def test_a_bad_workbook_names_sheet_and_row_and_writes_nothing(
        client: TestClient, db: Session) -> None:
    admin = b.make_admin(db)
    cid = client.post(URL, json=cb.chain_body(), headers=_h(db, admin)).json()["id"]
    book = load_workbook(io.BytesIO(client.get(f"{URL}/{cid}/export",
                                               headers=_h(db, admin)).content))
    book[workbook.NODES]["D3"] = "rockets"        # row 3: seals, an unknown stage
    book[workbook.MARKS]["D2"] = "2199-01-01"     # a mark dated in the future
    book[workbook.EDGES].append(["valves", "castings", ""])  # closes a cycle
    buffer = io.BytesIO()
    book.save(buffer)
    r = client.put(f"{URL}/{cid}/import", files={"file": ("c.xlsx", buffer.getvalue(), XLSX)},
                   headers=_h(db, admin))
    assert r.status_code == 422, r.text
    fields = [e["field"] for e in r.json()["errors"]]
    assert fields == [f"{workbook.NODES}!3 stage", f"{workbook.MARKS}!2 marked_on"]
    assert _count(db, ChainVersion) == 1
    # the rows right, the cycle alone is refused (the graph's check, after the rows')
    book[workbook.NODES]["D3"] = "components"
    book[workbook.MARKS]["D2"] = "2026-10-01"
    buffer = io.BytesIO()
    book.save(buffer)
    r = client.put(f"{URL}/{cid}/import", files={"file": ("c.xlsx", buffer.getvalue(), XLSX)},
                   headers=_h(db, admin))
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["edges"]
    assert _count(db, ChainVersion) == 1
