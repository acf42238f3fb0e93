"""Settings that fail fast in production, and defaults that point at no checkout."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from backend.config import EXAMPLE_SECRET_KEY, PROJECT_ROOT, Settings

PG = "postgresql+psycopg://u@h/db"


def test_the_example_secret_key_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match=r"SECRET_KEY is the example value from \.env\.example"):
        Settings(environment="production", database_url=PG, secret_key=EXAMPLE_SECRET_KEY)
    good = "k" * 32
    assert Settings(environment="production", database_url=PG, secret_key=good).secret_key == good


def test_the_refused_example_is_the_one_in_env_example() -> None:
    lines = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    assert [line.split("=", 1)[1] for line in lines if line.startswith("SECRET_KEY=")] == [
        EXAMPLE_SECRET_KEY]


def test_production_still_needs_a_long_secret() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY must be set in production"):
        Settings(environment="production", database_url=PG)
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(environment="production", database_url=PG, secret_key="short")


def test_paths_default_to_the_working_directory(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed, the package lives in site-packages: nothing may default to a path beside it."""
    monkeypatch.delenv("VAR_DIR", raising=False)
    monkeypatch.delenv("FRONTEND_DIST", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = Settings(secret_key="k" * 32)
    assert settings.var_dir == tmp_path / "var"
    assert settings.frontend_dist == tmp_path / "frontend" / "dist"
    assert settings.database_url == f"sqlite:///{tmp_path / 'var' / 'techbroker.db'}"
    monkeypatch.setenv("FRONTEND_DIST", "ui")
    assert Settings(secret_key="k" * 32).frontend_dist == tmp_path / "ui"
