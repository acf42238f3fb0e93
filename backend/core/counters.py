"""The Prometheus counters, apart from the web: the API's middleware and `/metrics`
(core/metrics.py) and the Celery worker (backend/worker.py) count here, and the worker loads
no FastAPI to count a task."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("techbroker_http_requests_total", "HTTP requests",
                   ["method", "route", "status"])
LATENCY = Histogram("techbroker_http_request_duration_seconds", "HTTP request latency",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10))
TASKS = Counter("techbroker_tasks_total", "Celery tasks finished", ["task", "state"])
INDEX_SIZE = Gauge("techbroker_index_documents", "Documents in a matching index", ["index"],
                   multiprocess_mode="max")
