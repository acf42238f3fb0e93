"""End-to-end tests: the real backend (uvicorn, fresh SQLite database, the built UI) driven
by Debian's headless Chromium through Playwright. No browser is downloaded: Playwright
launches /usr/bin/chromium. Screenshots of the key pages go to var/screenshots/.

CI (TECHBROKER_REQUIRE_SERVICES=1) fails when Chromium or the built UI is missing; a
developer machine without them skips.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("E2E_FRONTEND_DIST", ROOT / "frontend" / "dist"))
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# CI runs these beside the other half of the suite on two cores: a page can take seconds to
# answer. The same deadline for actions (set per context below) and for assertions.
TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)


def _missing(reason: str) -> None:
    if os.environ.get("TECHBROKER_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class LiveServer:
    url: str
    var: Path

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)  # polling for start-up with a deadline, not a timing assertion
    raise RuntimeError(f"the server did not come up:\n{log.read_text()[-4000:]}")


@contextmanager
def serve(var: Path, seed: list[str]) -> Iterator[LiveServer]:
    """Migrate a fresh SQLite database in `var`, run the seed command (arguments to python),
    serve the API and the built UI on a free port until the block ends."""
    if not (DIST / "index.html").is_file():
        _missing("the UI is not built (make frontend)")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")}
    env.update(VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{var / 'e2e.db'}",
               MATCHING_ENCODER="hash", ENVIRONMENT="test", FRONTEND_DIST=str(DIST),
               INDEX_POLL_SECONDS="0.5")  # the background index loader, as in production
    subprocess.run([sys.executable, "-m", "backend.cli", "migrate"], env=env, check=True,
                   cwd=ROOT, capture_output=True)
    subprocess.run([sys.executable, *seed], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    port = _free_port()
    log = var / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "serve", "--port", str(port)],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc, log)
        yield LiveServer(url, var)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo accounts without listings (tests/e2e/seed.py): each journey makes its own."""
    with serve(tmp_path_factory.mktemp("e2e-var"), ["-m", "tests.e2e.seed"]) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        _missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def new_page(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    """A fresh browser context (its own storage: one user) per call, in Chinese by default.

    What went wrong on the way (API answers ≥ 400, console errors, the server log's tail) is
    printed at teardown: pytest shows it beside a failure, so a CI failure explains itself."""
    contexts = []
    events: list[str] = []

    def make(locale: str = "zh-CN"):  # type: ignore[no-untyped-def]
        # In Beijing time, as the platform's users are: the date pickers' "today" is then the
        # server's, whatever the time of day on the UTC machine running the test. With reduced
        # motion, which the app honours, nothing animates: a click never meets a picker panel
        # still opening or closing.
        ctx = browser.new_context(base_url=live_server.url, locale=locale,
                                  timezone_id="Asia/Shanghai", reduced_motion="reduce",
                                  viewport={"width": 1440, "height": 900})
        ctx.set_default_timeout(TIMEOUT_MS)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("response", lambda r: r.status >= 400 and events.append(
            f"{time.strftime('%H:%M:%S')} {r.status} {r.request.method} {r.url}"))
        page.on("console", lambda m: m.type == "error" and events.append(
            f"{time.strftime('%H:%M:%S')} console: {m.text}"))
        return page

    yield make
    for ctx in contexts:
        ctx.close()
    print("browser events:", *events, sep="\n  ")
    print("server log (tail):", (live_server.var / "server.log").read_text(errors="replace")[-6000:])


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
