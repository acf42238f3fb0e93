"""Journey 1: from a firm's demand to a paid reward, every key step in the browser.

A firm posts a demand and an institute a fitting achievement; a broker finds the pair in
the match feed and claims it; both parties accept; the broker records the contract and its
registration, which both parties confirm from the badge on their workspace; the broker
attaches the bank receipt and records the full payment, which both parties confirm; an
administrator uploads the registration office's export, which matches the contract, and
verifies the broker's own payee account; the broker claims the reward; one administrator
approves and a different one pays (four eyes). The amounts shown follow the default policy:
1.5% of the first 1,000,000 yuan and 1% above, on min(technology amount, received) —
30,000.00 on a 2,500,000 contract paid in full.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from backend.core import clock
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.helpers import (
    ADMIN_PASSWORD,
    PAYEE_ACCOUNT,
    PAYER_ACCOUNT,
    PDF,
    Api,
    check_first_mode,
    login,
    pick_field,
    pick_today,
    registry_csv,
    yuan,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

CONTRACT_AMOUNT = "2500000"
EXPECTED_REWARD = "30,000.00"
DEMAND_TITLE = "焊接机器人视觉纠偏系统需求"
ACHIEVEMENT_TITLE = "基于深度视觉的焊接机器人焊缝跟踪技术"


def english(page: Page) -> Page:
    page.add_init_script("window.localStorage.setItem('techbroker.locale', 'en-US')")
    return page


def post_demand(page: Page) -> int:
    login(page, "firm1", home="/firm")
    page.goto("/firm/demands")
    page.get_by_test_id("new-demand").click()
    form = page.get_by_test_id("demand-form")
    form.locator("#title").fill(DEMAND_TITLE)
    form.locator("#description").fill(
        "我司焊装车间需要为六轴焊接机器人加装视觉纠偏系统，实时识别焊缝位置并补偿工件装夹误差，"
        "要求焊缝跟踪精度优于0.2毫米，可与现有机器人控制器对接。")
    pick_field(page, "demand-form", "智能装备")
    form.locator("#budget_min").fill("1000000")
    form.locator("#budget_max").fill("3000000")
    form.locator("#min_trl").fill("4")
    check_first_mode(page, "demand-form")
    form.locator("#region").fill("福州市")
    screenshot(page, "zh-CN-02-demand-form")
    page.get_by_test_id("demand-publish").click()
    expect(page).to_have_url(re.compile(r"/firm/demands/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def post_achievement(page: Page) -> int:
    login(page, "inst1", home="/institute")
    page.goto("/institute/achievements/new")
    form = page.get_by_test_id("achievement-form")
    form.locator("#title").fill(ACHIEVEMENT_TITLE)
    form.locator("#abstract").fill(
        "本成果利用深度视觉识别焊缝位置，实时纠偏焊接机器人轨迹，补偿工件装夹误差，"
        "焊缝跟踪精度达0.1毫米，已在汽车焊装产线完成中试，可对接主流机器人控制器。")
    pick_field(page, "achievement-form", "智能装备")
    form.locator("#trl").fill("6")
    form.locator("#team_lead").fill("林教授")
    form.locator("#price").fill(CONTRACT_AMOUNT)
    form.locator("#region").fill("福州市")
    check_first_mode(page, "achievement-form")
    page.get_by_test_id("achievement-publish").click()
    expect(page).to_have_url(re.compile(r"/institute/achievements/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def accept_introduction(page: Page, username: str, section: str, deal_id: int) -> None:
    login(page, username, home=f"/{section}")
    page.goto(f"/{section}/deals/{deal_id}")
    page.get_by_test_id(f"accept-introduction-{deal_id}").click()
    expect(page.get_by_test_id(f"accept-introduction-{deal_id}")).to_have_count(0)


def confirm_from_workspace(page: Page, section: str, kind: str) -> None:
    """A party follows the badge on its workspace to the deal and confirms what awaits it."""
    page.goto(f"/{section}")
    badge = page.get_by_test_id("awaiting-badge")
    expect(badge).not_to_have_attribute("data-count", "0")
    page.locator(f'[data-testid^="awaiting-{kind}-"]').first.click()
    expect(page).to_have_url(re.compile(rf"/{section}/deals/\d+$"))
    if kind == "payment":
        page.get_by_role("tab", name="到账").click()
    button = page.locator(f'[data-testid^="confirm-{kind}"]').first
    button.click()
    expect(page.locator(f'[data-testid^="confirm-{kind}"]')).to_have_count(0)


def test_deal_from_demand_to_paid_reward(new_page, live_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    today = clock.today()

    visitor = new_page()
    visitor.goto("/")
    expect(visitor.locator("body")).not_to_be_empty()
    screenshot(visitor, "zh-CN-01-landing")

    firm = new_page()
    demand_id = post_demand(firm)
    institute = new_page()
    post_achievement(institute)

    # The firm sees the achievement among its demand's matches, with reasons.
    firm.goto(f"/firm/demands/{demand_id}")
    expect(firm.get_by_test_id("match-item").filter(has_text=ACHIEVEMENT_TITLE)).to_be_visible()
    screenshot(firm, "zh-CN-03-demand-matches")

    # The broker finds the pair in the feed for their fields and claims it: a deal opens.
    broker = new_page()
    login(broker, "broker1", home="/broker")
    broker.goto("/broker/matches")
    pair = broker.get_by_test_id("match-item").filter(has_text=DEMAND_TITLE).filter(
        has_text=ACHIEVEMENT_TITLE)
    expect(pair).to_be_visible()
    screenshot(broker, "zh-CN-04-broker-match-feed")
    pair.get_by_test_id("claim-button").click()
    broker.get_by_test_id("claim-confirm").click()  # claiming asks first
    expect(broker).to_have_url(re.compile(r"/broker/deals/\d+$"))
    deal_id = int(broker.url.rsplit("/", 1)[1])

    # Both parties accept the introduction.
    accept_introduction(firm, "firm1", "firm", deal_id)
    accept_introduction(institute, "inst1", "institute", deal_id)

    # The board moves the deal on to negotiating.
    broker.goto("/broker/deals")
    broker.get_by_test_id(f"move-{deal_id}-negotiating").click()
    expect(broker.get_by_test_id("column-negotiating").get_by_test_id(f"deal-card-{deal_id}")
           ).to_be_visible()
    screenshot(broker, "zh-CN-05-deal-board")

    # The contract, its signing, its registration and the full payment, on the deal page.
    broker.goto(f"/broker/deals/{deal_id}")
    contract = broker.get_by_test_id("contract-form")
    contract.locator("#name").fill("焊接机器人视觉纠偏技术开发合同")
    contract.locator("#amount").fill(CONTRACT_AMOUNT)
    pick_today(broker, "contract-form", "signed_on")
    broker.get_by_test_id("contract-submit").click()
    expect(broker.get_by_test_id("contract-amount")).to_contain_text("2,500,000.00")
    broker.get_by_test_id("stage-signed").click()
    # The registration form appears once the move has refetched the deal as signed.
    expect(broker.get_by_test_id("stage-signed")).to_have_count(0)

    registration_no = f"{today.year}35010000{deal_id:04d}"
    registration = broker.get_by_test_id("registration-form")
    registration.locator("#registration_no").fill(registration_no)
    pick_today(broker, "registration-form", "registered_on")
    registration.locator("#technology_amount").fill(CONTRACT_AMOUNT)
    broker.get_by_test_id("registration-submit").click()
    expect(broker.get_by_test_id("registration-form")).to_have_count(0)
    # What one broker declared is awaiting the parties: it counts nowhere yet.
    expect(broker.get_by_test_id("contract-evidence-status")).to_have_attribute(
        "data-status", "declared")

    # Both parties confirm the registered contract, following the badge on their workspace.
    confirm_from_workspace(firm, "firm", "contract")
    screenshot(firm, "zh-CN-06a-party-confirms-contract")
    confirm_from_workspace(institute, "institute", "contract")

    # The broker attaches the bank receipt and records the payment with its evidence.
    broker.reload()
    expect(broker.get_by_test_id("contract-evidence-status")).to_have_attribute(
        "data-status", "confirmed")
    broker.get_by_role("tab", name="附件").click()
    broker.locator("input[type=file]").set_input_files(
        {"name": "银行回单.pdf", "mimeType": "application/pdf", "buffer": PDF})
    expect(broker.get_by_role("cell", name="银行回单.pdf")).to_be_visible()
    broker.get_by_role("tab", name="到账").click()
    payment = broker.get_by_test_id("payment-form")
    payment.locator("#amount").fill(CONTRACT_AMOUNT)
    payment.locator("#bank_reference").fill("FJBANK-2026-000123")
    payment.locator("#invoice_reference").fill(f"增值税发票 合同登记号{registration_no}")
    payment.locator("#invoice_no").fill("35002611220012345678")
    payment.locator("#payer_account").fill(PAYER_ACCOUNT)
    payment.locator("#payee_account").fill(PAYEE_ACCOUNT)
    broker.get_by_test_id("payment-submit").click()
    expect(broker.get_by_test_id("payment-form")).to_have_count(0)

    # Both parties confirm the payment on the deal page.
    confirm_from_workspace(firm, "firm", "payment")
    confirm_from_workspace(institute, "institute", "payment")

    # An administrator uploads the registration office's export: the contract matches.
    admin = new_page()
    login(admin, "admin", ADMIN_PASSWORD, home="/admin")
    admin_api = Api(live_server.url, "admin", ADMIN_PASSWORD)
    try:
        export = registry_csv(admin_api, [deal_id])
    finally:
        admin_api.close()
    admin.goto("/admin/registry")
    admin.get_by_test_id("registry-upload-card").locator("input[type=file]").set_input_files(
        {"name": "技术合同登记数据.csv", "mimeType": "text/csv", "buffer": export})
    expect(admin.get_by_test_id("registry-result")).to_contain_text("1 份合同核对一致")
    screenshot(admin, "zh-CN-06b-admin-registry")

    # The broker records their own payee account; the administrator verifies it.
    broker.goto("/broker")
    payee = broker.get_by_test_id("payee-form")
    payee.locator("#holder_name").fill("王经纪")
    payee.locator("#bank_name").fill("中国工商银行福州分行")
    payee.locator("#account").fill("6222020200123456789")
    broker.get_by_test_id("payee-submit").click()
    expect(broker.get_by_test_id("payee-status")).to_have_attribute("data-status", "pending")
    admin.reload()
    admin.locator('[data-testid^="payee-verify-"]').first.click()
    expect(admin.locator('[data-testid^="payee-verify-"]')).to_have_count(0)

    broker.goto(f"/broker/deals/{deal_id}")
    expect(broker.get_by_test_id("received-amount")).to_contain_text("2,500,000.00")
    expect(broker.get_by_test_id("confirmed-received")).to_contain_text("2,500,000.00")
    expect(broker.get_by_test_id("registry-status")).to_have_attribute("data-status", "verified")
    expect(broker.get_by_test_id("start-claim")).to_be_visible()
    screenshot(broker, "zh-CN-06-deal-detail")

    # The broker claims: the preview and the claim show the policy's amount.
    broker.get_by_test_id("start-claim").click()
    expect(broker).to_have_url(re.compile(rf"/broker/claims/new\?deal={deal_id}$"))
    expect(broker.get_by_test_id("claim-amount")).to_contain_text(EXPECTED_REWARD)
    broker.get_by_test_id("claim-submit").click()
    broker.get_by_test_id("claim-submit-confirm").click()
    expect(broker).to_have_url(re.compile(r"/broker/claims/\d+$"))
    claim_id = int(broker.url.rsplit("/", 1)[1])
    assert yuan(broker.get_by_test_id("claim-amount").inner_text()) == EXPECTED_REWARD
    screenshot(broker, "zh-CN-07-claim-breakdown")

    # One administrator reviews and approves; the approver may not pay.
    admin.goto(f"/admin/claims/{claim_id}")
    expect(admin.get_by_test_id("claim-amount")).to_contain_text(EXPECTED_REWARD)
    admin.get_by_test_id("claim-start-review").click()
    expect(admin.get_by_test_id("claim-start-review")).to_have_count(0)
    screenshot(admin, "zh-CN-08-admin-claim-review")
    admin.get_by_test_id("claim-approve").click()
    admin.get_by_test_id("claim-approve-confirm").click()
    # The approver may not pay: the button says why instead of failing.
    expect(admin.get_by_test_id("claim-pay")).to_be_disabled()
    expect(admin.locator("[data-disabled-reason]")).to_have_attribute(
        "data-disabled-reason", re.compile("双人复核"))

    # A different administrator pays it (in English).
    admin2 = english(new_page("en-US"))
    login(admin2, "admin2", ADMIN_PASSWORD, home="/admin")
    admin2.goto(f"/admin/claims/{claim_id}")
    expect(admin2.get_by_test_id("claim-amount")).to_have_text(re.compile(r"¥30,000\.00"))
    admin2.get_by_test_id("claim-pay").click()
    admin2.get_by_test_id("claim-pay-form").locator("#reference").fill("GK-2026-0001")
    admin2.get_by_test_id("claim-pay-submit").click()
    admin2.get_by_test_id("claim-pay-confirm").click()
    expect(admin2.get_by_test_id("claim-pay")).to_have_count(0)
    expect(admin2.locator(".ant-tag", has_text=re.compile(r"^Paid$")).first).to_be_visible()
    screenshot(admin2, "en-US-09-admin-claim-paid")

    # The broker sees the paid claim with the same amount.
    broker.goto(f"/broker/claims/{claim_id}")
    expect(broker.get_by_text("GK-2026-0001")).to_be_visible()
    assert yuan(broker.get_by_test_id("claim-amount").inner_text()) == EXPECTED_REWARD
