"""One rule for the text people type (core/text.py, applied by core.schemas.FreeText): stored
as typed — `A & B < C` comes back `A & B < C` — after NFC and with control and invisible
direction-changing characters removed; lengths count the stored text; every free-text field
of every request schema follows it (walked from the route table, so a new field cannot miss
it unnoticed).
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, get_args, get_origin

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import BrokerProfile, Organisation
from backend.core.schemas import FreeText
from backend.core.text import clean_line, clean_lines
from backend.listings.models import Demand
from tests.builders import accounts as b
from tests.builders import listings as lb

# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [
    ("A & B < C", "A & B < C"),
    ("a<b", "a<b"),
    ("<b>粗体</b> &amp; &lt;", "<b>粗体</b> &amp; &lt;"),
    ("（福州）智造·装备：“激光”焊接，第１号！", "（福州）智造·装备：“激光”焊接，第１号！"),  # full-width kept
    ("Cafe\u0301", "Café"),                                   # NFC
    ("  两端空白\u3000", "两端空白"),
    ("发票\u202e1234\u202c号", "发票1234号"),                  # bidi override
    ("a\u2066b\u2069c\u200ed\u200ff\u061cg", "abcdfg"),        # isolates and marks
    ("华\u200b为\u2060科\ufeff技", "华为科技"),                # zero-width space, joiner, BOM
    ("👨\u200d💻 a\u200cb", "👨\u200d💻 a\u200cb"),             # ZWJ and ZWNJ kept
    ("a\x00b\x07c\x1bd\x7fe\x85f\x9fg", "abcde fg"),          # C0, DEL, C1; NEL a break
    ("one\ntwo\r\nthree\tfour\u2029five", "one two three four five"),
])
def test_one_line(typed: str, stored: str) -> None:
    assert clean_line(typed) == stored


def test_several_lines_keep_line_feeds_and_tabs() -> None:
    assert clean_lines("  第一行\r\n\t第二行\r第三行\u2028第四行\x0b\x00\n ") == \
        "第一行\n\t第二行\n第三行\n第四行"


# --- every request field follows it -------------------------------------------------------

# str fields that are not free text, and why.
EXEMPT = {
    "UserIn.password": "a secret: compared as typed",
    "RefreshIn.refresh_token": "a secret: compared as issued",
    "CheckpointOut.format": "a signed checkpoint, verified byte for byte",
    "CheckpointOut.hash": "a signed checkpoint, verified byte for byte",
    "CheckpointOut.at": "a signed checkpoint, verified byte for byte",
    "CheckpointOut.public_key": "a signed checkpoint, verified byte for byte",
    "CheckpointOut.signature": "a signed checkpoint, verified byte for byte",
}


def _restricted(metadata: list[Any]) -> bool:
    """A pattern leaves nothing to clean (usernames, certificate numbers, codes)."""
    return any(getattr(m, "pattern", None)  # a constraint, or a Field(...) carrying one
               or any(getattr(x, "pattern", None) for x in getattr(m, "metadata", ()))
               for m in metadata)


def _unruled(annotation: Any, where: str, metadata: list[Any], found: set[str],
             seen: set[type]) -> None:
    if get_origin(annotation) is Annotated:
        base, *more = get_args(annotation)
        _unruled(base, where, [*metadata, *more], found, seen)
    elif annotation is str:
        if not any(isinstance(m, FreeText) for m in metadata) and not _restricted(metadata):
            found.add(where)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in seen:
            seen.add(annotation)
            for name, field in annotation.model_fields.items():
                _unruled(field.annotation, f"{annotation.__name__}.{name}",
                         list(field.metadata), found, seen)
    else:  # unions, lists, dicts
        for arg in get_args(annotation):
            _unruled(arg, where, metadata if get_origin(annotation) is typing.Union else [],
                     found, seen)


def request_text_fields(app: FastAPI) -> tuple[set[str], set[type]]:
    found: set[str] = set()
    seen: set[type] = set()
    for context in iter_route_contexts(app.routes):
        route = context.route
        if isinstance(route, APIRoute):
            for param in route.dependant.body_params:
                _unruled(param.field_info.annotation, f"{context.path} {param.name}", [],
                         found, seen)
    return found, seen


def test_every_free_text_field_of_every_request_follows_the_rule(app: FastAPI) -> None:
    unruled, models = request_text_fields(app)
    assert len(models) > 40  # the walk reaches the request schemas
    assert unruled == set(EXEMPT), "give these fields FreeText(...), or a reason in EXEMPT"


# --- through the API, on both databases ---------------------------------------------------

def test_a_title_comes_back_as_typed(client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    for title in ("A & B < C", "a<b", "R&D <研发> “中试”"):
        r = client.post("/api/v1/demands", json=lb.demand_body(db, title=title),
                        headers=firm.headers)
        assert r.status_code == 201, r.text
        assert r.json()["title"] == title
        assert db.get(Demand, r.json()["id"]).title == title  # type: ignore[union-attr]


def test_lengths_count_the_stored_text(client: TestClient, db: Session) -> None:
    firm = b.login_as(db, b.make_firm_user(db))
    r = client.post("/api/v1/demands", json=lb.demand_body(db, title="&" * 200),
                    headers=firm.headers)
    assert r.status_code == 201, r.text  # 200 characters fit the 200-character column
    assert db.get(Demand, r.json()["id"]).title == "&" * 200  # type: ignore[union-attr]
    r = client.post("/api/v1/demands", json=lb.demand_body(db, title="题" * 200 + "\u200b" * 5),
                    headers=firm.headers)
    assert r.status_code == 201 and r.json()["title"] == "题" * 200
    r = client.post("/api/v1/demands", json=lb.demand_body(db, title="&" * 201),
                    headers=firm.headers)
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "title", "message": "内容过长。String should have "
                                                                "at most 200 characters"}]


def test_organisation_and_broker_fields_follow_the_rule(client: TestClient, db: Session) -> None:
    """bank_name, registered_address and a broker's fields were stored uncleaned."""
    body: dict[str, Any] = {
        "organisation": b.organisation_in(
            kind="agency", name="海峡\u200b技术转移中心", bank_name="\u202e行银商工国中",
            registered_address=" 福州市\u2066鼓楼区\u2069五四路128号\x00 ",
        ).model_dump(mode="json"),
        "user": {"username": f"agency{next(b._seq)}", "password": "Secret123",
                 "display_name": "王\u200f经理"},
        "person": b.person().model_dump(mode="json"),
        "broker": {"level": "intermediate", "certificate_no": f"JJR-{next(b._seq)}",
                   "fields": ["电子\u202e信息", " 新材料 "]},
    }
    r = client.post("/api/v1/auth/register/organisation", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["display_name"] == "王经理"
    org = db.execute(select(Organisation).where(
        Organisation.id == r.json()["organisation"]["id"])).scalar_one()
    assert (org.name, org.bank_name, org.address_text) == (
        "海峡技术转移中心", "行银商工国中", "福州市鼓楼区五四路128号")
    profile = db.get(BrokerProfile, r.json()["id"])
    assert profile is not None and profile.fields == ["电子信息", "新材料"]
