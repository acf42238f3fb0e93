"""`techbroker create-admin --bureau FILE`: the administrator is linked to the bureau's
organisation (科技主管部门), registered from the file (kind bureau, verified) when it is not on
file yet, so the bureau's challenges can open deals without any other step."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from backend.accounts import service
from backend.accounts.models import Organisation, OrgKind, User, VerificationStatus
from backend.audit.models import AuditEntry
from backend.cli import app as cli
from tests.builders import accounts as b


def _bureau_file(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    data = b.organisation_in(OrgKind.INSTITUTE, name="福州市科学技术局").model_dump(
        mode="json", exclude={"kind"})
    path = tmp_path / "bureau.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path, data


def _admin(db: Session, username: str) -> User:
    return db.execute(select(User).where(User.username == username)).scalar_one()


def test_the_first_administrator_registers_the_bureau(db: Session, tmp_path: Path) -> None:
    path, data = _bureau_file(tmp_path)
    runner = CliRunner()
    r = runner.invoke(cli, ["create-admin", "bureau1", "--password", "Sekret-pass-2026",
                            "--bureau", str(path)])
    assert r.exit_code == 0, r.output
    assert "福州市科学技术局" in r.output
    user = _admin(db, "bureau1")
    org = db.get_one(Organisation, user.organisation_id)
    assert (org.kind, org.name, org.credit_code, org.verification_status) == (
        OrgKind.BUREAU, "福州市科学技术局", data["credit_code"], VerificationStatus.VERIFIED)
    assert service.bureau_organisation_id(db, user) == org.id
    actions = set(db.execute(select(AuditEntry.action).where(
        AuditEntry.object_type == "organisation", AuditEntry.object_id == str(org.id))).scalars())
    assert {"organisation.register", "organisation.verified"} <= actions
    # a second administrator joins the same organisation: nothing new is registered
    r = runner.invoke(cli, ["create-admin", "bureau2", "--password", "Sekret-pass-2026",
                            "--bureau", str(path)])
    assert r.exit_code == 0, r.output
    assert _admin(db, "bureau2").organisation_id == org.id
    assert db.execute(select(Organisation).where(
        Organisation.kind == OrgKind.BUREAU)).scalars().all() == [org]


def test_a_credit_code_of_another_kind_is_refused(db: Session, tmp_path: Path) -> None:
    firm = b.make_org(db, OrgKind.FIRM)
    path, _ = _bureau_file(tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["credit_code"] = firm.credit_code
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(cli, ["create-admin", "bureau3", "--password", "Sekret-pass-2026",
                                 "--bureau", str(path)])
    assert r.exit_code == 2
    assert "科技主管部门" in r.output
    assert db.execute(select(User).where(User.username == "bureau3")).first() is None


def test_without_the_option_nothing_changes(db: Session) -> None:
    r = CliRunner().invoke(cli, ["create-admin", "plain", "--password", "Sekret-pass-2026"])
    assert r.exit_code == 0, r.output
    assert _admin(db, "plain").organisation_id is None
