"""Browser and API helpers shared by the end-to-end journeys."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from backend.core import clock

ADMIN_PASSWORD = "Admin12345"
DEMO_PASSWORD = "Demo12345"


def login(page: Page, username: str, password: str = DEMO_PASSWORD, *, home: str) -> None:
    """Sign in through the login page and wait for the role's home (e.g. "/firm")."""
    page.goto("/login")
    form = page.get_by_test_id("login-form")
    form.locator("#username").fill(username)
    form.locator("#password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(home)}(/.*)?$"))


def pick_field(page: Page, form_testid: str, name: str) -> None:
    """Choose a top-level field in the taxonomy tree-select by its displayed name."""
    page.get_by_test_id(form_testid).locator("#field_id").click()
    page.locator(f'.ant-select-tree-node-content-wrapper[title="{name}"]').first.click()


def pick_today(page: Page, form_testid: str, field: str) -> None:
    """Choose today in an antd DatePicker's calendar (typing + Enter would submit the form)."""
    open_panels = page.locator(".ant-picker-dropdown:not(.ant-picker-dropdown-hidden)")
    expect(open_panels).to_have_count(0)
    date_input = page.get_by_test_id(form_testid).locator(f"#{field}")
    date_input.click()
    open_panels.locator(".ant-picker-cell-today").click()
    expect(date_input).to_have_value(clock.today().isoformat())


def check_first_mode(page: Page, form_testid: str) -> None:
    page.get_by_test_id(form_testid).locator("#modes input[type=checkbox]").first.check()


def yuan(text: str) -> str:
    """The digits of a displayed amount ("30,000.00 元", "¥30,000.00") → "30,000.00"."""
    match = re.search(r"\d[\d,]*\.\d{2}", text)
    assert match, text
    return match.group(0)


class Api:
    """A signed-in API client, for setup steps that are not what a journey is about."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=30)
        token = self.client.post("/api/v1/auth/token",
                                 data={"username": username, "password": password})
        token.raise_for_status()
        self.client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def call(self, method: str, url: str, expect_status: int | None = None,
             **kwargs: Any) -> httpx.Response:
        response = self.client.request(method, url, **kwargs)
        if expect_status is None:
            assert response.is_success, f"{method} {url}: {response.status_code} {response.text}"
        else:
            assert response.status_code == expect_status, f"{method} {url}: {response.text}"
        return response

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.call("GET", url, **kwargs).json()

    def post(self, url: str, body: Any = None, **kwargs: Any) -> Any:
        response = self.call("POST", url, json=body, **kwargs)
        return response.json() if response.content else None

    def close(self) -> None:
        self.client.close()


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PAYER_ACCOUNT = "6222020200112233445"
PAYEE_ACCOUNT = "6222020200998877665"


def record_paid_evidence(broker: Api, deal_id: int, amount: str, paid_on: str,
                         invoice_reference: str, tag: str) -> None:
    """The broker attaches a bank receipt and records the payment with its evidence."""
    receipt = broker.call("POST", f"/api/v1/deals/{deal_id}/files",
                          files={"file": (f"银行回单{tag}.pdf", PDF, "application/pdf")}).json()
    broker.call("POST", f"/api/v1/deals/{deal_id}/payments", json={
        "paid_on": paid_on, "amount": amount, "bank_reference": f"FJBANK-{tag}",
        "invoice_reference": invoice_reference, "invoice_no": f"INV-{tag}",
        "payer_account": PAYER_ACCOUNT, "payee_account": PAYEE_ACCOUNT,
        "evidence_file_id": receipt["id"]})


def confirm_everything(party: Api, deal_id: int) -> None:
    """A party confirms what awaits it on the deal: the contract's version, each payment."""
    contract = party.get(f"/api/v1/deals/{deal_id}")["contract"]
    if contract["evidence"]["awaiting_me"]:
        party.post(f"/api/v1/deals/{deal_id}/contract/confirm",
                   {"version": contract["evidence"]["version"]})
    for payment in contract["payments"]:
        if payment["evidence"]["awaiting_me"]:
            party.post(f"/api/v1/deals/{deal_id}/payments/{payment['id']}/confirm",
                       {"version": payment["evidence"]["version"]})


def registry_csv(admin: Api, deal_ids: list[int]) -> bytes:
    """The registration office's export naming these deals' contracts as registered."""
    lines = ["登记号,买方统一社会信用代码,卖方统一社会信用代码,合同类型,成交金额,登记日期,状态"]
    for deal_id in deal_ids:
        contract = admin.get(f"/api/v1/deals/{deal_id}")["contract"]
        buyer = admin.get(f"/api/v1/organisations/{contract['buyer_org_id']}")["credit_code"]
        seller = admin.get(f"/api/v1/organisations/{contract['seller_org_id']}")["credit_code"]
        lines.append(f"{contract['registration_no']},{buyer},{seller},{contract['type']},"
                     f"{contract['amount']},{contract['registered_on']},有效")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def payee_verified(broker: Api, admin: Api, holder: str) -> None:
    """The broker's own bank account, recorded and verified (rewards are paid to it)."""
    me = broker.get("/api/v1/auth/me")
    broker.call("PUT", "/api/v1/payee-accounts/mine", json={
        "holder_name": holder, "bank_name": "中国工商银行福州分行",
        "account": f"62220202{me['id']:011d}"})
    admin.post(f"/api/v1/payee-accounts/{me['id']}/verification", {"status": "verified"})
