"""The review report as a PDF: words not codes, Chinese rendered as text, no reviewer names; the
institute's copy once decided and without the confidential notes, the organiser's with them."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from backend.experts import poc, schemas
from backend.experts.models import PocRequest
from tests.builders import accounts as b
from tests.builders import experts as e
from tests.builders import listings as lb


def text_of(pdf: bytes) -> str:
    """The report's words, whitespace removed (table cells wrap)."""
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def has(text: str, words: str) -> bool:
    return re.sub(r"\s+", "", words) in text


def test_the_pdf_report_in_words_for_each_reader(client: TestClient, db: Session) -> None:
    institute = b.make_institute_user(db)
    admin = b.make_admin(db)
    achievement = lb.make_achievement(db, institute, title="焊缝识别系统")
    pool = e.panel_pool(db)
    rid = e.request(db, institute, achievement.id)
    request = db.get(PocRequest, rid)
    assert request is not None
    poc.accept(db, e.actor(admin), request, schemas.AcceptIn())
    poc.confirm(db, e.actor(admin), request)
    url = f"/api/v1/poc-requests/{rid}/report.pdf"
    inst, org = b.login_as(db, institute), b.login_as(db, admin)
    assert client.get(url, headers=inst.headers).status_code == 409  # not decided yet
    for expert in pool.values():
        [seat] = [s for s in poc.seats(db, rid) if s.expert_id == expert.id]
        poc.answer(db, e.actor(expert), expert, seat.id, True)
        poc.submit(db, e.actor(expert), expert, seat.id, e.review(4))

    r = client.get(url, headers=inst.headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert f'filename="poc-report-{rid}.pdf"' in r.headers["content-disposition"]
    pdf = text_of(r.content)
    assert r.content.startswith(b"%PDF-") and len(r.content) < 40_000
    for words in ("概念验证评审报告", "焊缝识别系统", "通过概念验证 Passed", "技术成熟度 Technical maturity",
                  "建议通过 Pass", "科学家 Scientist", "团队完整"):
        assert has(pdf, words), words
    for code in ("technical_maturity", "scientist", "passed"):
        assert code not in pdf, code  # a label, never the code
    assert not has(pdf, "仅供组织方参考")  # the confidential note stays with the organiser
    for expert in pool.values():
        assert not has(pdf, poc.load(db, expert.id).profile.name)

    organiser = client.get(url, headers=org.headers)
    assert organiser.status_code == 200 and has(text_of(organiser.content), "仅供组织方参考")
    stranger = b.login_as(db, b.make_institute_user(db))
    assert client.get(url, headers=stranger.headers).status_code == 404
