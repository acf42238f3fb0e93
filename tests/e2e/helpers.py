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
