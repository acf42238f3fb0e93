"""Journey 2: a related-party claim is caught, confirmed as fraud, clawed back, and its broker
barred.

rfirm and rinst share a legal representative. A broker takes a deal between them to
registered and paid (set up through the API: that part is journey 1), and claims. The
administrator sees the related_party flag and its evidence beside the claim, confirms fraud
with a reason in the browser; the claim shows the claw-back, the broker is on the dishonesty
list page, and the broker's next claim — even on an unrelated deal — is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from backend.core import clock
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.helpers import (
    ADMIN_PASSWORD,
    DEMO_PASSWORD,
    Api,
    confirm_everything,
    login,
    record_paid_evidence,
    registry_csv,
)

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

BROKER = ("broker2", "林晓雯")
AMOUNT = "800000.00"


@pytest.fixture
def apis(live_server: LiveServer) -> Iterator[dict[str, Api]]:
    users = {"broker": BROKER[0], "rfirm": "rfirm", "rinst": "rinst",
             "firm": "firm2", "inst": "inst2"}
    clients = {key: Api(live_server.url, name, DEMO_PASSWORD) for key, name in users.items()}
    clients["admin"] = Api(live_server.url, "admin", ADMIN_PASSWORD)
    yield clients
    for client in clients.values():
        client.close()


def paid_deal(apis: dict[str, Api], firm: str, inst: str, tag: str) -> int:
    """A deal between `firm` and `inst`, run by the broker up to registered and fully paid,
    confirmed by both parties and matched to the registration office's export."""
    fields = apis["broker"].get("/api/v1/fields")
    field_id = next(f["id"] for f in fields if f["code"] == "materials")
    today = clock.today().isoformat()
    demand = apis[firm].post("/api/v1/demands", {
        "title": f"高性能复合材料轻量化部件需求{tag}",
        "description": "需要碳纤维复合材料轻量化结构件的成型工艺。",
        "field_id": field_id, "budget_max": "1000000", "modes": ["licensing"], "region": "福州市",
        "publish": True})
    achievement = apis[inst].post("/api/v1/achievements", {
        "title": f"碳纤维复合材料快速成型工艺{tag}", "abstract": "碳纤维复合材料构件的快速模压成型工艺。",
        "field_id": field_id, "trl": 6, "stage": "pilot", "price": AMOUNT, "modes": ["licensing"],
        "team_lead": "王研究员", "region": "福州市", "publish": True})
    broker = apis["broker"]
    deal = broker.post("/api/v1/deals", {"demand_id": demand["id"], "achievement_id": achievement["id"]})
    apis[firm].post(f"/api/v1/deals/{deal['id']}/accept")
    apis[inst].post(f"/api/v1/deals/{deal['id']}/accept")
    broker.post(f"/api/v1/deals/{deal['id']}/transitions", {"to_stage": "negotiating"})
    deal = broker.get(f"/api/v1/deals/{deal['id']}")
    broker.call("PUT", f"/api/v1/deals/{deal['id']}/contract", json={
        "name": f"复合材料成型技术开发合同{tag}", "type": "development", "amount": AMOUNT,
        "signed_on": today, "buyer_org_id": deal["demand"]["organisation"]["id"],
        "seller_org_id": deal["achievement"]["organisation"]["id"]})
    broker.post(f"/api/v1/deals/{deal['id']}/transitions", {"to_stage": "signed"})
    registration_no = f"{clock.today().year}3501FR{deal['id']:06d}"
    broker.post(f"/api/v1/deals/{deal['id']}/contract/registration", {
        "registration_no": registration_no, "registered_on": today, "technology_amount": AMOUNT})
    record_paid_evidence(broker, deal["id"], AMOUNT, today, f"发票 {registration_no}", tag)
    for party in (firm, inst):
        confirm_everything(apis[party], deal["id"])
    apis["admin"].call("POST", "/api/v1/registry/imports", files={
        "file": ("登记数据.csv", registry_csv(apis["admin"], [deal["id"]]), "text/csv")})
    deal = broker.get(f"/api/v1/deals/{deal['id']}")
    assert (deal["stage"], deal["contract"]["evidence"]["status"],
            deal["contract"]["registry_status"]) == ("paid", "confirmed", "verified")
    return int(deal["id"])


def test_related_party_claim_is_clawed_back_and_broker_barred(new_page, apis) -> None:  # type: ignore[no-untyped-def]
    related_deal = paid_deal(apis, "rfirm", "rinst", "R")
    clean_deal = paid_deal(apis, "firm", "inst", "C")

    # The broker claims on the related-party deal in the browser.
    broker = new_page()
    login(broker, BROKER[0], home="/broker")
    broker.goto(f"/broker/claims/new?deal={related_deal}")
    expect(broker.get_by_test_id("claim-amount")).to_be_visible()
    broker.get_by_test_id("claim-submit").click()
    broker.get_by_test_id("claim-submit-confirm").click()
    expect(broker).to_have_url(re.compile(r"/broker/claims/\d+$"))
    claim_id = int(broker.url.rsplit("/", 1)[1])

    claim: dict[str, Any] = apis["admin"].get(f"/api/v1/claims/{claim_id}")
    flag = next(f for f in claim["flags"] or [] if f["rule"] == "related_party")

    # The administrator sees the flag and its evidence beside the claim, and confirms fraud.
    admin = new_page()
    login(admin, "admin", ADMIN_PASSWORD, home="/admin")
    admin.goto(f"/admin/claims/{claim_id}")
    card = admin.get_by_test_id("claim-flags").get_by_test_id("flag-related_party")
    expect(card).to_be_visible()
    expect(card.get_by_test_id("flag-evidence")).not_to_be_empty()
    screenshot(admin, "zh-CN-10-admin-claim-related-party-flag")
    card.get_by_test_id(f"flag-confirm-{flag['id']}").click()
    card.get_by_test_id(f"flag-confirm-form-{flag['id']}").locator("#reason").fill(
        "买卖双方法定代表人为同一人，属关联交易，经核实为虚假申报。")
    card.get_by_test_id(f"confirm-fraud-{flag['id']}").click()
    expect(card.get_by_test_id(f"flag-confirm-{flag['id']}")).to_have_count(0)

    # The claim shows the claw-back, in the UI and the API.
    expect(admin.get_by_text(re.compile("追回"))).not_to_have_count(0)
    screenshot(admin, "zh-CN-11-admin-claim-clawed-back")
    claim = apis["admin"].get(f"/api/v1/claims/{claim_id}")
    # Caught before payment (an open flag blocks approval): the whole reward is withdrawn,
    # nothing is left to recover from the broker.
    assert claim["status"] == "clawed_back"
    assert claim["claw_back"]["amount"] == claim["amount"] == "12000.00"
    assert claim["claw_back"]["status"] == "cancelled"
    assert claim["claw_back"]["to_recover"] == "0.00"

    # The broker is on the dishonesty list page.
    admin.goto("/admin/dishonesty-list")
    expect(admin.get_by_role("row").filter(has_text=BROKER[1]).first).to_be_visible()
    screenshot(admin, "zh-CN-12-dishonesty-list")

    # And can no longer claim, even on an unrelated deal.
    refused = apis["broker"].call("POST", "/api/v1/claims", expect_status=409,
                                  json={"deal_id": clean_deal})
    assert refused.json().get("reason") == "dishonesty_listed", refused.text
    broker.goto(f"/broker/claims/new?deal={clean_deal}")
    broker.get_by_test_id("claim-submit").click()
    broker.get_by_test_id("claim-submit-confirm").click()
    expect(broker.get_by_text(re.compile("失信"))).not_to_have_count(0)
    screenshot(broker, "zh-CN-13-broker-claim-refused")
    expect(broker).to_have_url(re.compile(r"/broker/claims/new"))
