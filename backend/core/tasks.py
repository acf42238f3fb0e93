"""Plumbing tasks: a ping used by health checks and the real-worker integration test."""

from __future__ import annotations

from backend.worker import celery_app


@celery_app.task(name="core.ping", time_limit=30)  # type: ignore[untyped-decorator]  # celery ships no types
def ping(value: str) -> str:
    return f"pong:{value}"
