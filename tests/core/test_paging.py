"""core/paging.py: one way to cut a list into pages, and one set of page parameters."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Organisation
from backend.core import paging
from tests.builders.accounts import make_org

BACKEND = Path(__file__).resolve().parents[2] / "backend"


def _orgs(db: Session, n: int) -> list[int]:
    return [make_org(db).id for _ in range(n)]


def test_page_of_cuts_and_counts(db: Session) -> None:
    ids = _orgs(db, 5)
    query = select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.id)
    rows, total = paging.page_of(db, query, 2, 2)
    assert [r.id for r in rows] == ids[2:4] and total == 5
    rows, total = paging.page_of(db, query, 9, 2)
    assert list(rows) == [] and total == 5


def test_rows_and_ids_pages(db: Session) -> None:
    ids = _orgs(db, 3)
    query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    rows, total = paging.rows_page(db, query.order_by(Organisation.id.desc()), 1, 2)
    assert [r[0] for r in rows] == ids[::-1][:2] and total == 3
    entities = select(Organisation).where(Organisation.id.in_(ids))
    assert paging.ids_page(db, entities, [Organisation.id], 2, 2) == (ids[2:], 3)
    assert paging.ids_page(db, entities, [Organisation.id], 5, 2) == ([], 3)
    assert paging.slice_page(list("abcde"), 3, 2) == (["e"], 5)


def _calls(tree: ast.AST, name: str) -> list[int]:
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute) and n.func.attr == name]


def test_only_paging_cuts_pages() -> None:
    """No service or router computes an offset of its own: they all call core/paging.py."""
    found = []
    for path in BACKEND.rglob("*.py"):
        if path == BACKEND / "core" / "paging.py" or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(BACKEND)}:{line}" for line in _calls(tree, "offset")]
        found += [f"{path.relative_to(BACKEND)}:{n.lineno} defines {t.id}"
                  for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets
                  if isinstance(t, ast.Name) and t.id in {"PageNo", "PageSize"}
                  and path != BACKEND / "core" / "deps.py"]
    assert found == []


def test_every_list_reads_the_same_page_parameters(app: Any) -> None:
    """Every `page` has the same bounds; every `page_size` one of the named few."""
    seen: dict[str, set[Any]] = {"page": set(), "page_size": set()}
    for path, item in app.openapi()["paths"].items():
        for operation in item.values():
            for p in operation.get("parameters", []):
                if p["name"] in seen and p["in"] == "query":
                    schema = p["schema"]
                    seen[p["name"]].add((schema.get("minimum"), schema.get("maximum")))
                    assert schema.get("maximum") is not None, (path, p["name"])
    assert seen["page"] == {(1, paging.MAX_PAGE)}
    assert seen["page_size"] <= {(1, 100), (1, 200), (1, 500)}


@pytest.mark.parametrize("page, size, expected", [(1, 20, 0), (3, 20, 40), (0, 5, 0)])
def test_offset(page: int, size: int, expected: int) -> None:
    assert paging.offset(page, size) == expected
