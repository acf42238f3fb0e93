"""Every page of the SPA, for every role, on a desktop and on a phone.

The demo market (`techbroker seed-demo`: listings, deals, claims with integrity flags,
notifications) is served on its own; each role signs in once and walks every route of its
section (src/app/routeList.json, kept equal to the router by a Vitest test) with real ids,
at 1440×900 and at 390×844. A page fails on:

- horizontal overflow: the document wider than the viewport;
- a raw code in the visible text (`related_party`, `claim.pay`, …): words joined by an
  underscore or a dot, outside URLs, e-mail addresses and what users typed (marked
  `data-user-text`);
- text over text: a text area's character count over its field's help or error text;
- a console error or an uncaught exception;
- a request that failed (an answer ≥ 400 or no answer).

Screenshots of each page go to var/screenshots/pages/ (kept as CI artefacts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import ROOT, SCREENSHOTS, TIMEOUT_MS, LiveServer, serve
from tests.e2e.helpers import ADMIN_PASSWORD, DEMO_PASSWORD, Api, login

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

ROUTES: dict[str, Any] = json.loads(
    (ROOT / "frontend" / "src" / "app" / "routeList.json").read_text(encoding="utf-8"))
SHOTS = SCREENSHOTS / "pages"
SIZES = (("desktop", 1440, 900), ("phone", 390, 844))
# Demo users who are party to deals (firm2 and inst1 share one; each has unread notifications).
ACCOUNTS = {"firm": ("firm2", DEMO_PASSWORD), "institute": ("inst1", DEMO_PASSWORD),
            "broker": ("broker1", DEMO_PASSWORD), "admin": ("admin", ADMIN_PASSWORD),
            "expert": ("expert1", DEMO_PASSWORD), "investor": ("investor1", DEMO_PASSWORD)}

# Public routes behind a role guard (the challenge editors): the visitor is sent to sign in, so
# they are walked by the roles that may open them instead.
GUARDED: dict[str, tuple[str, ...]] = {
    "/challenges/new": ("firm", "admin"),
    "/challenges/:challengeId": ("firm", "institute"),
    "/challenges/:challengeId/edit": ("admin",),  # the demo's open one: "only drafts" is shown
    "/challenges/:challengeId/proposal": ("institute",),  # inst1's proposal to the open one
}
VISITOR_SKIPS = set(GUARDED) - {"/challenges/:challengeId"}

RAW_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b[a-z]+(?:\.[a-z_]+)+\b")
NOT_CODE = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+\.(?:csv|xlsx|png|pdf)\b"
                      r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|cn|net|org|edu|gov)\b")  # domain names

# Counts the API calls in flight, so a page is read once it has settled.
TRACK_FETCH = """
(() => {
  window.__inflight = 0;
  const fetch = window.fetch.bind(window);
  window.fetch = (...args) => {
    window.__inflight += 1;
    return fetch(...args).finally(() => { window.__inflight -= 1; });
  };
})();
"""
SETTLED = """
() => window.__inflight === 0
  && document.querySelector('.ant-spin-spinning, .ant-skeleton-active') === null
"""
# The visible text nodes and placeholders, without what users typed.
VISIBLE_TEXT = """
() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element || !node.textContent.trim()) continue;
    if (element.closest('script, style, noscript, [data-user-text]')) continue;
    if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    out.push(node.textContent.trim());
  }
  for (const input of document.querySelectorAll('[placeholder]')) {
    if (input.checkVisibility() && !input.closest('[data-user-text]')) out.push(input.placeholder);
  }
  return out;
}
"""


# A text area's character count drawn over its field's help or error text.
OVERLAPS = """
() => {
  const out = [];
  for (const count of document.querySelectorAll('.ant-input-data-count')) {
    const item = count.closest('.ant-form-item');
    const a = count.getBoundingClientRect();
    for (const help of item ? item.querySelectorAll('.ant-form-item-extra, .ant-form-item-explain') : []) {
      const b = help.getBoundingClientRect();
      const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
      if (a.width && b.width && !apart) {
        out.push(count.textContent);
      }
    }
  }
  return out;
}
"""


@dataclass
class Walk:
    """What one signed-in browser saw."""

    page: Page
    role: str
    problems: list[str] = field(default_factory=list)
    current: str = "(start)"

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.role} {self.current}: {text}")


@pytest.fixture(scope="module")
def demo_market(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with serve(tmp_path_factory.mktemp("e2e-demo"), ["-m", "backend.cli", "seed-demo"]) as server:
        yield server


def _first_id(api: Api, url: str) -> int:
    items = api.get(url)["items"]
    assert items, f"the demo market has nothing at {url}"
    return int(items[0]["id"])


def _ids(server: LiveServer, role: str | None) -> dict[str, int]:
    """Real ids for the routes' parameters, as this role may see them."""
    if role is None:
        with server.api() as anonymous:
            ids = {kind: int(anonymous.get(f"/api/v1/{path}?page_size=1").json()["items"][0]["id"])
                   for kind, path in (("demandId", "demands"), ("achievementId", "achievements"))}
            ids["brokerId"] = int(anonymous.get("/api/v1/broker-directory?page_size=1")
                                  .json()["items"][0]["broker_id"])
            ids["challengeId"] = _open_challenge(anonymous.get(
                "/api/v1/challenges?status=published").json())
            return ids
    api = Api(server.url, *ACCOUNTS[role])
    try:
        ids: dict[str, int] = {}
        if role in ("firm", "institute", "admin"):  # the demo's open challenge
            ids["challengeId"] = _open_challenge(api.get("/api/v1/challenges?status=published"))
        if role == "firm":
            ids["demandId"] = _first_id(api, "/api/v1/demands?mine=true&page_size=1")
        if role == "institute":
            ids["achievementId"] = _first_id(api, "/api/v1/achievements?mine=true&page_size=1")
        if role == "expert":  # no deals; the demo's review seat it accepted
            ids["assignmentId"] = int(api.get("/api/v1/review-assignments")[0]["id"])
            return ids
        if role in ("firm", "institute", "investor"):  # the demo's financing requests
            ids["financingId"] = _first_id(api, "/api/v1/financing-requests?page_size=1")
        if role == "investor":  # no deals
            return ids
        ids["dealId"] = _first_id(api, "/api/v1/deals?page_size=1")
        if role == "broker":
            ids["claimId"] = _first_id(api, "/api/v1/claims?page_size=1")
        if role == "admin":  # the demo's roadshow, for its edit page
            ids["roadshowId"] = int(api.get("/api/v1/roadshows")[0]["id"])
        if role == "admin":  # a claim with an integrity flag, so its evidence is on the page
            ids["claimId"] = int(api.get("/api/v1/integrity/flags?page_size=1")["items"][0]["claim_id"])
            ids["chainId"] = int(api.get("/api/v1/chains")[0]["id"])  # the demo's 温州泵阀 chain
        # Intake pages: the demo's first help request, draft and dossier this role may see
        # (a role with none skips those pages: see `_walkable`).
        if role in ("firm", "broker", "admin"):
            for kind, url in (("requestId", "/api/v1/help-requests?page_size=1"),
                              ("draftId", "/api/v1/demand-drafts?page_size=1")):
                items = api.get(url)["items"]
                if items:
                    ids[kind] = int(items[0]["id"])
        if role == "firm" and (dossiers := api.get("/api/v1/dossiers")):
            ids["dossierId"] = int(dossiers[0]["id"])
        return ids
    finally:
        api.close()


def _open_challenge(page: dict[str, Any]) -> int:
    assert page["items"], "the demo market has no open challenge"
    return int(page["items"][0]["id"])


def _walkable(path: str, ids: dict[str, int]) -> bool:
    """Whether the demo gives this role an id for each of the path's parameters."""
    return all(name in ids for name in re.findall(r":(\w+)", path))


def _concrete(path: str, ids: dict[str, int]) -> str:
    if path == "/*":
        return "/no-such-page"
    return re.sub(r":(\w+)", lambda m: str(ids[m.group(1)]), path)


def _watch(walk: Walk) -> None:
    page = walk.page
    page.on("console", lambda m: m.type == "error" and walk.problem(f"console error: {m.text}"))
    page.on("pageerror", lambda e: walk.problem(f"uncaught: {e}"))
    page.on("response", lambda r: r.status >= 400 and walk.problem(
        f"{r.status} {r.request.method} {r.url}"))
    page.on("requestfailed", lambda r: "ERR_ABORTED" not in (r.failure or "") and walk.problem(
        f"failed {r.method} {r.url}: {r.failure}"))


def _settle(page: Page, path: str) -> None:
    page.wait_for_function("p => window.location.pathname === p", arg=path.split("?")[0])
    # Two frames: React has committed and its effects have started their queries.
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _visit(walk: Walk, path: str, *, first: bool) -> None:
    """Open a route: the first by loading the app, the others as the app's own links do."""
    walk.current = path
    if first:
        walk.page.goto(path)
    else:
        walk.page.evaluate("p => { window.history.pushState({}, '', p); "
                           "window.dispatchEvent(new PopStateEvent('popstate')); }", path)
    _settle(walk.page, path)


def _check(walk: Walk, size: str, width: int) -> None:
    page = walk.page
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        walk.problem(f"{size}: the page is {scroll_width} px wide in a {width} px window")
    codes = sorted({m.group(0) for text in page.evaluate(VISIBLE_TEXT)
                    for m in RAW_CODE.finditer(NOT_CODE.sub(" ", text))})
    if codes:
        walk.problem(f"{size}: raw codes on screen: {', '.join(codes)}")
    overlaps = page.evaluate(OVERLAPS)
    if overlaps:
        walk.problem(f"{size}: a character count over help text: {overlaps}")
    slug = re.sub(r"[^a-z0-9]+", "-", walk.current.lower()).strip("-") or "home"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{walk.role}-{size}-{slug}.png"), full_page=True)


def _walk(browser: Browser, server: LiveServer, role: str | None) -> list[str]:
    who = role or "visitor"
    ids = _ids(server, role)
    paths = ([p for p in ROUTES["public"] if p not in VISITOR_SKIPS] if role is None
             else ROUTES["roles"][role] + [p for p, roles in GUARDED.items() if role in roles])
    paths = [p for p in paths if _walkable(p, ids)]
    context = browser.new_context(base_url=server.url, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", reduced_motion="reduce",
                                  viewport={"width": 1440, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(TRACK_FETCH)
    walk = Walk(context.new_page(), who)
    _watch(walk)
    try:
        if role is not None:
            username, password = ACCOUNTS[role]
            login(walk.page, username, password, home=f"/{role}")
        for size, width, height in SIZES:
            walk.page.set_viewport_size({"width": width, "height": height})
            for index, path in enumerate(paths):
                _visit(walk, _concrete(path, ids), first=index == 0)
                _check(walk, size, width)
    finally:
        context.close()
    return walk.problems


@pytest.mark.parametrize("role", [None, "firm", "institute", "broker", "admin", "expert", "investor"],
                         ids=["visitor", "firm", "institute", "broker", "admin", "expert", "investor"])
def test_every_page_fits_speaks_and_works(browser: Browser, demo_market: LiveServer,
                                          role: str | None) -> None:
    problems = _walk(browser, demo_market, role)
    assert problems == [], "\n".join(problems)


def _new_page(browser: Browser, server: LiveServer, width: int, height: int) -> Page:
    context = browser.new_context(base_url=server.url, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", reduced_motion="reduce",
                                  viewport={"width": width, "height": height})
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def test_registration_errors_show_below_the_sticky_header(browser: Browser,
                                                         demo_market: LiveServer) -> None:
    """On a phone, a refused registration scrolls its first problem into view, not under
    the header."""
    page = _new_page(browser, demo_market, 390, 844)
    try:
        page.goto("/register")
        page.get_by_test_id("register-submit").click()
        first = page.locator(".ant-form-item-has-error").first
        expect(first).to_be_visible()
        header = page.locator(".ant-layout-header").bounding_box()
        box = first.bounding_box()
        assert header is not None and box is not None
        assert header["y"] + header["height"] <= box["y"] < 844, (header, box)
    finally:
        page.context.close()


def test_the_bell_counts_unread_notifications_and_marks_them_read(
        browser: Browser, demo_market: LiveServer) -> None:
    """The demo firm has unread notifications (about its deals and its help requests): the
    bell counts them, lists the latest twenty in words (no codes), leads to the deal, and
    marks them read."""
    with httpx.Client(base_url=demo_market.url, timeout=30) as http:
        token = http.post("/api/v1/auth/token", data=dict(zip(
            ("username", "password"), ACCOUNTS["firm"], strict=True))).json()["access_token"]
        listed = http.get("/api/v1/notifications", params={"page_size": 20},
                          headers={"Authorization": f"Bearer {token}"}).json()
    assert listed["unread"] >= 6
    page = _new_page(browser, demo_market, 390, 844)
    try:
        login(page, *ACCOUNTS["firm"], home="/firm")
        bell = page.get_by_test_id("notification-bell")
        expect(bell).to_have_accessible_name(f"通知（{listed['unread']} 条未读）")
        bell.click()
        items = page.locator("[data-testid^='notification-']:not([data-testid^='notification-bell'])")
        expect(items).to_have_count(len(listed["items"]))
        about_a_deal = items.filter(has_text=re.compile(r"撮合项目 #\d+")).first
        expect(about_a_deal).to_be_visible()
        assert not RAW_CODE.search(page.locator(".ant-drawer-body").inner_text())
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "firm-phone-notifications.png"))
        page.get_by_test_id("notifications-read-all").click()
        expect(bell).to_have_accessible_name("通知")
        about_a_deal.click()
        expect(page).to_have_url(re.compile(r"/firm/deals/\d+$"))
    finally:
        page.context.close()


def test_route_list_names_existing_screens() -> None:
    """The walker's list is the app's (the Vitest test compares it with the router)."""
    assert ROUTES["public"][0] == "/"
    assert set(ROUTES["roles"]) == set(ACCOUNTS)
    assert Path(ROOT / "frontend" / "src" / "app" / "routeList.json").is_file()
