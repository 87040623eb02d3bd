"""What every command module shares: the consoles, errors, Django setup, running a job here.

App command modules (``<app>/cli.py``) import this module and never :mod:`leadline.cli.main`,
which imports them: the command line has no import circle. Django is set up lazily inside the
commands that need it, so database-free commands (analyze, forecast from a file) start fast.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any, NoReturn

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)


def setup_django() -> None:
    """Configure Django from the environment; a bad setting exits with its message."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadline.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        err.print(f"[red]Configuration error:[/red] {exc}")
        raise typer.Exit(2) from None


def fail(message: str, code: int = 1, *, highlight: bool = True) -> NoReturn:
    """Print ``message`` as an error and exit with ``code``."""
    # A console of the moment: it takes the terminal's width now (COLUMNS), not at import.
    Console(stderr=True).print(f"[red]Error:[/red] {message}", highlight=highlight)
    raise typer.Exit(code)


def parse_date(value: str | None, option: str) -> date | None:
    """Return the date an option gives (None when not given); exit 2 naming a bad one."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date (YYYY-MM-DD)", 2, highlight=False)


def print_job_result(job: Any) -> None:
    """Exit non-zero unless ``job`` succeeded; else print its result and warnings."""
    if job.status != "succeeded":
        fail(f"Job {job.status}: {job.error or 'see its log'}")
    result = dict(job.result or {})
    warnings = result.pop("warnings", [])
    console.print(f"[green]Job succeeded[/green] {result or ''}")
    for warning in warnings:
        console.print(f"[yellow]Warning:[/yellow] {warning}")


def run_here(job: Any) -> None:
    """Run ``job`` in this process with a progress bar; exit non-zero if it does not succeed."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from leadline.jobs.services import run_job

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn())
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task(job.title, total=job.total)
        status = run_job(
            str(job.pk),
            listener=lambda j: progress.update(bar, completed=j.done, total=j.total),
        )
    job.refresh_from_db()
    if status != "succeeded":
        fail(f"Job {job.status}: {job.error or 'see its log'}")
    print_job_result(job)
