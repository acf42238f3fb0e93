# Production image: API, worker and beat run from the same image with different commands.
# The package is built into a wheel and installed, exactly as
# tests/core/test_installed_package.py builds, installs and runs it: the image holds no
# checkout, only the installed package and the built UI at FRONTEND_DIST.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README.md ./
COPY backend/ backend/
COPY matching/ matching/
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 \
    VAR_DIR=/var/lib/techbroker FRONTEND_DIST=/opt/techbroker/ui
COPY --from=wheel /wheels/ /wheels/
COPY constraints.txt /wheels/constraints.txt
# Point pip at a CPU-only torch wheel (a local wheel directory or a CPU index) to avoid CUDA.
RUN pip install --no-cache-dir torch==2.13.0 \
 && pip install --no-cache-dir -c /wheels/constraints.txt /wheels/techbroker-*.whl \
 && rm -rf /wheels
COPY --from=frontend /src/frontend/dist /opt/techbroker/ui
# The volumes' mount points, owned by the app's user (a new named volume copies that).
RUN useradd --system --uid 10001 techbroker \
 && mkdir -p /var/lib/techbroker /var/lib/techbroker-index \
 && chown techbroker /var/lib/techbroker /var/lib/techbroker-index
USER techbroker
# An empty working directory: every path the application uses is a setting (VAR_DIR,
# FRONTEND_DIST) or ships inside the package (the migrations, the demo market).
WORKDIR /srv/techbroker
EXPOSE 8000
CMD ["techbroker", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
