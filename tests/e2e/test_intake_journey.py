"""Journey 3: a need found with the firm (需求挖掘), every step in the browser.

A firm picks a broker from the public directory and asks for help; the broker accepts, logs a
visit, drafts a demand with a confidential dossier and submits it; the firm edits the draft
and approves it, which publishes it as the firm's demand; an institute asks to see the dossier,
the firm grants it, and the institute reads it only after accepting the firm's
non-disclosure terms.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import check_first_mode, login, pick_field, pick_today

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

BROKER = ("broker1", "陈思远")
SECRET = "保密工艺：焊丝直径1.2毫米，保护气体配比Ar82%+CO2 18%，年用量两万件"
TITLE = "焊装车间焊缝跟踪精度提升需求"
EDITED_TITLE = "焊装车间焊缝跟踪精度提升至0.2毫米"


def confirm(page: Page) -> None:
    """Press the OK button of the open confirmation pop-over."""
    page.locator(".ant-popover:not(.ant-popover-hidden)").get_by_role(
        "button", name=re.compile(r"确\s*认")).click()


def ask_for_help(firm: Page) -> int:
    login(firm, "firm1", home="/firm")
    firm.goto("/brokers")
    firm.get_by_role("link", name=BROKER[1]).click()
    expect(firm.get_by_text("已登记项目").first).to_be_visible()
    screenshot(firm, "zh-CN-20-broker-profile")
    firm.get_by_test_id("ask-this-broker").click()
    expect(firm).to_have_url(re.compile(r"/firm/help\?broker=\d+$"))
    firm.get_by_test_id("help-description").fill(
        "焊装车间返修率高，说不清需要什么技术，希望经纪人上门看看。")
    firm.get_by_test_id("help-submit").click()
    row = firm.locator("tr").filter(has_text="等待经纪人接受").first
    expect(row).to_be_visible()
    return int(row.get_by_role("link").first.inner_text().lstrip("#"))


def broker_accepts_visits_and_drafts(broker: Page, request_id: int) -> int:
    login(broker, BROKER[0], home="/broker")
    broker.goto("/broker/help")
    broker.get_by_test_id(f"help-accept-{request_id}").click()
    confirm(broker)
    broker.goto(f"/broker/help/{request_id}")
    expect(broker.get_by_text("福州智造装备有限公司")).to_be_visible()

    form = broker.get_by_test_id("visit-form")
    pick_today(broker, "visit-form", "visited_on")
    broker.get_by_test_id("visit-attendees").fill("生产总监、焊接工艺主管")
    broker.get_by_test_id("visit-findings").fill("焊缝跟踪偏差大，返修率约12%，夹具重复定位误差明显。")
    form.get_by_test_id("visit-submit").click()
    expect(broker.get_by_text("焊缝跟踪偏差大，返修率约12%", exact=False)).to_be_visible()
    screenshot(broker, "zh-CN-21-visit-log")

    broker.get_by_test_id("draft-new").click()
    demand = broker.get_by_test_id("demand-form")
    demand.locator("#title").fill(TITLE)
    demand.locator("#description").fill(
        "焊装车间六轴机器人焊缝跟踪偏差较大，需要视觉纠偏方案，将偏差控制在0.2毫米以内。")
    pick_field(broker, "demand-form", "智能装备")
    check_first_mode(broker, "demand-form")
    demand.locator("#region").fill("福州市")
    broker.get_by_test_id("demand-save").click()
    expect(broker).to_have_url(re.compile(r"/broker/drafts/\d+$"))
    draft_id = int(broker.url.rsplit("/", 1)[1])

    broker.get_by_test_id("dossier-details").fill(SECRET)
    broker.get_by_test_id("dossier-save").click()
    expect(broker.get_by_text("保密资料已保存")).to_be_visible()
    broker.get_by_test_id("draft-submit").click()
    confirm(broker)
    expect(broker.get_by_text("待企业审定").first).to_be_visible()
    return draft_id


def firm_edits_and_approves(firm: Page, draft_id: int) -> int:
    firm.goto(f"/firm/drafts/{draft_id}")
    form = firm.get_by_test_id("demand-form")
    expect(form.locator("#title")).to_have_value(TITLE)
    form.locator("#title").fill(EDITED_TITLE)
    firm.get_by_test_id("demand-save").click()
    expect(firm.get_by_text("已保存").first).to_be_visible()
    screenshot(firm, "zh-CN-22-draft-approval")
    firm.get_by_test_id("draft-approve").click()
    confirm(firm)
    expect(firm).to_have_url(re.compile(r"/firm/demands/\d+$"))
    return int(firm.url.rsplit("/", 1)[1])


def test_a_need_found_with_the_firm_published_and_its_dossier_shared(new_page) -> None:  # type: ignore[no-untyped-def]
    firm = new_page()
    request_id = ask_for_help(firm)
    broker = new_page()
    draft_id = broker_accepts_visits_and_drafts(broker, request_id)

    firm.goto(f"/firm/help/{request_id}")
    expect(firm.get_by_text(BROKER[1]).first).to_be_visible()  # the firm sees who
    demand_id = firm_edits_and_approves(firm, draft_id)

    # An institute sees the published demand, and that it has a dossier, not its content.
    institute = new_page()
    login(institute, "inst1", home="/institute")
    institute.goto(f"/listings/demands/{demand_id}")
    expect(institute.get_by_role("heading", name=EDITED_TITLE)).to_be_visible()
    panel = institute.get_by_test_id("dossier-panel")
    expect(panel).to_be_visible()
    expect(institute.get_by_text(SECRET)).to_have_count(0)
    panel.get_by_test_id("dossier-request").click()
    expect(panel.get_by_text("已申请，等待需求方授权。")).to_be_visible()

    # The firm grants it.
    firm.goto("/firm/dossiers")
    firm.get_by_role("link", name=EDITED_TITLE).click()
    expect(firm).to_have_url(re.compile(r"/firm/dossiers/\d+$"))
    firm.locator("[data-testid^=access-grant-]").first.click()
    confirm(firm)
    expect(firm.get_by_text("已授权").first).to_be_visible()
    screenshot(firm, "zh-CN-23-dossier-access")

    # Granted, the institute still reads nothing until it accepts the terms.
    institute.reload()
    expect(institute.get_by_text(SECRET)).to_have_count(0)
    institute.get_by_test_id("terms-read").click()
    expect(institute.get_by_test_id("terms-text")).to_contain_text("保密协议")
    institute.get_by_test_id("terms-accept").click()
    expect(institute.get_by_test_id("dossier-content")).to_have_text(SECRET)
    screenshot(institute, "zh-CN-24-dossier-read")

    # Its read is in the firm's view log.
    firm.reload()
    expect(firm.get_by_text("保密资料正文").first).to_be_visible()

    # On a phone, the firm's help page keeps to the screen's width.
    firm.set_viewport_size({"width": 390, "height": 844})
    firm.goto(f"/firm/help/{request_id}")
    expect(firm.get_by_text("焊缝跟踪偏差大，返修率约12%", exact=False)).to_be_visible()
    screenshot(firm, "zh-CN-25-help-request-390")
