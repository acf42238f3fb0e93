"""Journey 5: a broker's work as it starts in the browser, and a private demand given its broker.

A firm publishes a public demand and a private (不公开) one; an institute publishes an
achievement fitting the first. A broker finds the demand by searching the listings, opens it
and claims its match there (not from the feed); on the deal page they invite a colleague by
name, never by number, and propose the shares. The colleague sees the invitation on the bell,
opens it and lands on the deal, where they accept. The private demand is invisible to the
broker until an administrator, on the listing moderation page, assigns the broker by name;
then the broker sees it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.helpers import ADMIN_PASSWORD, DEMO_PASSWORD, Api, login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

DEMAND = "海水淡化反渗透膜抗污染改性需求"
ACHIEVEMENT = "抗污染反渗透复合膜界面聚合改性技术"
PRIVATE = "高盐废水蒸发结晶零排放工艺需求"
LEAD, COLLEAGUE = ("broker1", "陈思远"), ("broker2", "林晓雯")


@pytest.fixture(scope="module")
def listings(live_server: LiveServer) -> Iterator[dict[str, int]]:
    firm = Api(live_server.url, "firm4", DEMO_PASSWORD)
    institute = Api(live_server.url, "inst4", DEMO_PASSWORD)
    fields = firm.get("/api/v1/fields")
    field_id = next(f["id"] for f in fields if f["code"] == "materials")
    common = {"field_id": field_id, "budget_max": "800000", "modes": ["licensing"],
              "region": "厦门市", "publish": True}
    demand = firm.post("/api/v1/demands", {
        **common, "title": DEMAND,
        "description": "反渗透膜在海水淡化中污染快、通量衰减，需要抗污染的膜材料改性方案。"})
    private = firm.post("/api/v1/demands", {
        **common, "title": PRIVATE, "visibility": "private",
        "description": "高盐废水需要蒸发结晶实现零排放，不希望公开工艺细节。"})
    institute.post("/api/v1/achievements", {
        "title": ACHIEVEMENT, "field_id": field_id, "trl": 6, "stage": "pilot",
        "abstract": "界面聚合改性的反渗透复合膜，抗污染，海水淡化通量衰减减少一半。",
        "price": "600000", "modes": ["licensing"], "team_lead": "郑研究员", "region": "厦门市",
        "publish": True})
    yield {"demand": demand["id"], "private": private["id"]}
    firm.close()
    institute.close()


def pick_broker(page: Page, scope, name: str) -> None:  # type: ignore[no-untyped-def]
    """Type a broker's name into a broker picker within `scope` and choose them."""
    scope.get_by_test_id("broker-picker").click()
    page.keyboard.type(name)
    page.locator(".ant-select-item-option").filter(has_text=name).first.click()


def test_a_broker_claims_from_a_search_invites_by_name_and_a_private_demand_gets_its_broker(
        new_page, listings) -> None:  # type: ignore[no-untyped-def]
    broker = new_page()
    login(broker, LEAD[0], home="/broker")

    # The broker searches the listings, opens the demand and claims its match there.
    broker.goto("/listings")
    broker.locator("#search-demands_q").fill("反渗透膜")
    broker.locator("#search-demands_q").press("Enter")
    found = broker.get_by_test_id("demand-item").filter(has_text=DEMAND)
    expect(found).to_be_visible()
    screenshot(broker, "zh-CN-30-broker-search")
    found.get_by_role("link", name=DEMAND).click()
    expect(broker).to_have_url(re.compile(rf"/listings/demands/{listings['demand']}$"))
    match = broker.get_by_test_id("match-item").filter(has_text=ACHIEVEMENT)
    expect(match).to_be_visible()
    match.get_by_test_id("claim-button").click()
    broker.get_by_test_id("claim-confirm").click()  # claiming asks first
    expect(broker).to_have_url(re.compile(r"/broker/deals/\d+$"))
    deal_id = int(broker.url.rsplit("/", 1)[1])

    # A colleague is invited by name, with the shares proposed beside it.
    broker.get_by_role("tab", name="经纪人与份额").click()
    broker.get_by_role("button", name="邀请协作经纪人").click()
    invite = broker.get_by_test_id("invite-form")
    pick_broker(broker, invite, COLLEAGUE[1])
    invite.get_by_label(f"{LEAD[1]} 的份额").fill("70")
    invite.get_by_label(f"{COLLEAGUE[1]} 的份额").fill("30")
    invite.get_by_role("button", name="邀请协作经纪人").click()
    expect(broker.get_by_text("邀请已发出")).to_be_visible()
    screenshot(broker, "zh-CN-31-invited-by-name")

    # The colleague reads the invitation from the bell, which leads to the deal.
    colleague = new_page()
    login(colleague, COLLEAGUE[0], home="/broker")
    bell = colleague.get_by_test_id("notification-bell")
    expect(bell).to_have_attribute("aria-label", re.compile(r"\d"))  # an unread count
    bell.click()
    newest = colleague.get_by_test_id(re.compile(r"^notification-\d+$")).first
    expect(newest).to_be_visible()
    screenshot(colleague, "zh-CN-32-bell")
    newest.click()
    expect(colleague).to_have_url(re.compile(rf"/broker/deals/{deal_id}$"))
    colleague.get_by_role("tab", name="经纪人与份额").click()
    expect(colleague.get_by_role("alert").filter(has_text=LEAD[1])).to_be_visible()  # the inviter by name
    colleague.get_by_test_id("accept-invitation").click()
    expect(colleague.get_by_test_id("accept-invitation")).to_have_count(0)

    # The private demand: nobody but administrators sees it until a broker is assigned.
    private_url = f"/listings/demands/{listings['private']}"
    broker.goto(private_url)
    expect(broker.get_by_text(PRIVATE)).to_have_count(0)
    admin = new_page()
    login(admin, "admin", ADMIN_PASSWORD, home="/admin")
    admin.goto("/admin/listings")
    admin.get_by_role("searchbox", name="搜索").fill(PRIVATE)
    admin.get_by_role("searchbox", name="搜索").press("Enter")
    row = admin.locator("tr").filter(has_text=PRIVATE)
    expect(row).to_be_visible()
    pick_broker(admin, row, LEAD[1])
    expect(row.get_by_text(LEAD[1], exact=True)).to_be_visible()  # an assigned broker's tag
    expect(row.get_by_test_id("broker-picker")).not_to_contain_text(LEAD[1])  # ready for another
    screenshot(admin, "zh-CN-33-private-demand-assigned")
    broker.goto(private_url)
    expect(broker.get_by_role("heading", name=PRIVATE)).to_be_visible()
