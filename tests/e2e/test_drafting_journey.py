"""Journey 4: a firm that cannot name its need (讲不清) drafts a demand with the platform's help.

Institutes have published achievements on injection moulding. A firm's owner opens a new
demand and first writes too little: the side panel asks for the phenomenon, the material, the
quantities. Then the owner describes the problem in everyday words: the panel shows the
achievements that could solve it, the field the problem seems to be in and technical keywords,
one of which the owner adds with a click; choosing the predicted field fills the form's field.
Nothing is saved until the owner publishes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from backend.demo.data import DEMO_PASSWORD
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.helpers import Api, login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

ACHIEVEMENTS = (
    ("注塑件残余应力与翘曲变形控制技术",
     "针对聚丙烯注塑件冷却后翘曲变形、装配困难的问题，通过模温分区控制和保压曲线优化降低残余"
     "应力，塑料盖板翘曲量降低百分之七十。"),
    ("注塑制品缩痕与气泡缺陷的工艺优化方法",
     "通过注塑保压与排气结构优化，消除塑料制品表面缩痕和内部气泡。"),
    ("塑料件模具随形冷却水路设计技术",
     "随形冷却水路使塑料件冷却均匀，缩短成型周期，减少注塑件变形。"),
)
VAGUE = "我们的产品有问题，想改进一下"
PLAIN = "我们打的塑料盖子放一晚上就翘起来，扣不上底座，一天要报废几百个，想找办法解决变形。"


@pytest.fixture(scope="module")
def moulding_achievements(live_server: LiveServer) -> Iterator[list[str]]:
    institute = Api(live_server.url, "inst3", DEMO_PASSWORD)
    fields = institute.get("/api/v1/fields")
    field = next((f for f in fields if f["code"] == "materials.polymers"),
                 next(f for f in fields if f["code"] == "materials"))
    titles = []
    for title, abstract in ACHIEVEMENTS:
        institute.post("/api/v1/achievements", {
            "title": title, "abstract": abstract, "field_id": field["id"], "trl": 6,
            "stage": "pilot", "price": "300000", "modes": ["licensing"], "team_lead": "林研究员",
            "region": "福州市", "publish": True})
        titles.append(title)
    yield titles
    institute.close()


def test_a_vague_problem_is_helped_into_a_demand(new_page, moulding_achievements) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    login(page, "firm1", home="/firm")
    page.goto("/firm/demands")
    page.get_by_test_id("new-demand").click()
    form = page.get_by_test_id("demand-form")
    help_panel = page.get_by_test_id("draft-help")
    expect(help_panel).to_be_visible()

    form.locator("#description").fill(VAGUE)
    expect(page.get_by_test_id("draft-vague")).to_be_visible()

    form.locator("#title").fill("塑料盖子变形")
    form.locator("#description").fill(PLAIN)
    expect(page.get_by_test_id("draft-vague")).to_have_count(0)
    matches = page.get_by_test_id("draft-match")
    expect(matches.first).to_be_visible()
    shown = " ".join(matches.all_inner_texts())
    assert any(title in shown for title in moulding_achievements), shown

    fields = page.get_by_test_id("draft-fields")
    expect(fields).to_be_visible()
    expect(fields).to_contain_text("%")
    keywords = page.get_by_test_id("draft-keywords").get_by_role("button")
    expect(keywords.first).to_be_visible()
    word = keywords.first.inner_text().removeprefix("+").strip()
    keywords.first.click()
    # The keyword is now in the form's keyword list, and no longer offered.
    expect(form.locator(".ant-select-selection-item").filter(has_text=word)).to_be_visible()
    expect(page.get_by_test_id("draft-keywords").get_by_role(
        "button", name=word, exact=False)).to_have_count(0)

    field_select = form.locator(".ant-form-item").filter(has=page.locator("#field_id"))
    expect(field_select.locator(".ant-select-selection-item")).to_have_count(0)
    fields.get_by_role("button").first.click()
    expect(field_select.locator(".ant-select-selection-item")).to_have_count(1)
    screenshot(page, "zh-CN-30-drafting-help")
