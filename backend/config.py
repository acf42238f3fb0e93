"""Settings: embedded defaults that need no set-up, overridable by environment or `.env`."""

from __future__ import annotations

import secrets
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""
    celery_broker_url: str = ""
    celery_result_backend: str = ""
    # The queue the API sends tasks to and workers consume (deployments sharing one Redis use
    # one queue each), and how long an unacknowledged task waits before Redis hands it to
    # another worker (its worker died mid-task): longer than the longest task (1 hour).
    celery_queue: str = Field(default="techbroker", min_length=1, max_length=64,
                              pattern=r"^[A-Za-z0-9_.-]+$")
    celery_visibility_timeout: int = Field(default=3900, ge=1)
    secret_key: str = ""
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    cors_origins: list[str] = Field(default_factory=list)
    max_upload_mb: int = Field(default=20, ge=1, le=500)
    # Requests inside one API process at once (the rest queue, first come first served): keep
    # it below the thread pool's 40 threads and the 30 pooled database connections
    # (core/middleware.py says why). 0 chooses 8 on PostgreSQL, 4 on SQLite.
    # PostgreSQL: each request inside holds a connection, so API workers × this (+ the Celery
    # workers) must stay under the server's max_connections (100 by default); at 24, four
    # workers under the load test (100 users) opened more and were refused ("too many
    # clients"), while the two cores gain nothing from more than a few requests per process.
    # SQLite takes its one write lock at BEGIN for every transaction and a waiter polls for it
    # with growing sleeps, so admitting more only makes requests queue unfairly: at 24 the load
    # test saw p99 5–7 s and worst cases of 16–18 s, at 4 p99 1.7–1.9 s and 2.8–4.4 s (and,
    # unlike 1 or 2, a few slow uploads or downloads cannot take every place).
    max_concurrent_requests: int = Field(default=0, ge=0, le=29)
    # Where endpoints run (core/routing.py): in the event loop, as a sync worker runs them, or
    # in the thread pool. Unset: the event loop on PostgreSQL, the thread pool on SQLite, whose
    # every transaction takes the write lock at BEGIN and would wait for it in the loop.
    endpoints_in_event_loop: bool | None = None
    # How long an API process reuses the public market figures it computed (0: never).
    market_figures_cache_seconds: int = Field(default=60, ge=0, le=300)
    # Listing cards an API process keeps (listings/cards.py; 0: none). A card is a few KB.
    listing_card_cache_size: int = Field(default=10_000, ge=0, le=1_000_000)
    # A contract amount above this (yuan) counts only once an administrator has confirmed it,
    # besides the parties (evidence before money: one broker's word is a declaration).
    contract_amount_ceiling: Decimal = Field(default=Decimal("1000000000"), gt=0,
                                             max_digits=16, decimal_places=2)
    log_level: str = "INFO"
    log_json: bool = False
    # The matcher profile (matching.config_for): "default" is the shipped hybrid (BM25 + USE for
    # Chinese, BM25 + MiniLM for English); "use"/"minilm" pair BM25 with one encoder; "hash"
    # (tests, machines without the models) and "bm25" need no model.
    matching_encoder: Literal["default", "use", "minilm", "hash", "bm25"] = "default"
    sql_echo: bool = False
    audit_retention_days: int = Field(default=3 * 365, ge=183)
    frontend_dist: Path = PROJECT_ROOT / "frontend" / "dist"

    @model_validator(mode="after")
    def _fill_embedded_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'techbroker.db'}"
        if not self.max_concurrent_requests:
            self.max_concurrent_requests = 4 if self.is_sqlite else 8
        if self.endpoints_in_event_loop is None:
            self.endpoints_in_event_loop = not self.is_sqlite
        elif self.endpoints_in_event_loop and self.is_sqlite:
            raise ValueError("ENDPOINTS_IN_EVENT_LOOP needs PostgreSQL: a SQLite transaction "
                             "waits for the write lock at BEGIN, and would stall the server")
        if not self.secret_key:
            if self.environment == "production":
                raise ValueError(
                    "SECRET_KEY must be set in production; refusing to generate one silently"
                )
            self.secret_key = _instance_secret(self.var_dir)
        elif self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def celery_eager(self) -> bool:
        return not self.celery_broker_url

    @property
    def index_dir(self) -> Path:
        return self.var_dir / "index"

    @property
    def files_dir(self) -> Path:
        return self.var_dir / "files"


def _instance_secret(var_dir: Path) -> str:
    """A secret generated once per instance and kept under var/, so restarts keep sessions."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


@lru_cache
def get_settings() -> Settings:
    return Settings()
