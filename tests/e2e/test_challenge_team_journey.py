"""Journey: a joint team answers a challenge (揭榜挂帅), and a milestone's evidence files.

A firm publishes a challenge; an institute leads a proposal in the browser, names a second
institute as its joint team's member by typing its name, and attaches a file. The member's user
is prompted on the workspace, reads the proposal on its invitations page and agrees; the lead's
editor then shows the answer. After the award the lead, now the winner, uploads an evidence
file with the evidence text; the issuer opens the milestone on the tracker, sees the file and
downloads it. Screenshots at 390 px and on the desktop.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from backend.core import clock
from tests.builders.challenges import challenge_body
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.helpers import DEMO_PASSWORD, PDF, Api, login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

TITLE = "海水淡化膜抗污染技术联合攻关"
PHONE = {"width": 390, "height": 844}


def _shots(page: Page, name: str) -> None:
    """The same screen on the desktop and at 390 px wide (a phone)."""
    screenshot(page, f"zh-CN-46-{name}")
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    screenshot(page, f"zh-CN-46-{name}-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    if desktop is not None:
        page.set_viewport_size(desktop)


def test_a_joint_team_is_invited_and_a_milestone_evidence_file_is_seen(  # type: ignore[no-untyped-def]
        new_page, live_server: LiveServer, tmp_path) -> None:
    firm_api = Api(live_server.url, "firm1", DEMO_PASSWORD)
    lead_api = Api(live_server.url, "inst1", DEMO_PASSWORD)
    member_api = Api(live_server.url, "inst2", DEMO_PASSWORD)
    member_name = str(member_api.get("/api/v1/auth/me")["organisation"]["name"])
    deadline = clock.today() + timedelta(days=20)
    body = challenge_body(prize="600000.00", deadline=deadline, title=TITLE)
    challenge_id = firm_api.post("/api/v1/challenges", body)["id"]
    firm_api.post(f"/api/v1/challenges/{challenge_id}/transitions", {"to_status": "published"})
    # The lead's proposal itself is typed in the first journey; here it starts from the API.
    first = body["milestones"][0]
    proposal = lead_api.post(f"/api/v1/challenges/{challenge_id}/proposals", {
        "approach": "抗污染涂层与错流清洗工艺。", "team": "膜材料课题组",
        "indicators": body["indicators"],
        "plan": [{"title": "中试", "due_on": first["due_on"], "amount": "500000.00"}],
        "budget": "500000.00", "ip_arrangement": "新成果归发榜方。"})

    # The lead names the member by typing part of its name, and attaches a file.
    lead = new_page()
    login(lead, "inst1", home="/institute")
    lead.goto(f"/challenges/{challenge_id}/proposal")
    picker = lead.get_by_role("combobox", name="联合体成员单位")
    picker.click()
    picker.press_sequentially(member_name[:4])
    lead.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden)").get_by_text(
        member_name).click()
    lead.get_by_test_id("proposal-submit").click()
    expect(lead.get_by_text("方案已更新")).to_be_visible()
    consents = lead.get_by_test_id("member-consents")
    expect(consents).to_contain_text(member_name)
    expect(consents).to_contain_text("待确认")
    plan = tmp_path / "技术方案.pdf"
    plan.write_bytes(PDF)
    lead.get_by_test_id("proposal-files").locator("input[type=file]").set_input_files(plan)
    expect(lead.get_by_test_id("proposal-files")).to_contain_text("技术方案.pdf")

    # The member's user is prompted on the workspace, reads the proposal and agrees.
    member = new_page()
    login(member, "inst2", home="/institute")
    member.get_by_test_id("pending-invitations").get_by_role("link").click()
    invitation = member.get_by_test_id(f"invitation-{proposal['id']}")
    expect(invitation).to_contain_text(TITLE)
    expect(invitation).to_contain_text("抗污染涂层与错流清洗工艺。")
    _shots(member, "challenge-invitation")
    invitation.get_by_test_id(f"invitation-accept-{proposal['id']}").click()
    expect(invitation).to_contain_text("已同意加入")
    lead.reload()
    expect(lead.get_by_test_id("member-consents")).to_contain_text("已同意加入")
    _shots(lead, "challenge-proposal-team")

    # The issuer awards the proposal and starts delivery (the first journey does it on screen).
    for to in ("closed", "under_review"):
        firm_api.post(f"/api/v1/challenges/{challenge_id}/transitions", {"to_status": to})
    firm_api.post(f"/api/v1/challenges/{challenge_id}/selection", {
        "awards": [{"proposal_id": proposal["id"], "amount": "600000.00", "reason": "方案最优"}]})
    firm_api.post(f"/api/v1/challenges/{challenge_id}/transitions", {"to_status": "in_delivery"})

    # The winner uploads an evidence file with the evidence text.
    milestone_id = lead_api.get(f"/api/v1/challenges/{challenge_id}/milestones")[0]["id"]
    lead.goto(f"/challenges/{challenge_id}")
    lead.get_by_test_id(f"milestone-evidence-{milestone_id}").click()
    dialog = lead.get_by_role("dialog")
    report = tmp_path / "第三方检测报告.pdf"
    report.write_bytes(PDF)
    dialog.get_by_test_id("evidence-files").locator("input[type=file]").set_input_files(report)
    expect(dialog.get_by_test_id("evidence-files")).to_contain_text("第三方检测报告.pdf")
    dialog.get_by_test_id("evidence-text").fill("第三方检测：通量衰减12%，达标。")
    dialog.get_by_test_id("evidence-ok").click()
    expect(lead.get_by_role("dialog")).to_have_count(0)
    expect(lead.get_by_text("待验收").first).to_be_visible()

    # The issuer opens the milestone, sees the evidence and its file, and downloads it.
    firm = new_page()
    login(firm, "firm1", home="/firm")
    firm.goto(f"/challenges/{challenge_id}")
    firm.locator(".ant-table-row-expand-icon").first.click()
    details = firm.get_by_test_id(f"milestone-details-{milestone_id}")
    expect(details).to_contain_text("第三方检测：通量衰减12%，达标。")
    files = details.get_by_test_id(f"milestone-files-{milestone_id}")
    expect(files).to_contain_text("第三方检测报告.pdf")
    with firm.expect_download() as download:
        files.locator(f"[data-testid^='milestone-files-{milestone_id}-download-']").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert proposal["lead_org_name"]  # the issuer sees who proposed, by name
    expect(firm.get_by_test_id("issuer-proposals")).to_contain_text(proposal["lead_org_name"])
    _shots(firm, "challenge-milestone-evidence-issuer")
    for api in (firm_api, lead_api, member_api):
        api.close()
