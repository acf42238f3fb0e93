"""The README's security section names each protection's setting: a setting that bounds or
turns a protection, missing from it, fails here."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
HEADING = "### Security: each protection and its setting"

SECURITY_SETTINGS = [
    "REQUEST_BODY_TIMEOUT_SECONDS", "REQUEST_BODY_MIN_KB_PER_SECOND", "MAX_CONCURRENT_REQUESTS",
    "MAX_UPLOAD_MB", "IMPORT_MAX_UNPACKED_MB", "IMPORT_MAX_ZIP_ENTRIES", "IMPORT_MAX_ROWS",
    "IMPORT_MAX_COLUMNS", "IMPORT_MAX_CELLS", "IMPORT_MAX_CELL_CHARS", "LOGIN_MAX_FAILURES",
    "LOGIN_MAX_FAILURES_PER_USER", "LOGIN_MAX_FAILURES_PER_ADDRESS", "LOGIN_LOCKOUT_MINUTES",
    "REGISTRATION_MAX_PER_ADDRESS", "REGISTRATION_WINDOW_MINUTES", "TRUSTED_PROXIES",
    "ACCESS_TOKEN_MINUTES", "REFRESH_TOKEN_DAYS", "SECRET_KEY", "METRICS_ALLOWED_NETWORKS",
    "CORS_ORIGINS", "CONTRACT_AMOUNT_CEILING", "AUDIT_RETENTION_DAYS",
    "GRADE_FOR_PRIVATE_DEMANDS",
]
PROTECTIONS = ["CSV/XLSX escaping", "Consent before disclosure", "Metrics not public",
               "Login lock-outs", "Client addresses", "Bulk import limits",
               "Request bodies read with a deadline"]


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    assert HEADING in text
    rest = text.split(HEADING, 1)[1]
    return rest.split("\n#", 1)[0]


def test_the_security_section_names_each_setting() -> None:
    section = _section()
    assert [name for name in SECURITY_SETTINGS if f"`{name}`" not in section] == []


def test_the_security_section_names_each_protection() -> None:
    section = _section()
    assert [p for p in PROTECTIONS if f"| {p}" not in section] == []


def test_every_named_setting_exists() -> None:
    from backend.config import Settings

    fields = {name.upper() for name in Settings.model_fields}
    assert [name for name in SECURITY_SETTINGS if name not in fields] == []
