"""Contract files: PDF or image by their bytes, size-limited, stored by hash, downloaded by
those who see the deal."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.models import AuditEntry
from backend.config import get_settings
from backend.deals.models import ContractFile, Stage
from backend.deals.storage import LocalFileStore, file_store
from tests.builders import accounts as b
from tests.builders import deals as d

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _upload(client: TestClient, db: Session, w: d.World, name: str, data: bytes,
            content_type: str = "application/pdf", user: User | None = None) -> Response:
    who = b.login_as(db, user or w.lead)
    return client.post(f"/api/v1/deals/{w.id}/files",
                       files={"file": (name, data, content_type)}, headers=who.headers)


@pytest.mark.parametrize(("name", "data", "kind"), [
    ("合同正本.pdf", PDF, "application/pdf"), ("登记证明.png", PNG, "image/png"),
    ("签字页.jpg", JPEG, "image/jpeg")])
def test_pdf_and_images_are_accepted_and_stored_by_hash(client: TestClient, db: Session,
                                                        name: str, data: bytes,
                                                        kind: str) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    r = _upload(client, db, w, name, data, "application/octet-stream")
    assert r.status_code == 201
    body = r.json()
    digest = hashlib.sha256(data).hexdigest()
    assert (body["filename"], body["content_type"], body["size"], body["sha256"]) == (
        name, kind, len(data), digest)
    stored = get_settings().files_dir / digest[:2] / digest[2:4] / digest
    assert stored.read_bytes() == data
    entry = db.execute(select(AuditEntry).where(AuditEntry.action == "contract_file.upload")
                       ).scalar_one()
    assert entry.after is not None and entry.after["sha256"] == digest


@pytest.mark.parametrize(("data", "claimed"), [
    (b"MZ\x90\x00 this is a windows executable", "application/pdf"),
    (b"<html><script>alert(1)</script></html>", "image/png"),
    (b"GIF89a\x01\x00\x01\x00", "image/gif"),
    (b"PK\x03\x04 a word document", "application/pdf"),
    (b"", "application/pdf"),
])
def test_other_content_is_rejected_whatever_the_client_claims(
        client: TestClient, db: Session, data: bytes, claimed: str) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    r = _upload(client, db, w, "合同.pdf", data, claimed)
    assert r.status_code == 415
    assert db.execute(select(ContractFile)).scalars().all() == []


def test_too_large_is_413(client: TestClient, db: Session,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "max_upload_mb", 1)
    w = d.deal_at(db, Stage.SIGNED)
    limit = 1024 * 1024
    assert _upload(client, db, w, "ok.pdf", PDF + b"0" * (limit - len(PDF))).status_code == 201
    r = _upload(client, db, w, "big.pdf", PDF + b"0" * (limit - len(PDF) + 1))
    assert r.status_code == 413
    assert r.json()["limit_mb"] == 1


def test_the_filename_is_stripped_of_directories_and_reserved_characters(
        client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    r = _upload(client, db, w, "../../etc/\u202epa<ss>wd?.pdf", PDF)
    assert r.status_code == 201
    assert r.json()["filename"] == "passwd.pdf"


def test_files_need_a_contract_and_an_open_deal(client: TestClient, db: Session) -> None:
    assert _upload(client, db, d.deal_at(db, Stage.NEGOTIATING), "a.pdf", PDF
                   ).status_code == 409
    assert _upload(client, db, d.deal_at(db, Stage.CLOSED), "a.pdf", PDF
                   ).status_code == 409


@pytest.mark.parametrize("who", ["firm", "institute", "admin"])
def test_only_the_brokers_upload(client: TestClient, db: Session, who: str) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    user = {"firm": w.firm, "institute": w.institute, "admin": b.make_admin(db)}[who]
    assert _upload(client, db, w, "a.pdf", PDF, user=user
                   ).status_code == 403


def test_download_only_for_those_who_see_the_deal(client: TestClient, db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    file_id = _upload(client, db, w, "合同正本.pdf", PDF).json()["id"]
    url = f"/api/v1/deals/{w.id}/files/{file_id}"
    for user in (w.lead, w.firm, w.institute, b.make_admin(db)):
        r = client.get(url, headers=b.login_as(db, user).headers)
        assert r.status_code == 200
        assert r.content == PDF
        assert r.headers["content-type"] == "application/pdf"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "filename*=UTF-8''%E5%90%88%E5%90%8C%E6%AD%A3%E6%9C%AC.pdf" in \
            r.headers["content-disposition"]
        listed = client.get(f"/api/v1/deals/{w.id}/files", headers=b.login_as(db, user).headers)
        assert [f["id"] for f in listed.json()] == [file_id]
    for user in (b.make_broker(db), b.make_firm_user(db), b.make_institute_user(db)):
        assert client.get(url, headers=b.login_as(db, user).headers).status_code == 404
        assert client.get(f"/api/v1/deals/{w.id}/files",
                          headers=b.login_as(db, user).headers).status_code == 404
    assert client.get(url).status_code == 401


def test_a_file_of_another_deal_is_not_found_through_this_one(client: TestClient,
                                                              db: Session) -> None:
    mine = d.deal_at(db, Stage.SIGNED)
    theirs = d.deal_at(db, Stage.SIGNED)
    their_file = _upload(client, db, theirs, "a.pdf", PDF).json()["id"]
    r = client.get(f"/api/v1/deals/{mine.id}/files/{their_file}",
                   headers=b.login_as(db, mine.lead).headers)
    assert r.status_code == 404


def test_an_invited_broker_cannot_download_before_joining(client: TestClient,
                                                          db: Session) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    file_id = _upload(client, db, w, "a.pdf", PDF).json()["id"]
    helper = b.make_broker(db)
    client.post(f"/api/v1/deals/{w.id}/brokers",
                json={"broker_id": helper.id, "shares": {str(w.lead.id): "50",
                                                         str(helper.id): "50"}},
                headers=b.login_as(db, w.lead).headers)
    r = client.get(f"/api/v1/deals/{w.id}/files/{file_id}", headers=b.login_as(db, helper).headers)
    assert r.status_code == 404


# --- the store ------------------------------------------------------------------------------

def test_local_store_keeps_one_copy_per_content(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    first, second = store.put(PDF), store.put(PDF)
    assert first == second == hashlib.sha256(PDF).hexdigest()
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [first]
    with store.open(first) as f:
        assert f.read() == PDF
    assert store.exists(first) and not store.exists("0" * 64)
    assert not store.exists("../../etc/passwd")
    with pytest.raises(FileNotFoundError):
        store.open("../../etc/passwd")


class MemoryStore:
    """Any object with put/open/exists can hold the files (object storage in production)."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.blobs[digest] = data
        return digest

    def open(self, sha256: str) -> BinaryIO:
        return io.BytesIO(self.blobs[sha256])

    def exists(self, sha256: str) -> bool:
        return sha256 in self.blobs


@pytest.fixture
def memory_store(app: FastAPI) -> Iterator[MemoryStore]:
    store = MemoryStore()
    app.dependency_overrides[file_store] = lambda: store
    yield store
    app.dependency_overrides.pop(file_store)


def test_the_store_is_replaceable(client: TestClient, db: Session,
                                  memory_store: MemoryStore) -> None:
    w = d.deal_at(db, Stage.SIGNED)
    r = _upload(client, db, w, "a.png", PNG, "image/png")
    assert r.status_code == 201
    assert list(memory_store.blobs.values()) == [PNG]
    r2 = client.get(f"/api/v1/deals/{w.id}/files/{r.json()['id']}",
                    headers=b.login_as(db, w.firm).headers)
    assert r2.content == PNG
