"""docker-compose.yml declares the production services, with health checks, and passes only
settings that exist (no Docker engine runs here, so the file is checked by parsing it)."""

from __future__ import annotations

from pathlib import Path

import yaml

from backend.config import PROJECT_ROOT, Settings

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICE_ONLY_VARS = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"}
# Read by prometheus_client itself, not by Settings.
LIBRARY_VARS = {"PROMETHEUS_MULTIPROC_DIR"}


def _app_env(service: dict[str, object]) -> set[str]:
    env = service.get("environment", {})
    assert isinstance(env, dict)
    return set(env)


def test_services_and_health_checks() -> None:
    services = COMPOSE["services"]
    assert {"postgres", "redis", "api", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "api", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert "--workers" in services["api"]["command"]
    assert COMPOSE["volumes"].keys() >= {"postgres-data", "redis-data", "techbroker-var"}


def test_every_setting_passed_to_the_app_exists() -> None:
    known = {name.upper() for name in Settings.model_fields} | LIBRARY_VARS
    for name in ("api", "worker", "beat", "migrate"):
        passed = _app_env(COMPOSE["services"][name])
        assert passed, name
        assert passed <= known, passed - known


def test_example_env_names_only_real_settings() -> None:
    known = {name.upper() for name in Settings.model_fields} | SERVICE_ONLY_VARS
    names = {line.split("=", 1)[0] for line in
             Path(PROJECT_ROOT / ".env.example").read_text().splitlines()
             if line and not line.startswith("#")}
    assert names <= known, names - known


def test_the_api_workers_share_an_empty_metrics_directory() -> None:
    """Several uvicorn workers: without a shared directory /metrics shows one worker's counts."""
    api = COMPOSE["services"]["api"]
    directory = api["environment"]["PROMETHEUS_MULTIPROC_DIR"]
    assert directory in api["tmpfs"]
    assert api["environment"].keys() >= COMPOSE["x-app"]["environment"].keys()


def _dockerfile_stages() -> dict[str, list[str]]:
    """Each stage's instructions (continuation lines joined), by stage name ("" for the last)."""
    text = (PROJECT_ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    stages: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("FROM "):
            words = line.split()
            current = stages.setdefault(words[3] if len(words) > 3 else "", [])
        if line and not line.startswith("#"):
            current.append(line)
    return stages


def test_the_image_installs_the_wheel_the_installed_package_test_runs() -> None:
    """The Dockerfile builds the wheel from what tests/core/test_installed_package.py builds it
    from, installs it, and copies nothing else of the checkout but the built UI."""
    from tests.core.test_installed_package import DOCKER_COPIES

    stages = _dockerfile_stages()
    copied = {word.rstrip("/") for line in stages["wheel"] if line.startswith("COPY ")
              for word in line.split()[1:-1]}
    assert copied == set(DOCKER_COPIES)
    assert "RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels ." in stages["wheel"]
    final = stages[""]
    assert any("pip install" in line and "/wheels/techbroker-*.whl" in line
               for line in final)
    env = next(line for line in final if line.startswith("ENV "))
    ui = next(word.split("=", 1)[1] for word in env.split() if word.startswith("FRONTEND_DIST="))
    assert f"COPY --from=frontend /src/frontend/dist {ui}" in final
    assert [line for line in final if line.startswith("COPY ") and "--from=" not in line] == [
        "COPY constraints.txt /wheels/constraints.txt"]
    assert COMPOSE["services"]["migrate"]["command"] == ["techbroker", "migrate"]


def test_the_api_and_the_worker_share_the_index_directory() -> None:
    """The worker publishes index versions that every API process loads: one volume."""
    for name in ("api", "worker"):
        service = COMPOSE["services"][name]
        directory = service["environment"]["INDEX_DIR"]
        assert f"techbroker-index:{directory}" in service["volumes"], name
    assert "techbroker-index" in COMPOSE["volumes"]
