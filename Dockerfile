# Production image: API, worker and beat run from the same image with different commands.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 VAR_DIR=/var/lib/techbroker
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY backend/ backend/
COPY matching/ matching/
COPY migrations/ migrations/
COPY scripts/ scripts/
COPY alembic.ini ./
# Point pip at a CPU-only torch wheel (a local wheel directory or a CPU index) to avoid CUDA.
RUN pip install --no-cache-dir torch==2.13.0 \
 && pip install --no-cache-dir -c constraints.txt .
COPY --from=frontend /src/frontend/dist frontend/dist
# The volumes' mount points, owned by the app's user (a new named volume copies that).
RUN useradd --system --uid 10001 techbroker \
 && mkdir -p /var/lib/techbroker /var/lib/techbroker-index \
 && chown techbroker /var/lib/techbroker /var/lib/techbroker-index
USER techbroker
EXPOSE 8000
CMD ["techbroker", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4"]
