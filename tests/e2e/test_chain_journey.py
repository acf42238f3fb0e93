"""Journey: the industry-chain map (产业链图谱). The administrator loads the Wenzhou pumps-and-
valves chain and runs the automatic placement over a firm's demand and an institute's
achievement; a signed-in firm then sees the chain graph with its nodes coloured and their
figures, and on a phone (390 px) the list of nodes instead; the public is asked to log in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from backend.demo.chain_data import chain_document
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.helpers import ADMIN_PASSWORD, DEMO_PASSWORD, Api, login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def chain(live_server: LiveServer) -> Iterator[int]:
    admin = Api(live_server.url, "admin", ADMIN_PASSWORD)
    firm = Api(live_server.url, "firm1", DEMO_PASSWORD)
    institute = Api(live_server.url, "inst2", DEMO_PASSWORD)
    fields = {c["code"]: c["id"] for f in firm.get("/api/v1/fields") for c in f["children"]}
    firm.post("/api/v1/demands", {
        "title": "化工泵高温机械密封", "description": "化工流程泵机械密封频繁泄漏，寻求高参数机械密封方案。",
        "field_id": fields["materials.ceramics"], "keywords": ["机械密封"], "modes": ["development"],
        "region": "温州市", "visibility": "public", "anonymous": False, "publish": True})
    institute.post("/api/v1/achievements", {
        "title": "高效永磁同步电机设计", "abstract": "IE5 能效永磁同步电机电磁设计与变频控制。",
        "field_id": fields["environment.efficiency"], "keywords": ["永磁电机"], "trl": 6,
        "stage": "pilot", "ip_items": [], "price": "800000", "negotiable": True,
        "modes": ["licensing"], "team_lead": "刘教授", "region": "温州市", "publish": True})
    created = admin.post("/api/v1/chains", chain_document())
    placed = admin.post(f"/api/v1/chains/{created['id']}/placements/auto")
    assert placed["placed"] >= 2, placed
    yield created["id"]
    for api in (admin, firm, institute):
        api.close()


def test_the_chain_graph_renders_with_data(new_page, chain: int) -> None:  # type: ignore[no-untyped-def]
    page: Page = new_page()
    login(page, "firm1", home="/firm")
    page.goto("/chains")
    expect(page.get_by_text("温州泵阀产业链 · 第 1 版")).to_be_visible()
    graph = page.get_by_test_id("chain-graph")
    expect(graph.locator("canvas").first).to_be_visible()
    expect(page.get_by_test_id("chain-gaps")).to_be_visible()
    screenshot(page, "chains-graph-1440")
    # on a phone the graph falls back to a list of nodes with their figures
    page.set_viewport_size({"width": 390, "height": 844})
    nodes = page.get_by_test_id("chain-node-list")
    expect(nodes.get_by_text("机械密封", exact=True)).to_be_visible()
    expect(nodes.get_by_text("卡脖子").first).to_be_visible()
    expect(nodes.get_by_text("本地需求: 1").first).to_be_visible()
    screenshot(page, "chains-list-390")


def test_the_public_is_asked_to_log_in(new_page, chain: int) -> None:  # type: ignore[no-untyped-def]
    page: Page = new_page()
    page.goto("/chains")
    expect(page.get_by_role("link", name="登录")).to_be_visible()
