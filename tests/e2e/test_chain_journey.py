"""Journey: the industry-chain map (产业链图谱). The administrator loads the Wenzhou pumps-and-
valves chain and runs the automatic placement over a firm's demand and an institute's
achievement; a signed-in firm then sees the chain graph with its nodes coloured and their
figures, and on a phone (390 px) the list of nodes instead; the public is asked to log in.
In the editor the administrator's cycle is refused with the cycle named node by node, then a
node and an edge are added and saved as version 2, seen in the version history beside
version 1; the quarterly report downloads as a PDF; on the demand's page the administrator
places it on a node by hand and removes that placement."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from backend.demo.chain_data import chain_document
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.helpers import ADMIN_PASSWORD, DEMO_PASSWORD, Api, login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
IDS: dict[str, int] = {}


@pytest.fixture(scope="module")
def chain(live_server: LiveServer) -> Iterator[int]:
    admin = Api(live_server.url, "admin", ADMIN_PASSWORD)
    firm = Api(live_server.url, "firm1", DEMO_PASSWORD)
    institute = Api(live_server.url, "inst2", DEMO_PASSWORD)
    fields = {c["code"]: c["id"] for f in firm.get("/api/v1/fields") for c in f["children"]}
    IDS["demand"] = firm.post("/api/v1/demands", {
        "title": "化工泵高温机械密封", "description": "化工流程泵机械密封频繁泄漏，寻求高参数机械密封方案。",
        "field_id": fields["materials.ceramics"], "keywords": ["机械密封"], "modes": ["development"],
        "region": "温州市", "visibility": "public", "anonymous": False, "publish": True})["id"]
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


def _choose(page: Page, select_testid: str, name: str) -> None:
    """Pick an option of an antd select by its shown name (typed first: the list is virtual)."""
    page.get_by_test_id(select_testid).click()
    if page.get_by_test_id(select_testid).locator("input[type=search]").count():
        page.keyboard.type(name)
    page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option"
                 ).filter(has_text=name).first.click()


def test_the_administrator_edits_the_chain_and_downloads_the_report(  # type: ignore[no-untyped-def]
        new_page, chain: int) -> None:
    page: Page = new_page()
    login(page, "admin", ADMIN_PASSWORD, home="/admin")
    page.goto(f"/admin/chains/{chain}")
    expect(page.get_by_text("温州泵阀产业链 · 第 1 版")).to_be_visible()
    edges = page.get_by_test_id("chain-editor-edges")
    count = len(chain_document()["edges"])
    # a cycle: the 422's problems in words, the cycle named node by node; nothing saved
    page.get_by_test_id("chain-add-edge").click()
    _choose(page, f"edge-{count}-source", "工业阀门")
    _choose(page, f"edge-{count}-target", "阀体铸锻件")
    page.get_by_test_id("chain-save").click()
    problems = page.get_by_test_id("chain-problems")
    expect(problems).to_contain_text("阀体铸锻件 → 工业阀门 → 阀体铸锻件")
    expect(problems).not_to_contain_text("castings")
    screenshot(page, "chains-editor-cycle-1440")
    edges.get_by_role("button", name="删除关系").last.click()
    # a new node and an edge to it: version 2
    nodes = len(chain_document()["nodes"])
    page.get_by_test_id("chain-add-node").click()
    page.get_by_test_id(f"node-{nodes}-name-zh").fill("阀门密封检测")
    page.get_by_test_id(f"node-{nodes}-name-en").fill("Valve seal testing")
    _choose(page, f"node-{nodes}-stage", "服务")
    page.get_by_test_id(f"node-{nodes}-fields").click()
    page.keyboard.type("传感")
    page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option"
                 ).first.click()
    page.keyboard.press("Escape")
    page.get_by_test_id("chain-add-edge").click()
    _choose(page, f"edge-{count}-source", "工业阀门")
    _choose(page, f"edge-{count}-target", "阀门密封检测")
    page.get_by_label("本次修改说明").fill("新增阀门密封检测节点")
    page.get_by_test_id("chain-save").click()
    expect(page.get_by_text("温州泵阀产业链 · 第 2 版")).to_be_visible()
    versions = page.get_by_test_id("chain-versions")
    expect(versions.get_by_text("新增阀门密封检测节点")).to_be_visible()
    expect(versions.get_by_text("第 1 版")).to_be_visible()
    versions.get_by_role("button", name="查看").last.click()
    old = page.get_by_test_id("chain-version-view")
    expect(old.get_by_text(f"节点（{nodes}）")).to_be_visible()
    page.keyboard.press("Escape")
    screenshot(page, "chains-editor-1440")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("chain-save")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "chains-editor-390")
    page.set_viewport_size({"width": 1440, "height": 900})

    # the quarterly report as a PDF, in words
    page.goto("/chains")
    report = page.get_by_test_id("chain-report")
    with page.expect_download() as info:
        report.get_by_test_id("report-pdf").click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "阀门密封检测" in text and "卡脖子" in text
    with page.expect_download() as info:
        report.get_by_test_id("report-xlsx").click()
    assert Path(info.value.path()).read_bytes().startswith(b"PK")

    # the demand's page: where it sits; placed on a node by hand, then removed
    page.goto(f"/listings/demands/{IDS['demand']}")
    card = page.get_by_test_id("listing-chains")
    expect(card.get_by_text("机械密封", exact=True)).to_be_visible()
    expect(card.get_by_text("自动挂接").first).to_be_visible()
    _choose(page, "place-chain", "温州泵阀产业链")
    _choose(page, "place-node", "检测认证")
    card.get_by_test_id("place-submit").click()
    expect(card.get_by_text("检测认证", exact=True)).to_be_visible()
    expect(card.get_by_text("手动挂接")).to_be_visible()
    screenshot(page, "chains-listing-placement-1440")
    card.get_by_role("button", name="取消挂接").click()
    page.locator(".ant-popconfirm").get_by_role("button", name="取消挂接").click()
    expect(card.get_by_text("手动挂接")).to_have_count(0)

