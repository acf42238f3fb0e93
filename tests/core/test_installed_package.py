"""The installed package runs on its own, as the Dockerfile runs it.

The wheel is built from what the Dockerfile copies (pyproject.toml, README.md, backend/,
matching/) and installed into a fresh virtual environment outside the checkout; from an
empty working directory, `techbroker migrate`, `seed-demo` and `serve` then run against a new
PostgreSQL database, and the server answers /readyz, /api/openapi.json and the web UI at /.

The new environment borrows the shared one's third-party packages (torch and the rest) through
a `.pth` line naming its site-packages — a plain path, so the `.pth` files in it, among them
the editable install's pointing at the checkout, are not run: `backend` is the wheel's.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from backend.config import PROJECT_ROOT
from tests.conftest import drop_postgres_database, fresh_postgres_database, postgres_reachable

pytestmark = pytest.mark.postgres
T = TypeVar("T")
DOCKER_COPIES = ("pyproject.toml", "README.md", "backend", "matching")  # as in the Dockerfile
STAND_IN_INDEX = "<!doctype html><title>techbroker</title><div id=root>stand-in UI</div>"


def run(argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build_and_install(tmp: Path) -> Path:
    """The wheel, in a new virtual environment; returns the environment's directory."""
    source = tmp / "source"
    source.mkdir()
    for name in DOCKER_COPIES:
        path = PROJECT_ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, source / name)
    wheels = tmp / "wheels"
    # Without build isolation: setuptools comes from the shared environment, not the network.
    ok(run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
            "--no-cache-dir", "--quiet", "--wheel-dir", str(wheels), str(source)]))
    (wheel,) = wheels.glob("techbroker-*.whl")
    venv = tmp / "venv"
    ok(run([sys.executable, "-m", "venv", "--without-pip", str(venv)]))
    python = venv / "bin" / "python"
    site = Path(ok(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                                           "['purelib'])"])).strip())
    (site / "shared-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    ok(run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
            "--no-index", "--quiet", str(wheel)]))
    return venv


def stand_in_ui(tmp: Path) -> Path:
    """The built UI if there is one, else a stand-in with an index and an asset."""
    built = PROJECT_ROOT / "frontend" / "dist"
    if (built / "index.html").is_file():
        return built
    dist = tmp / "ui"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(STAND_IN_INDEX, encoding="utf-8")
    (dist / "assets" / "app.js").write_text("console.log('techbroker');\n", encoding="utf-8")
    return dist


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def until(condition: Callable[[], T | None], what: str, log: Path, seconds: float = 60) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)  # polling with a deadline, not a timing assertion
    raise AssertionError(f"{what}; server log:\n{log.read_text(errors='replace')[-3000:]}")


def test_the_installed_wheel_migrates_seeds_and_serves_from_an_empty_directory(
        tmp_path: Path) -> None:
    if not postgres_reachable():
        pytest.skip("PostgreSQL is not reachable")
    venv = build_and_install(tmp_path)
    bin_dir = venv / "bin"
    workdir = tmp_path / "empty"
    workdir.mkdir()
    name = f"techbroker_wheel_{os.getpid()}"
    url = fresh_postgres_database(name)
    dist = stand_in_ui(tmp_path)
    # Only what a deployment sets: no PYTHONPATH, no checkout anywhere on the path.
    production = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8",
                  "ENVIRONMENT": "production", "SECRET_KEY": secrets.token_urlsafe(48),
                  "DATABASE_URL": url, "VAR_DIR": str(tmp_path / "var"),
                  "FRONTEND_DIST": str(dist), "MATCHING_ENCODER": "hash", "HF_HUB_OFFLINE": "1"}
    development = {k: v for k, v in production.items() if k != "SECRET_KEY"} | {
        "ENVIRONMENT": "development"}
    techbroker = str(bin_dir / "techbroker")
    server: subprocess.Popen[bytes] | None = None
    try:
        where = ok(run([str(bin_dir / "python"), "-c",
                        "import backend, matching; print(backend.__file__); "
                        "print(matching.__file__)"], env=production, cwd=workdir))
        assert all(Path(line).is_relative_to(venv) for line in where.split()), where
        no_scripts = run([str(bin_dir / "python"), "-c", "import scripts"], env=production,
                         cwd=workdir)
        assert no_scripts.returncode == 1
        assert "No module named 'scripts'" in no_scripts.stderr

        assert "database is at the newest revision" in ok(
            run([techbroker, "migrate"], env=production, cwd=workdir))
        refused = run([techbroker, "seed-demo"], env=production, cwd=workdir)
        assert refused.returncode == 2
        assert "Refusing to load the demo market in production" in refused.stderr
        seeded = ok(run([techbroker, "seed-demo"], env=development, cwd=workdir, timeout=300))
        assert "firm1" in seeded

        port = free_port()
        log = tmp_path / "serve.log"
        with log.open("wb") as out:
            server = subprocess.Popen([techbroker, "serve", "--host", "127.0.0.1", "--port",
                                       str(port)], env=production, cwd=workdir, stdout=out,
                                      stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"

        def ready() -> httpx.Response | None:
            assert server is not None and server.poll() is None, log.read_text()
            try:
                r = httpx.get(f"{base}/readyz", timeout=5)
            except httpx.TransportError:
                return None
            return r

        r = until(ready, "the server never answered /readyz", log)
        assert r.status_code == 200, r.text
        r = httpx.get(f"{base}/api/openapi.json", timeout=10)
        assert r.status_code == 200
        assert r.json()["info"]["title"] == "techbroker 技术经纪服务平台"
        r = httpx.get(f"{base}/", timeout=10)
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/html")
        assert r.text == (dist / "index.html").read_text(encoding="utf-8")
        asset = next((dist / "assets").glob("*.js"))
        r = httpx.get(f"{base}/assets/{asset.name}", timeout=10)
        assert r.status_code == 200
        assert r.content == asset.read_bytes()

        # The real server reads X-Forwarded-For from TRUSTED_PROXIES only (none here): a new
        # address in the header on every guess does not escape the lock-out.
        codes = [httpx.post(f"{base}/api/v1/auth/token",
                            data={"username": "firm1", "password": "wrong-1"},
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}, timeout=30).status_code
                 for i in range(1, 6)]
        assert codes == [401, 401, 401, 401, 429]
        r = httpx.post(f"{base}/api/v1/auth/token",
                       data={"username": "inst1", "password": "Demo12345"}, timeout=30)
        assert r.status_code == 200, r.text
        assert list(workdir.iterdir()) == []  # nothing defaulted to the working directory
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        drop_postgres_database(name)
