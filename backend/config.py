"""Settings: embedded defaults that need no set-up, overridable by environment or `.env`."""

from __future__ import annotations

import ipaddress
import secrets
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, IPvAnyNetwork, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The checkout's root, for tests and scripts run from one. The application uses no path under
# it: installed, it would be site-packages. Paths it needs are settings (VAR_DIR,
# FRONTEND_DIST, relative to the working directory by default) or package data.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# `.env.example`'s SECRET_KEY, refused in production (tests/core/test_settings.py keeps the two
# in step): a key everyone can read signs tokens anyone can forge.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string-of-at-least-32-characters"  # noqa: S105

# A broker grade a gate asks for, or "none" (accounts/gates.py).
GradeSetting = Literal["none", "junior", "intermediate", "senior"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    var_dir: Path = Path("var")
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
    # Failed logins before a lock-out (accounts/throttle.py says why three counts): per user
    # and address; per user over all addresses (not where the user logged in lately); per
    # address whatever the user, far above, so an office behind one NAT address is not locked.
    login_max_failures: int = Field(default=5, ge=1)
    login_max_failures_per_user: int = Field(default=20, ge=1)
    login_max_failures_per_address: int = Field(default=200, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    registration_max_per_address: int = Field(default=10, ge=1)
    registration_window_minutes: int = Field(default=60, ge=1)
    # Reverse proxies whose X-Forwarded-For names the client (addresses or networks); the
    # socket's peer is the client otherwise, whatever the header says.
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list)
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
    # A request's body must have arrived before it takes one of those places (core/admission.py):
    # within this many seconds, plus the time its declared length needs at the rate below;
    # later, 408 and the connection is closed.
    request_body_timeout_seconds: float = Field(default=10.0, gt=0, le=3600)
    request_body_min_kb_per_second: int = Field(default=100, ge=1)
    # Where endpoints run (core/routing.py): in the event loop, as a sync worker runs them, or
    # in the thread pool. Unset: the event loop on PostgreSQL, the thread pool on SQLite, whose
    # every transaction takes the write lock at BEGIN and would wait for it in the loop.
    endpoints_in_event_loop: bool | None = None
    # How long an API process reuses the public market figures it computed (0: never).
    market_figures_cache_seconds: int = Field(default=60, ge=0, le=300)
    # Listing cards an API process keeps (listings/cards.py; 0: none). A card is a few KB.
    listing_card_cache_size: int = Field(default=10_000, ge=0, le=1_000_000)
    # Who may read /metrics: client networks (CIDR or single addresses). Unset: anyone, except
    # in production, where only the machine itself (loopback) may; a list applies everywhere.
    metrics_allowed_networks: list[str] | None = None
    # Bulk import (core/sheets.py): limits checked before a file is parsed.
    import_max_unpacked_mb: int = Field(default=50, ge=1, le=2000)
    import_max_zip_entries: int = Field(default=200, ge=10, le=100_000)
    import_max_rows: int = Field(default=20_000, ge=1, le=1_000_000)
    import_max_columns: int = Field(default=50, ge=13, le=16_384)
    import_max_cells: int = Field(default=500_000, ge=1_000, le=50_000_000)
    # At most 100,000: the csv module's own limit on a field (131,072) must stay above it.
    import_max_cell_chars: int = Field(default=10_000, ge=5_000, le=100_000)
    # A contract amount above this (yuan) counts only once an administrator has confirmed it,
    # besides the parties (evidence before money: one broker's word is a declaration).
    contract_amount_ceiling: Decimal = Field(default=Decimal("1000000000"), gt=0,
                                             max_digits=16, decimal_places=2)
    log_level: str = "INFO"
    log_json: bool = False
    # The matcher profile (matching.config_for): "default" is the shipped fusion (BM25 + E5, and
    # MiniLM for English, under the query-adaptive lexical gate); "use"/"minilm"/"e5" pair BM25
    # with one encoder; "hash" (tests, machines without the models) and "bm25" need no model.
    matching_encoder: Literal["default", "use", "minilm", "e5", "hash", "bm25"] = "default"
    # Where the matcher's index versions are published (default: VAR_DIR/index). Every API host
    # reads it, so with several hosts it is a shared volume (backend/matches/index.py).
    index_dir: Path | None = None
    # How often an API process looks at the index manifests for a new version to load in the
    # background (a small file read per corpus). 0 turns the background loading off: the
    # process then serves only indexes it builds itself (the tests' in-process client).
    index_poll_seconds: float = Field(default=2.0, ge=0, le=3600)
    # Help requests (backend/intake): how many brokers the routing offers a request to, and after
    # how many working days (Monday to Friday, China time) one nobody accepted is escalated.
    help_request_offers: int = Field(default=5, ge=1, le=50)
    help_request_escalation_working_days: int = Field(default=3, ge=1, le=60)
    # Work a broker's grade must reach (accounts/gates.py); "none" turns a gate off. Private
    # demands (assignment, drafting); deals whose contract is above LARGE_DEAL_AMOUNT yuan.
    grade_for_private_demands: GradeSetting = "intermediate"
    grade_for_large_deals: GradeSetting = "intermediate"
    large_deal_amount: Decimal = Field(default=Decimal("1000000"), ge=0, max_digits=16,
                                       decimal_places=2)
    sql_echo: bool = False
    audit_retention_days: int = Field(default=3 * 365, ge=183)
    frontend_dist: Path = Path("frontend") / "dist"

    @field_validator("metrics_allowed_networks")
    @classmethod
    def _networks(cls, value: list[str] | None) -> list[str] | None:
        for network in value or []:
            ipaddress.ip_network(network, strict=False)  # a ValueError names the bad one
        return value

    @model_validator(mode="after")
    def _fill_embedded_defaults(self) -> Settings:
        # Relative paths are taken from the working directory once, here, so that a process
        # that later changes directory still finds them.
        self.var_dir, self.frontend_dist = self.var_dir.absolute(), self.frontend_dist.absolute()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'techbroker.db'}"
        if self.index_dir is None:
            self.index_dir = self.var_dir / "index"
        if not self.max_concurrent_requests:
            self.max_concurrent_requests = 4 if self.is_sqlite else 8
        if self.endpoints_in_event_loop is None:
            self.endpoints_in_event_loop = not self.is_sqlite
        elif self.endpoints_in_event_loop and self.is_sqlite:
            raise ValueError("ENDPOINTS_IN_EVENT_LOOP needs PostgreSQL: a SQLite transaction "
                             "waits for the write lock at BEGIN, and would stall the server")
        for name in ("login_max_failures_per_user", "login_max_failures_per_address"):
            if getattr(self, name) < self.login_max_failures:
                raise ValueError(f"{name.upper()} must not be below LOGIN_MAX_FAILURES")
        if not self.secret_key:
            if self.environment == "production":
                raise ValueError(
                    "SECRET_KEY must be set in production; refusing to generate one silently"
                )
            self.secret_key = _instance_secret(self.var_dir)
        elif self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters in production")
        elif self.environment == "production" and self.secret_key == EXAMPLE_SECRET_KEY:
            raise ValueError("SECRET_KEY is the example value from .env.example, which anyone "
                             "can read; set a random one (python -c 'import secrets; "
                             "print(secrets.token_urlsafe(48))')")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def metrics_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network] | None:
        """The networks /metrics answers; None: every client."""
        if self.metrics_allowed_networks is None:
            if self.environment != "production":
                return None
            return [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")]
        return [ipaddress.ip_network(n, strict=False) for n in self.metrics_allowed_networks]

    @property
    def celery_eager(self) -> bool:
        return not self.celery_broker_url

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
