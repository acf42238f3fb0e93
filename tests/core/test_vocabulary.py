"""Every code a service writes is listed in its vocabulary, which the OpenAPI document
declares as an `enum` (the UI has a label for each value; its Vitest test fails on one
without). Read from the source: each call that writes an audit entry, a timeline event or a
notification names its code as a literal, an f-string (a pattern here) or a conditional of
literals; the few that pass a variable are listed below with what they may hold."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from backend.audit.vocabulary import ACTIONS, OBJECT_TYPES
from backend.deals.events import EVENT_KINDS
from backend.deals.notifications import NOTIFICATION_KINDS

BACKEND = Path(__file__).resolve().parents[2] / "backend"

# (function, argument position) → the vocabulary its code must come from.
WRITERS = {("record", 2): "action", ("audit_record", 2): "action",
           ("record", 3): "object_type", ("audit_record", 3): "object_type",
           ("add_event", 3): "event", ("notify", 2): "notification",
           ("send", 2): "notification"}  # intake.notices.send forwards to notify
VOCABULARIES = {"action": ACTIONS, "object_type": OBJECT_TYPES, "event": EVENT_KINDS,
                "notification": NOTIFICATION_KINDS}
# Codes passed in a variable: where, and what the variable holds.
DYNAMIC = {
    "deals/opening.py:verb": ("accepted", "declined"),
    "deals/contracts.py:kind": ("contract_recorded", "contract_updated"),
    "listings/service.py:kind": ("demand", "achievement"),
    "deals/evidence.py:kind.value": ("contract", "payment"),
    # a dossier's notices speak of what it belongs to: a demand, a challenge, a financing request
    "intake/dossiers.py:kind": (
        "dossier.requested", "dossier.granted", "dossier.decline", "dossier.revoke",
        *(f"{owner}.dossier_{event}" for owner in ("challenge", "financing")
          for event in ("requested", "granted", "declined", "revoked"))),
    "intake/notices.py:kind": (),  # forwards its caller's code, which is checked at the call
}


def _written() -> dict[str, list[tuple[str, str]]]:
    """Per vocabulary: (code or pattern, where) for every writing call in the backend."""
    found: dict[str, list[tuple[str, str]]] = {name: [] for name in VOCABULARIES}
    for path in sorted(BACKEND.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        where = path.relative_to(BACKEND).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = (node.func.attr if isinstance(node.func, ast.Attribute)
                    else getattr(node.func, "id", ""))
            for (function, position), vocabulary in WRITERS.items():
                if function == name and len(node.args) > position:
                    for code in _codes(node.args[position], where):
                        found[vocabulary].append((code, f"{where}:{node.lineno}"))
    return found


def _codes(node: ast.expr, where: str) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [re.escape(node.value)]
    if isinstance(node, ast.IfExp):
        return _codes(node.body, where) + _codes(node.orelse, where)
    if isinstance(node, ast.JoinedStr):
        return ["".join(re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_]+"
                        for part in node.values)]
    if isinstance(node, ast.Name | ast.Attribute) and f"{where}:{ast.unparse(node)}" in DYNAMIC:
        return [re.escape(code) for code in DYNAMIC[f"{where}:{ast.unparse(node)}"]]
    raise AssertionError(f"{where}: a code in `{ast.unparse(node)}`: write it as a literal, or "
                         "list the variable's values in DYNAMIC")


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_every_code_written_is_listed(vocabulary: str) -> None:
    listed = VOCABULARIES[vocabulary]
    missing = [f"{pattern} ({where})" for pattern, where in _written()[vocabulary]
               if not any(re.fullmatch(pattern, code) for code in listed)]
    assert missing == [], (f"add to the {vocabulary} vocabulary (and give the UI a label in "
                           "frontend/src/i18n/catalogues/codes.ts): " + ", ".join(missing))


@pytest.mark.parametrize("vocabulary", sorted(VOCABULARIES))
def test_every_code_listed_is_written_somewhere(vocabulary: str) -> None:
    patterns = [pattern for pattern, _ in _written()[vocabulary]]
    unused = [code for code in VOCABULARIES[vocabulary]
              if not any(re.fullmatch(pattern, code) for pattern in patterns)]
    assert unused == []


def test_the_openapi_document_lists_each_vocabulary() -> None:
    from backend.app import create_app

    schemas = create_app().openapi()["components"]["schemas"]
    assert schemas["AuditEntryOut"]["properties"]["action"]["enum"] == list(ACTIONS)
    assert schemas["AuditEntryOut"]["properties"]["object_type"]["enum"] == list(OBJECT_TYPES)
    assert schemas["EventOut"]["properties"]["kind"]["enum"] == list(EVENT_KINDS)
    assert schemas["NotificationOut"]["properties"]["kind"]["enum"] == list(NOTIFICATION_KINDS)
    assert "related_party" in schemas["FlagOut"]["properties"]["rule"]["enum"]
