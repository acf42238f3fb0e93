"""techbroker backend: the FastAPI application, one package per domain."""
