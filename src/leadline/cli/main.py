"""The `leadline` command line: thin commands over the same services as the pages and API.

Django is set up lazily inside the commands that need it, so database-free commands (analyze,
forecast from a file) start fast.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from typing import Any

import typer

from leadline import __version__
from leadline.cli.common import console, fail, print_job_result, setup_django

app = typer.Typer(
    help="Leadline: delivery made visible. Run `leadline demo` to try it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)

# Each app keeps its commands in its own ``cli`` module, whose ``register(app)`` adds them.
# They are named here, not imported: they import leadline.cli.common, and naming them keeps
# the import graph one-way (the CLI's list of apps, like INSTALLED_APPS for Django's).
COMMAND_MODULES = (
    "leadline.analyze.cli",  # analyze (no database)
    "leadline.workspaces.cli",  # createuser, unlock, token
    "leadline.delivery.cli",  # quality, import
    "leadline.raid.cli",
    "leadline.decisions.cli",
    "leadline.changes.cli",
    "leadline.notify.cli",  # escalate, notify
    "leadline.alignment.cli",
    "leadline.dashboards.cli",  # forecast
    "leadline.pulse.cli",  # pulse
    "leadline.retro.cli",  # retro actions, retro themes
    "leadline.outcomes.cli",  # kpi list, push, import; scorecard
    "leadline.concentration.cli",  # concentration (no database)
    "leadline.competency.cli",  # competency show (your own only)
    "leadline.cadence.cli",  # cadence list, pack generate
    "leadline.radar.cli",  # radar list, run, rules
    "leadline.impact.cli",  # before-after (no database)
)
for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


@app.command()
def version() -> None:
    """Print Leadline's version."""
    console.print(f"leadline {__version__}")


@app.command()
def migrate() -> None:
    """Create or upgrade the database tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command()
def keygen() -> None:
    """Print a new key for LEADLINE_ENCRYPTION_KEYS (secrets at rest)."""
    from cryptography.fernet import Fernet

    console.print(Fernet.generate_key().decode())


def close_db_connections() -> None:
    """Close this process's database connections.

    A connection open when a process forks is one socket shared by parent and child: their
    queries interleave on it and one request can receive another's rows. So gunicorn's master
    closes every connection before it forks a worker, and a new worker drops anything it
    inherited.
    """
    from django.db import connections

    connections.close_all()


def _around_fork(server: Any, worker: Any) -> None:
    """gunicorn's pre_fork (in the master) and post_fork (in the new worker) hook."""
    close_db_connections()


def _serve(host: str, port: int, workers: int, with_worker: bool) -> None:
    from django.conf import settings
    from gunicorn.app.base import BaseApplication

    from leadline.jobs.supervisor import WorkerSupervisor
    from leadline.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)
            # Gunicorn's control socket (one fixed path in the home folder, shared by every
            # server on the host) is not used: processes are managed by signals.
            self.cfg.set("control_socket_disable", True)
            self.cfg.set("pre_fork", _around_fork)
            self.cfg.set("post_fork", _around_fork)

        def load(self) -> Any:
            return application

    close_db_connections()  # the checks and the demo build ran here, in the future master
    supervisor = None
    if with_worker and settings.QUEUE_URL == "database":
        supervisor = WorkerSupervisor([sys.executable, "-m", "leadline.cli", "worker"])
        supervisor.start()
    try:
        Server().run()
    finally:
        if supervisor is not None:
            supervisor.stop()


def default_base_url(host: str, port: int) -> None:
    """Without LEADLINE_BASE_URL set, links the app writes out (calendar feeds, signed links in
    emails) point at the address this server listens on, not at the default port 8000."""
    shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104 - compared, not bound
    shown = f"[{shown}]" if ":" in shown else shown
    os.environ.setdefault("LEADLINE_BASE_URL", f"http://{shown}:{port}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(2, min=1, help="Web worker processes."),
    worker: bool = typer.Option(
        True, help="Also run a background-job worker (only with the database queue)."
    ),
) -> None:
    """Serve the web app and API (and, on the default queue, a job worker)."""
    default_base_url(host, port)
    setup_django()
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    plan = MigrationExecutor(connection).migration_plan(
        MigrationExecutor(connection).loader.graph.leaf_nodes()
    )
    connection.close()  # this process becomes gunicorn's master: it forks with none open
    if plan:
        fail("The database needs migrating first: run `leadline migrate`.", 2)
    console.print(f"Leadline {__version__} on [bold]http://{host}:{port}/[/bold]")
    _serve(host, port, workers, worker)


@app.command("worker")
def worker_cmd(
    burst: bool = typer.Option(False, help="Exit once the queue is empty."),
) -> None:
    """Run a background-job worker (database queue, or Redis with LEADLINE_QUEUE=redis://…)."""
    setup_django()
    from leadline.jobs.worker import run_worker

    run_worker(burst=burst)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(2, min=1, help="Web worker processes."),
    serve_: bool = typer.Option(True, "--serve/--no-serve", help="Serve after building."),
) -> None:
    """Migrate, build the demo workspace (idempotent) and serve it."""
    default_base_url(host, port)
    if serve_:
        # Build in a child process, then serve from this one: the build computes with Polars,
        # whose thread pool does not survive a fork, and gunicorn forks its web workers from
        # this process (a worker that inherited the pool hung on the first chart or metric).
        import subprocess

        build = [sys.executable, "-m", "leadline.cli", "demo", "--no-serve",
                 "--host", host, "--port", str(port)]  # fmt: skip
        if subprocess.run(build, check=False).returncode != 0:
            fail("Building the demo workspace failed (see above)")
        setup_django()
        _serve(host, port, workers, True)
        return
    setup_django()
    from django.core.management import call_command
    from rich.progress import Progress

    from leadline.demo.builder import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERNAME, build_demo

    call_command("migrate", interactive=False, verbosity=0)
    with Progress(console=console, transient=True) as progress:
        bar = progress.add_task("Building the demo workspace", total=None)

        def report(done: int, total: int, title: str) -> None:
            progress.update(bar, completed=done, total=total, description=title)

        build_demo(report)
    url = f"http://{host}:{port}/"
    console.print(f"\n[bold green]Leadline demo is ready[/bold green] at [bold]{url}[/bold]")
    console.print(
        f"Sign in as [bold]{DEMO_USERNAME}[/bold] with password [bold]{DEMO_PASSWORD}[/bold]"
    )
    console.print(f"Demo workspace: {url}w/{DEMO_SLUG}/\n")


@app.command()
def jobs(
    workspace: str | None = typer.Option(
        None, "--workspace", "-w", help="Only this workspace's jobs."
    ),
    limit: int = typer.Option(20, min=1, help="How many to show."),
    follow: str | None = typer.Option(None, help="Follow one job (by id) with a progress bar."),
    start: str | None = typer.Option(
        None, help="Start a job of this kind (e.g. demo.refresh) and follow it."
    ),
) -> None:
    """List background jobs, start one, or follow one's progress."""
    setup_django()
    from rich.table import Table

    from leadline.jobs.models import Job
    from leadline.jobs.services import registered_kinds, start_job
    from leadline.workspaces.models import Workspace

    if start:
        if start not in registered_kinds():
            fail(f"Unknown job kind {start!r}; known: {', '.join(sorted(registered_kinds()))}", 2)
        ws = Workspace.objects.filter(slug=workspace).first() if workspace else None
        job = start_job(start, title=f"{start} (from the CLI)", workspace=ws)
        console.print(f"Started job {job.pk}")
        follow = str(job.pk)
    if follow:
        _follow(follow)
        return
    rows = Job.objects.select_related("workspace")
    if workspace:
        rows = rows.filter(workspace__slug=workspace)
    table = Table("id", "workspace", "title", "status", "progress", "created")
    for job in rows[:limit]:
        progress = f"{job.done}/{job.total}" if job.total else str(job.done)
        table.add_row(
            str(job.pk)[:8],
            job.workspace.slug if job.workspace else "—",
            job.title,
            job.status,
            progress,
            f"{job.created_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


def _follow(job_id: str) -> None:
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from leadline.jobs.models import Job

    matches = [j for j in Job.objects.order_by("-created_at")[:500] if str(j.pk).startswith(job_id)]
    job = matches[0] if len(matches) == 1 else None
    if job is None:
        fail(
            f"No job {job_id}"
            if not matches
            else f"{job_id} matches several jobs; give more of the id"
        )
    assert job is not None
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task(job.title, total=job.total)
        waited = 0.0
        while True:
            job.refresh_from_db()
            progress.update(bar, completed=job.done, total=job.total, description=job.title)
            if job.is_finished:
                break
            if job.status == "queued" and waited == 5.0:
                progress.console.print(
                    "[yellow]Still queued: is a worker running? "
                    "(`leadline serve` runs one; or start `leadline worker`)[/yellow]"
                )
            time.sleep(0.5)
            waited += 0.5
    print_job_result(job)


def main() -> None:
    """Run the CLI."""
    if sys.argv[1:2] == ["analyze"]:  # a plain command line skips Typer's (Pydantic) parsing
        from leadline.analyze.cli import run_plain_analyze

        if run_plain_analyze(sys.argv[2:]):
            return
    app()


if __name__ == "__main__":
    main()
