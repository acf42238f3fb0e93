"""The `techbroker` command."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backend.config import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

# Shipped inside the package, so an installed `techbroker` migrates without a checkout.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

app = typer.Typer(help="techbroker 技术经纪服务平台 — administration commands.",
                  no_args_is_help=True, add_completion=False)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration, built here rather than read from `alembic.ini` (which stays at
    the checkout's root for `alembic revision`): the database URL comes from Settings, or
    `url`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url:
        config.attributes["url"] = url
    return config


def migrate_to_head(url: str | None = None) -> None:
    from alembic import command

    config = alembic_config(url)
    settings = get_settings()
    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(config, "head")


@app.command()
def migrate() -> None:
    """Upgrade the database to the newest schema."""
    migrate_to_head()
    typer.echo("database is at the newest revision")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
          reload: bool = False) -> None:
    """Serve the API and the web UI (several workers: each on its own SO_REUSEPORT socket)."""
    import uvicorn

    # Not uvicorn's proxy headers, which trust X-Forwarded-For from 127.0.0.1 by default: the
    # application reads it from TRUSTED_PROXIES only (create_app).
    if workers > 1 and not reload:
        from backend.core.serving import Supervisor

        raise typer.Exit(Supervisor("backend.main:app", host, port, workers, access_log=False,
                                    proxy_headers=False).run())
    uvicorn.run("backend.main:app", host=host, port=port, reload=reload, access_log=False,
                proxy_headers=False)


@app.command("create-admin")
def create_admin(username: str, password: Annotated[str, typer.Option(prompt=True,
                                                                       hide_input=True)],
                 display_name: str = "管理员",
                 bureau: Annotated[Path | None, typer.Option(
                     help="a JSON file with the bureau's organisation (科技主管部门: name, "
                          "credit_code, legal_representative, registered_address, phone, "
                          "email_domain, region, as in the registration body): the "
                          "administrator belongs to it, registered (kind bureau, verified) "
                          "when its credit code is not on file yet")] = None) -> None:
    """Create an administrator account (科技主管部门), optionally of the bureau's organisation."""
    from pydantic import ValidationError

    from backend.accounts import schemas, service
    from backend.audit.service import SYSTEM
    from backend.core.errors import Conflict
    from backend.db import session_scope

    details = None
    if bureau is not None:
        try:
            raw = json.loads(bureau.read_text(encoding="utf-8"))
            # the registration body's kind admits no bureau: the organisation is made one
            details = schemas.OrganisationIn.model_validate({**raw, "kind": "institute"})
        except (OSError, ValueError, ValidationError) as exc:
            typer.echo(f"科技主管部门机构信息无法读取 The bureau's details cannot be read: {exc}",
                       err=True)
            raise typer.Exit(2) from exc
    try:
        with session_scope() as session:
            org = service.ensure_bureau(session, SYSTEM, details) if details else None
            user = service.create_admin(session, username, password, display_name, org)
            named = f" of {org.name} (organisation {org.id})" if org else ""
            typer.echo(f"administrator {user.username} created (id {user.id}){named}")
    except Conflict as exc:
        typer.echo(exc.detail, err=True)
        raise typer.Exit(2) from exc


@app.command("seed-demo")
def seed_demo(force: bool = typer.Option(False, help="seed even if data exists")) -> None:
    """Load the demo market: firms, institutes, brokers, an administrator and listings."""
    from backend.demo.data import seed

    if get_settings().environment == "production":
        typer.echo("演示数据的账户密码是公开的，不能载入生产环境（ENVIRONMENT=production）。"
                   "Refusing to load the demo market in production (ENVIRONMENT=production): "
                   "its logins and passwords are published.", err=True)
        raise typer.Exit(2)
    migrate_to_head()
    seed(force=force)


@app.command()
def worker(concurrency: int = 2, beat: bool = False) -> None:
    """Run a Celery worker (needs CELERY_BROKER_URL)."""
    from backend.worker import celery_app

    if get_settings().celery_eager:
        typer.echo("CELERY_BROKER_URL is not set: tasks run in the API process (eager mode)",
                   err=True)
        raise typer.Exit(2)
    argv = ["worker", "--loglevel=INFO", f"--concurrency={concurrency}", "-Q",
            get_settings().celery_queue]
    if beat:
        argv.append("--beat")
    celery_app.worker_main(argv)


class _ProgressLine:
    """A build's progress on stderr: one line rewritten in place on a terminal, a line every
    tenth of the way otherwise (logs)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.started: dict[str, float] = {}
        self.shown: dict[str, int] = {}

    def __call__(self, kind: str, done: int, total: int) -> None:
        now = time.monotonic()
        started = self.started.setdefault(kind, now)
        tenth = 10 * done // max(total, 1)
        if not self.tty and (done == 0 or self.shown.get(kind) == tenth) and done < total:
            return  # a line per tenth in a log
        self.shown[kind] = tenth
        rate = done / max(now - started, 1e-6)
        line = (f"{kind}: {done:,}/{total:,} listings encoded and indexed "
                f"({100 * done // max(total, 1)} %, {rate:,.0f}/s)")
        end = "\n" if done >= total or not self.tty else ""
        sys.stderr.write(("\r" if self.tty else "") + line + end)
        sys.stderr.flush()


@app.command()
def reindex(
    kind: Annotated[str | None, typer.Option(help="demand or achievement (default: both)")] = None,
    profile: Annotated[str | None, typer.Option(
        help="the matcher profile to build with (default: MATCHING_ENCODER): default, use, e5, "
             "minilm, hash or bm25")] = None,
) -> None:
    """Rebuild the matching indexes from the database and publish them; API processes load
    the new version in the background and keep answering from the old one until then.
    Resumable: listings encoded before an interruption come from the embedding cache."""
    from backend.audit.service import Actor
    from backend.db import session_scope
    from backend.matches import service
    from backend.matches.documents import KINDS, check_kind
    from matching import config_for

    try:
        kinds = [check_kind(kind)] if kind else list(KINDS)
        if profile is not None:
            config_for(profile)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    with session_scope() as session:
        results = service.reindex_now(session, Actor(None, "cli"), kinds, profile=profile,
                                      progress=_ProgressLine())
    for r in results:
        typer.echo(f"{r.kind}: {r.documents} documents, index version {r.version}, "
                   f"{r.seconds:.1f} s (profile {r.profile})")


@app.command("train-reranker")
def train_reranker() -> None:
    """Train the matches' learned re-ranker from feedback and deals now (the worker does it
    daily); API processes pick the new model up."""
    from backend.db import session_scope
    from backend.matches import learning

    with session_scope() as session:
        summary = learning.train_now(session)
    typer.echo(f"{summary['pairs']} labelled pairs, profile {summary['profile']}")
    for source in ("demand", "achievement"):
        s = summary[source]
        typer.echo(f"{source} → matches: {s['labels']} labels ({s['positives']} relevant) in "
                   f"{s['lists']} lists, {s['skipped']} skipped, weight {s['weight']}")
    typer.echo(f"written to {summary['path']}")


@app.command()
def openapi(output: Path | None = None) -> None:
    """Print (or write) the OpenAPI schema the frontend's client is generated from."""
    from backend.app import create_app

    text = json.dumps(create_app().openapi(), ensure_ascii=False, indent=2, sort_keys=True)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


@app.command("backup")
def backup_command(output: Path | None = None) -> None:
    """Back up the embedded SQLite database and uploaded files to a .tar.gz."""
    from backend.core.backup import BackupError, backup

    try:
        result = backup(get_settings(), output)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"backup written to {result.path} ({sum(result.tables.values())} rows, "
               f"audit head {result.audit_head['seq']})")


@app.command("restore")
def restore_command(archive: Path, force: bool = typer.Option(False, help="replace the database")
                    ) -> None:
    """Restore a backup, then verify row counts and the audit chain."""
    from backend.audit import service
    from backend.core.backup import BackupError, restore
    from backend.db import session_scope

    try:
        result = restore(get_settings(), archive, force=force)
    except BackupError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    with session_scope() as session:
        report = service.verify(session)
    if not report.ok or report.head_hash != result.audit_head["hash"]:
        typer.echo(f"restored, but the audit chain does not verify: {report.reason}", err=True)
        raise typer.Exit(1)
    typer.echo(f"restored {sum(result.tables.values())} rows; audit chain intact "
               f"({report.count} entries)")


@audit_app.command("verify")
def audit_verify(
    checkpoint: Annotated[Path | None, typer.Option(
        help="a checkpoint kept from `techbroker audit checkpoint`: also prove that nothing "
             "before it was rewritten")] = None,
    public_key: Annotated[Path | None, typer.Option(
        help="the trusted public key (PEM) the checkpoint must be signed with; default: "
             "this instance's")] = None,
) -> None:
    """Walk the audit chain; exit 1 and name the first broken entry if any was altered."""
    from backend.audit import service
    from backend.db import session_scope

    if checkpoint is not None:
        from backend.audit import checkpoint as checkpoints

        kept = checkpoints.Checkpoint.from_json(checkpoint.read_text(encoding="utf-8"))
        trusted = (checkpoints.load_public_pem(public_key.read_text(encoding="ascii"))
                   if public_key else
                   checkpoints.instance_key(get_settings().var_dir).public_key())
        with session_scope() as session:
            result = checkpoints.verify_checkpoint(session, kept, trusted)
        if result.ok:
            typer.echo(f"audit chain intact against checkpoint {kept.seq} ({kept.at}): "
                       f"{result.chain.count} entries, head {result.chain.head_hash}")
            return
        typer.echo(f"AUDIT CHECKPOINT FAILED: {result.reason}", err=True)
        raise typer.Exit(1)
    with session_scope() as session:
        report = service.verify(session)
    if report.ok:
        typer.echo(f"audit chain intact: {report.count} entries, head {report.head_hash}")
        return
    typer.echo(f"AUDIT CHAIN BROKEN at entry {report.first_broken_seq}: {report.reason}",
               err=True)
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint(output: Annotated[Path | None, typer.Option(
        help="also write the checkpoint to this file")] = None) -> None:
    """Print the chain's head (sequence, hash, count) signed with this instance's key, for the
    bureau to keep outside the system."""
    from backend.audit import checkpoint as checkpoints
    from backend.db import session_scope

    key = checkpoints.instance_key(get_settings().var_dir)
    with session_scope() as session:
        text = checkpoints.take_checkpoint(session, key).to_json()
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
    typer.echo(text)


@audit_app.command("public-key")
def audit_public_key() -> None:
    """Print this instance's audit signing public key (PEM), to keep with the checkpoints."""
    from backend.audit import checkpoint as checkpoints

    typer.echo(checkpoints.public_pem(checkpoints.instance_key(get_settings().var_dir)
                                      .public_key()).rstrip())


@audit_app.command("prune")
def audit_prune(dry_run: bool = typer.Option(False, help="only count what would go")) -> None:
    """Delete audit entries older than AUDIT_RETENTION_DAYS (at least 183; three years by
    default), anchoring the kept chain on the last one deleted."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from backend.audit import checkpoint as checkpoints
    from backend.audit.models import AuditEntry
    from backend.audit.service import SYSTEM
    from backend.core.types import utcnow
    from backend.db import session_scope

    days = get_settings().audit_retention_days
    with session_scope() as session:
        if dry_run:
            cutoff = utcnow() - timedelta(days=days)
            n = session.execute(select(func.count()).select_from(AuditEntry)
                                .where(AuditEntry.at < cutoff)).scalar_one()
            typer.echo(f"{n} entries are older than {days} days")
            return
        result = checkpoints.prune(session, SYSTEM, days)
    typer.echo(f"pruned {result.pruned} entries older than {days} days; the chain now starts "
               f"after entry {result.base_seq}")


def main() -> None:
    import backend.worker  # noqa: F401 — start-up: hands the Celery app to core (core/jobs.py)

    app()


if __name__ == "__main__":
    main()
