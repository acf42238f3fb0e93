# techbroker — one task runner. `make run` and `make test` are the two commands that matter.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
FRONTEND_STAMP := frontend/node_modules/.installed
PYTEST_ARGS ?=

.PHONY: run install frontend migrate seed serve test test-python test-frontend lint typecheck \
        openapi worker clean

run: install frontend migrate seed serve  ## set up everything and serve http://127.0.0.1:8000

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -c constraints.txt -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $(FRONTEND_STAMP)

frontend:
	@if [ -f frontend/package.json ]; then $(MAKE) $(FRONTEND_STAMP) && cd frontend && npm run build; fi

migrate: install
	$(VENV)/bin/techbroker migrate

seed: install
	$(VENV)/bin/techbroker seed-demo

serve: install
	$(VENV)/bin/techbroker serve --host 127.0.0.1 --port 8000

worker: install
	$(VENV)/bin/techbroker worker

openapi: install
	mkdir -p var && $(VENV)/bin/techbroker openapi --output var/openapi.json

test: install frontend lint test-python test-frontend  ## every test and check (the UI is built first: the e2e tests drive it)

test-python: install
	$(VENV)/bin/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The API client must match the backend's schema: regenerate var/openapi.json first, so
# check:api fails when src/api/schema.d.ts is stale (fix with `make openapi && cd frontend &&
# npm run gen:api`).
test-frontend:
	@if [ -f frontend/package.json ]; then \
		$(MAKE) openapi && $(MAKE) $(FRONTEND_STAMP) && cd frontend && npm run check:api && \
		npm run lint && npm run typecheck && npm test; \
	fi

lint: install
	$(VENV)/bin/ruff check backend matching tests scripts
	$(VENV)/bin/mypy

typecheck: lint

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
