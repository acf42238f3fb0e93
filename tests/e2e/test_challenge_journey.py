"""Journey: an open challenge (揭榜挂帅) from the issuer's editor to a confirmed payment.

A firm writes a challenge in the browser (target indicator, prize split over two milestones,
deadline) and publishes it; two institutes answer — one in the browser, one through the API —
and neither sees the other's proposal. The firm closes the call and splits the award between
both in the award dialog; the public list and page then name the issuer and the winners. The
firm starts delivery; the first winner submits evidence for its first milestone, the firm
accepts it and records the payment, the winner confirms receipt; the bureau's dashboard counts
the money as paid only then.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from backend.core import clock
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.helpers import ADMIN_PASSWORD, DEMO_PASSWORD, Api, login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TITLE = "大尺寸封装基板翘曲控制技术攻关"
DEADLINE = clock.today() + timedelta(days=20)
DUE = (DEADLINE + timedelta(days=40), DEADLINE + timedelta(days=90))


def _pick(page: Page, field: Locator, day: date) -> None:
    """Choose a day in an antd DatePicker's calendar, moving month by month."""
    field.click()
    panel = page.locator(".ant-picker-dropdown:not(.ant-picker-dropdown-hidden)")
    cell = panel.locator(f'td[title="{day.isoformat()}"]')
    for _ in range(24):
        if cell.count():
            break
        panel.locator(".ant-picker-header-next-btn").click()
    cell.click()
    expect(field).to_have_value(day.isoformat())


def _org_name(api: Api) -> str:
    return str(api.get("/api/v1/auth/me")["organisation"]["name"])


def _proposal(threshold: str, budget: str) -> dict[str, Any]:
    return {"approach": "低膨胀树脂体系与分段回流工艺。", "team": "材料学院团队",
            "indicators": [{"name": "翘曲量", "unit": "mm", "comparator": "≤",
                            "threshold": threshold}],
            "plan": [{"title": "样品", "due_on": DUE[0].isoformat(), "amount": budget}],
            "budget": budget, "ip_arrangement": "新成果归发榜方，解题方保留署名权。"}


def test_a_challenge_from_the_editor_to_a_confirmed_payment(new_page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    firm_api = Api(live_server.url, "firm1", DEMO_PASSWORD)
    inst1_api = Api(live_server.url, "inst1", DEMO_PASSWORD)
    inst2_api = Api(live_server.url, "inst2", DEMO_PASSWORD)
    issuer, winner1, winner2 = (_org_name(a) for a in (firm_api, inst1_api, inst2_api))

    # The firm writes and publishes the challenge in the editor.
    firm = new_page()
    login(firm, "firm1", home="/firm")
    firm.goto("/challenges")
    firm.get_by_test_id("challenge-new").click()
    form = firm.get_by_test_id("challenge-form")
    form.locator("#title").fill(TITLE)
    form.locator("#problem").fill("封装基板在回流焊后翘曲超标，需要材料与工艺方案。")
    form.locator("#indicators_0_name").fill("翘曲量")
    form.locator("#indicators_0_threshold").fill("0.1")
    form.locator("#indicators_0_unit").fill("mm")
    form.locator("#prize").fill("500000")
    _pick(firm, form.locator("#deadline"), DEADLINE)
    form.locator("#milestones_0_title").fill("样品验证")
    _pick(firm, form.locator("#milestones_0_due_on"), DUE[0])
    form.locator("#milestones_0_amount").fill("200000")
    firm.get_by_role("button", name="添加里程碑").click()
    form.locator("#milestones_1_title").fill("小批量验证")
    _pick(firm, form.locator("#milestones_1_due_on"), DUE[1])
    form.locator("#milestones_1_amount").fill("300000")
    expect(firm.get_by_test_id("sum-line")).not_to_contain_text("须相等")
    screenshot(firm, "zh-CN-40-challenge-editor")
    firm.get_by_test_id("challenge-publish").click()
    expect(firm.get_by_text("榜单已发布")).to_be_visible()
    expect(firm.get_by_role("heading", name=TITLE)).to_be_visible()
    challenge_id = int(firm.url.rstrip("/").split("/")[-1])

    # Two institutes answer: inst1 in the browser, inst2 through the API.
    solver = new_page()
    login(solver, "inst1", home="/institute")
    solver.goto(f"/challenges/{challenge_id}")
    solver.get_by_test_id("proposal-open").click()
    proposal = solver.get_by_test_id("proposal-form")
    expect(proposal.locator("#indicators_0_name")).to_have_value("翘曲量")
    proposal.locator("#approach").fill("磁控溅射低应力铜层与低膨胀芯板。")
    proposal.locator("#indicators_0_threshold").fill("0.08")
    proposal.locator("#team").fill("电子封装课题组，教授1人、博士3人。")
    proposal.locator("#plan_0_title").fill("样品与验证")
    _pick(solver, proposal.locator("#plan_0_due_on"), DUE[0])
    proposal.locator("#plan_0_amount").fill("450000")
    proposal.locator("#ip_arrangement").fill("背景知识产权归各自所有，新成果归发榜方。")
    solver.get_by_test_id("proposal-submit").click()
    expect(solver.get_by_text("方案已提交")).to_be_visible()
    screenshot(solver, "zh-CN-41-challenge-proposal")
    inst2_api.post(f"/api/v1/challenges/{challenge_id}/proposals", _proposal("0.09", "480000.00"))
    # A solver reads its own proposal only.
    assert len(inst1_api.get(f"/api/v1/challenges/{challenge_id}/proposals")) == 1

    # The firm closes the call (the deadline's end would do it) and splits the award.
    for to in ("closed", "under_review"):
        firm_api.post(f"/api/v1/challenges/{challenge_id}/transitions", {"to_status": to})
    solver.reload()
    expect(solver.get_by_text("已冻结").first).to_be_visible()
    expect(solver.get_by_test_id("proposal-submit")).to_have_count(0)
    firm.goto(f"/challenges/{challenge_id}")
    firm.get_by_test_id("award-open").click()
    dialog = firm.get_by_role("dialog")
    dialog.locator("#awards_0_proposal_id").click()
    options = firm.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) "
                           ".ant-select-item-option:not(.ant-select-item-option-disabled)")
    options.first.click()
    dialog.locator("#awards_0_amount").fill("300000")
    dialog.locator("#awards_0_reason").fill("指标最优")
    dialog.get_by_role("button", name="再添加一个中榜方案").click()
    dialog.locator("#awards_1_proposal_id").click()
    options.first.click()
    dialog.locator("#awards_1_amount").fill("200000")
    dialog.locator("#awards_1_reason").fill("成本最低")
    screenshot(firm, "zh-CN-42-challenge-split-award")
    dialog.get_by_role("button", name="确认授奖").click()
    expect(firm.get_by_text("已记录评选结果")).to_be_visible()
    expect(firm.get_by_role("dialog")).to_have_count(0)
    expect(firm.get_by_text("指标最优")).to_be_visible()  # the results, with each reason
    expect(firm.get_by_text("成本最低")).to_be_visible()

    # The public sees the issuer and both winners by name, never the proposals.
    visitor = new_page()
    visitor.goto("/challenges")
    row = visitor.locator("tr").filter(has_text=TITLE)
    expect(row).to_contain_text(issuer)
    expect(row).to_contain_text(winner1)
    expect(row).to_contain_text(winner2)
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_text("磁控溅射低应力铜层")).to_have_count(0)
    screenshot(visitor, "zh-CN-43-challenge-public")

    # Delivery: evidence → accepted → paid → confirmed, each by its party in the browser.
    firm.get_by_role("button", name="进入履约").click()
    expect(firm.get_by_text("里程碑履约")).to_be_visible()
    winner = next(a for a in firm_api.get(f"/api/v1/challenges/{challenge_id}")["awards"]
                  if a["winner_name"] == winner1)
    assert winner["amount"] == "300000.00"
    solver.goto(f"/challenges/{challenge_id}")
    solver.get_by_role("button", name="提交成果材料").first.click()
    solver.get_by_role("dialog").locator("textarea").fill("第三方测试报告：翘曲量0.08mm。")
    solver.get_by_role("dialog").get_by_test_id("evidence-ok").click()
    expect(solver.get_by_text("待验收").first).to_be_visible()
    firm.reload()
    firm.get_by_role("button", name="验收通过").first.click()
    firm.get_by_role("button", name="记录付款").first.click()
    firm.get_by_role("dialog").locator("textarea, input").first.fill("BANK-2026-001")
    firm.get_by_role("dialog").get_by_test_id("reason-dialog-ok").click()
    expect(firm.get_by_text("待中榜方确认")).to_be_visible()

    admin = new_page()
    login(admin, "admin", ADMIN_PASSWORD, home="/admin")
    admin.goto("/admin/challenges")
    expect(admin.get_by_text("已兑付（中榜方确认）").first).to_be_visible()
    before = admin_api_paid(live_server)

    solver.reload()
    solver.get_by_role("button", name="确认收款").click()
    expect(solver.get_by_text("已确认收款").first).to_be_visible()
    screenshot(solver, "zh-CN-44-challenge-milestones-winner")
    assert admin_api_paid(live_server) - before == 120000  # 200,000 × 300,000 ÷ 500,000
    admin.reload()
    screenshot(admin, "zh-CN-45-challenge-dashboard")
    for api in (firm_api, inst1_api, inst2_api):
        api.close()


def admin_api_paid(server: LiveServer) -> float:
    admin = Api(server.url, "admin", ADMIN_PASSWORD)
    try:
        return float(admin.get("/api/v1/challenges/statistics")["totals"]["paid"])
    finally:
        admin.close()
