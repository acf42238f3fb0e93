"""Journey: a proof-of-concept review (概念验证), every decision in the browser.

Three experts join the pool with the administrator's invitation codes. An institute asks for
a review of its published achievement on the achievement's page; the administrator accepts it
and confirms the panel the platform proposes (a scientist, an entrepreneur, an investor); each
expert accepts and submits the review form, and sees the others' scores only after their own;
the public listing then shows the 通过概念验证 badge and the reviewed TRL beside the declared
one. Along the way the institute attaches a dossier file to its request, the seated scientist
downloads it from the review page, and the institute downloads the report as a PDF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.helpers import ADMIN_PASSWORD, DEMO_PASSWORD, Api, login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TITLE = "高强韧铝合金半固态成形关键技术"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXPERTS = (("poc_sci", "周科学", "scientist", "新材料 铝合金 半固态成形 金属材料"),
           ("poc_ent", "吴企业", "entrepreneur", "压铸企业经营 汽车零部件 产线"),
           ("poc_inv", "郑投资", "investor", "新材料早期投资 汽车轻量化"))


@pytest.fixture(scope="module")
def world(live_server: LiveServer) -> Iterator[int]:
    admin = Api(live_server.url, "admin", ADMIN_PASSWORD)
    institute = Api(live_server.url, "inst2", DEMO_PASSWORD)
    field = next(f for f in institute.get("/api/v1/fields") if f["code"] == "materials")
    for username, name, kind, bio in EXPERTS:
        code = admin.post("/api/v1/expert-invitations", {
            "name": name, "contact": f"{username}@example.cn", "kind": kind})["code"]
        r = httpx.post(f"{live_server.url}/api/v1/experts/register", json={
            "user": {"username": username, "password": DEMO_PASSWORD, "display_name": name},
            "profile": {"name": name, "organisation_name": f"{name}所在单位", "kind": kind,
                        "fields": ["materials"], "bio": bio},
            "invitation_code": code})
        assert r.status_code == 201, r.text
    achievement = institute.post("/api/v1/achievements", {
        "title": TITLE, "abstract": "半固态流变成形制备高强韧铝合金构件，抗拉强度提升20%。",
        "field_id": field["id"], "trl": 6, "stage": "pilot", "price": "800000",
        "modes": ["licensing"], "team_lead": "刘教授", "region": "福州市", "publish": True})
    yield int(achievement["id"])
    admin.close()
    institute.close()


def _review(page: Page, username: str, score: str, *, dossier: bool = False) -> None:
    login(page, username, home="/expert")
    page.goto("/expert/reviews")
    page.get_by_role("link", name=TITLE).click()
    if dossier:  # a seated expert reads the institute's dossier
        files = page.locator("[data-testid^=poc-dossier-]")
        expect(files.get_by_text("中试数据.pdf")).to_be_visible()
        with page.expect_download() as info:
            files.locator("[data-testid^=poc-file-download-]").first.click()
        assert Path(info.value.path()).read_bytes() == PDF
        screenshot(page, "zh-CN-32-poc-dossier-expert")
    page.get_by_role("button", name="接受邀请").click()
    expect(page.get_by_text("提交本人评审后可查看其他专家的评分。")).to_be_visible()
    for criterion in ("技术成熟度", "知识产权强度与自由实施", "市场规模", "团队", "中试成本（越低分越高）"):
        page.get_by_label(criterion, exact=True).get_by_text(score, exact=True).click()
    page.get_by_role("radio", name="建议通过", exact=True).check()
    page.get_by_label("您评定的技术成熟度（1–9）").fill("5")
    page.get_by_label("给组织方的保密意见（仅组织方可见）").fill("团队稳定，建议关注量产良率。")
    page.get_by_role("button", name=re.compile("提交评审")).click()
    expect(page.get_by_text("其他专家的评分")).to_be_visible()


def test_an_achievement_passes_a_proof_of_concept_review(new_page, world: int) -> None:  # type: ignore[no-untyped-def]
    institute = new_page()
    login(institute, "inst2", home="/institute")
    institute.goto(f"/institute/achievements/{world}")
    institute.get_by_test_id("poc-request-form").locator("textarea").fill("中试样件已完成，申请概念验证。")
    institute.get_by_test_id("poc-request-submit").click()
    expect(institute.get_by_text("已提交概念验证申请")).to_be_visible()
    institute.goto("/institute/poc")
    dossier = institute.locator("[data-testid^=poc-dossier-]")
    dossier.locator("input[type=file]").set_input_files(
        {"name": "中试数据.pdf", "mimeType": "application/pdf", "buffer": PDF})
    expect(dossier.get_by_text("中试数据.pdf")).to_be_visible()

    admin = new_page()
    login(admin, "admin", ADMIN_PASSWORD, home="/admin")
    admin.goto("/admin/poc")
    row = admin.locator("tr").filter(has_text=TITLE)
    row.locator("[data-testid^=poc-accept-]").click()
    expect(row.get_by_text("周科学", exact=False)).to_be_visible()
    expect(row.get_by_text("吴企业", exact=False)).to_be_visible()
    expect(row.get_by_text("郑投资", exact=False)).to_be_visible()
    screenshot(admin, "zh-CN-30-poc-panel")
    row.locator("[data-testid^=poc-confirm-]").click()
    expect(row.get_by_text("评审中")).to_be_visible()

    for username, score in (("poc_sci", "4"), ("poc_ent", "4"), ("poc_inv", "3")):
        _review(new_page(), username, score, dossier=username == "poc_sci")

    institute.goto("/institute/poc")
    with institute.expect_download() as info:
        institute.locator("[data-testid^=poc-report-pdf-]").first.click()
    report = Path(info.value.path()).read_bytes()
    assert report.startswith(b"%PDF-")
    assert "通过概念验证" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(report)).pages)
    screenshot(institute, "zh-CN-33-poc-institute")

    visitor = new_page()
    visitor.goto(f"/listings/achievements/{world}")
    badge = visitor.get_by_test_id("poc-badge")
    expect(badge).to_contain_text("通过概念验证")
    expect(badge).to_contain_text("评审技术成熟度 5 · 自报技术成熟度 6")
    screenshot(visitor, "zh-CN-31-poc-badge")
