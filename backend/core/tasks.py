"""Plumbing tasks: a ping used by health checks and the real-worker integration test.

Plain functions: the worker (backend/worker.py) registers them on its Celery app."""

from __future__ import annotations


def ping(value: str) -> str:
    return f"pong:{value}"
