"""Journey: the capital chain (资金链). An institute asks for money for its achievement in the
UI and publishes it; investor1 finds it in its feed (narrowed by instrument); an administrator
creates a roadshow in Beijing time and invites the request (by title) and the investor (by
name); the institute consents; the investor registers, and once the roadshow is held records
its follow-up, marks interest and records a term sheet; the institute confirms it, and the
public market page counts the confirmed money. What each sees in the browser is asserted at
each step, on a phone (390 px) as well where the page is a form or a list."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.helpers import ADMIN_PASSWORD, DEMO_PASSWORD, Api, login, pick_field, pick_today

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TITLE = "海洋防腐涂层中试线融资"
THEME = "海洋新材料专场路演"
INVESTOR = "海峡科创投资基金有限公司"


@dataclass(frozen=True)
class Setting:
    achievement: str
    field_name: str


@pytest.fixture(scope="module")
def setting(live_server: LiveServer) -> Iterator[Setting]:
    institute = Api(live_server.url, "inst1", DEMO_PASSWORD)
    investor = Api(live_server.url, "investor1", DEMO_PASSWORD)
    fields = institute.get("/api/v1/fields")
    top = next(f for f in fields if f["children"])
    achievement = institute.post("/api/v1/achievements", {
        "title": "石墨烯改性海洋防腐涂层", "abstract": "石墨烯改性环氧涂层，盐雾试验 3000 小时无起泡。",
        "field_id": top["children"][0]["id"], "keywords": ["防腐涂层"], "trl": 5,
        "stage": "pilot", "ip_items": [], "price": "600000", "negotiable": True,
        "modes": ["licensing"], "team_lead": "陈教授", "region": "福州市", "publish": True})
    # The investor's mandate (its editor is looked at below): every top-level field.
    investor.call("PUT", "/api/v1/investors/me/mandate", json={
        "investor_kind": "venture_fund", "description": "新材料与海洋经济早中期项目。",
        "field_ids": [f["id"] for f in fields], "trl_min": 1, "trl_max": 9,
        "ticket_min": "100000.00", "ticket_max": "50000000.00", "regions": [], "instruments": []},
        expect_status=200)
    yield Setting(achievement["title"], top["name_zh"])
    for api in (institute, investor):
        api.close()


def _choose(page: Page, scope: str, option: str) -> None:
    """Open an antd select inside `scope` (a test id), type, and pick the option by text."""
    box = page.get_by_test_id(scope) if scope else page
    box.locator(".ant-select-selector").first.click()
    page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option",
                 has_text=option).first.click()


def test_a_financing_request_from_the_editor_to_a_confirmed_term_sheet(  # type: ignore[no-untyped-def]
        new_page, live_server: LiveServer, setting: Setting) -> None:
    admin_api = Api(live_server.url, "admin", ADMIN_PASSWORD)

    # 1. The institute asks for money for its achievement and publishes it.
    inst = new_page()
    login(inst, "inst1", home="/institute")
    inst.goto("/institute/financing")
    inst.get_by_test_id("financing-new").click()
    expect(inst).to_have_url(re.compile(r"/institute/financing/new$"))
    form = inst.get_by_test_id("financing-form")
    form.locator("#achievement_id").click()
    inst.locator(".ant-select-item-option", has_text=setting.achievement).first.click()
    form.locator("#title").fill(TITLE)
    form.locator("#summary").fill("成果已完成小试，建设中试线验证量产工艺。")
    pick_field(inst, "financing-form", setting.field_name)
    form.locator("#region").fill("福建省福州市")
    form.locator("#amount").fill("3000000")
    form.locator("#trl_current").fill("5")
    form.locator("#trl_target").fill("3")
    form.locator("#use_of_funds").fill("中试设备采购与工艺验证。")
    inst.get_by_test_id("financing-publish").click()
    expect(form.get_by_text("当前技术成熟度不能高于目标技术成熟度")).to_be_visible()
    form.locator("#trl_target").fill("7")
    inst.set_viewport_size({"width": 390, "height": 844})
    screenshot(inst, "capital-editor-390")
    inst.set_viewport_size({"width": 1440, "height": 900})
    inst.get_by_test_id("financing-publish").click()
    expect(inst).to_have_url(re.compile(r"/institute/financing/\d+$"))
    request_id = int(inst.url.rsplit("/", 1)[1])
    expect(inst.get_by_text("已发布").first).to_be_visible()
    expect(inst.get_by_text("300 万元").first).to_be_visible()

    # 2. investor1 finds it in its feed, narrowed to equity, and opens it.
    inv = new_page()
    login(inv, "investor1", home="/investor")
    inv.goto("/investor/feed")
    expect(inv.get_by_test_id(f"feed-{request_id}")).to_have_text(TITLE)
    _choose(inv, "feed-instrument", "科技贷款")
    expect(inv.get_by_test_id(f"feed-{request_id}")).to_have_count(0)
    inv.get_by_test_id("feed-instrument").hover()
    inv.get_by_test_id("feed-instrument").locator(".ant-select-clear").click()
    expect(inv.get_by_test_id(f"feed-{request_id}")).to_be_visible()
    inv.set_viewport_size({"width": 390, "height": 844})
    screenshot(inv, "capital-feed-390")
    inv.set_viewport_size({"width": 1440, "height": 900})
    inv.goto("/investor/mandate")
    expect(inv.get_by_test_id("mandate-form")).to_be_visible()
    expect(inv.get_by_text("创业投资基金")).to_be_visible()
    inv.get_by_test_id("mandate-form").locator("#description").fill("新材料、海洋经济与智能装备早中期项目。")
    inv.get_by_test_id("mandate-save").click()
    expect(inv.get_by_text("已保存")).to_be_visible()

    # 3. An administrator creates a roadshow in Beijing time and invites both.
    admin = new_page()
    login(admin, "admin", ADMIN_PASSWORD, home="/admin")
    admin.goto("/admin/roadshows")
    admin.get_by_test_id("roadshow-new").click()
    rform = admin.get_by_test_id("roadshow-form")
    rform.locator("#theme").fill(THEME)
    pick_today(admin, "roadshow-form", "date")
    rform.locator("#time").fill("14:30")
    rform.locator("#place").fill("福州市科技大厦路演厅")
    admin.get_by_test_id("roadshow-save").click()
    expect(admin).to_have_url(re.compile(r"/admin/roadshows$"))
    roadshow_id = next(r["id"] for r in admin_api.get("/api/v1/roadshows") if r["theme"] == THEME)
    card = admin.get_by_test_id(f"roadshow-{roadshow_id}")
    expect(card.get_by_text(re.compile(r"14:30 （北京时间）"))).to_be_visible()
    card.get_by_test_id(f"invite-request-{roadshow_id}").locator("input").fill("防腐")
    admin.locator(".ant-select-item-option", has_text=TITLE).first.click()
    card.get_by_test_id(f"invite-request-go-{roadshow_id}").click()
    expect(card.get_by_text("待答复")).to_be_visible()
    card.get_by_test_id(f"invite-investor-{roadshow_id}").locator("input").fill("海峡")
    admin.locator(".ant-select-item-option", has_text=INVESTOR).first.click()
    card.get_by_test_id(f"invite-investor-go-{roadshow_id}").click()
    expect(card.get_by_text(f"{INVESTOR} · 未报名")).to_be_visible()

    # 4. The institute consents; 5. the investor registers and sees the project.
    inst.goto("/institute/roadshows")
    inst.get_by_test_id(f"consent-{roadshow_id}-{request_id}").click()
    expect(inst.get_by_test_id(f"roadshow-{roadshow_id}").get_by_text("已同意路演")).to_be_visible()
    inv.goto("/investor/roadshows")
    inv.get_by_test_id(f"register-{roadshow_id}").click()
    expect(inv.get_by_test_id(f"roadshow-{roadshow_id}").get_by_text(TITLE)).to_be_visible()

    # 6. The administrator marks it held; the investor records its follow-up.
    admin.reload()
    expect(card.get_by_text(f"{INVESTOR} · 已报名")).to_be_visible()
    card.get_by_test_id(f"roadshow-hold-{roadshow_id}").click()
    admin.get_by_test_id(f"roadshow-hold-ok-{roadshow_id}").click()
    expect(card.get_by_text("已举行")).to_be_visible()
    inv.reload()
    _choose(inv, f"roadshow-{roadshow_id}", "约见中")
    expect(inv.get_by_test_id(f"roadshow-{roadshow_id}").locator(
        ".ant-select-selection-item", has_text="约见中")).to_be_visible()

    # 7. The investor marks interest and records a term sheet of 2,500,000 yuan.
    inv.goto(f"/investor/requests/{request_id}")
    inv.get_by_test_id("mark-interest").click()
    inv.get_by_test_id("outcome-amount").fill("2500000")
    inv.get_by_test_id("record-term-sheet").click()
    expect(inv.get_by_text("待融资方确认")).to_be_visible()

    # 8. The institute confirms it; the investor sees it confirmed.
    inst.goto(f"/institute/financing/{request_id}")
    interest_id = admin_api.get(f"/api/v1/financing-requests/{request_id}/interests")[0]["id"]
    inst.get_by_test_id(f"confirm-{interest_id}").click()
    expect(inst.get_by_text("融资方已确认")).to_be_visible()
    inv.reload()
    expect(inv.get_by_text("融资方已确认")).to_be_visible()
    screenshot(inst, "capital-request-owner-1440")

    # 9. The public market page counts the confirmed money.
    visitor = new_page()
    visitor.goto("/")
    totals = visitor.get_by_test_id("capital-totals")
    expect(totals.get_by_text("250 万元")).to_be_visible()

    kinds = {n["kind"] for n in Api(live_server.url, "investor1", DEMO_PASSWORD).get(
        "/api/v1/notifications")["items"]}
    assert {"financing.fits_mandate", "roadshow.investor_invited",
            "financing.outcome_confirmed"} <= kinds
    admin_api.close()
