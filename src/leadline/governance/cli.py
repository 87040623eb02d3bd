"""`leadline raid …`, `leadline decisions …`, `leadline escalate`, `leadline notify …`.

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

console = Console()
err = Console(stderr=True)

raid_app = typer.Typer(help="The RAID log: import and export CSV.", no_args_is_help=True)
decisions_app = typer.Typer(help="The decision log.", no_args_is_help=True)
changes_app = typer.Typer(help="Change requests: their impact check.", no_args_is_help=True)
notify_app = typer.Typer(help="Notifications: the daily digest.", no_args_is_help=True)
escalate_app = typer.Typer(help="Evaluate every escalation rule now.", invoke_without_command=True)


def _setup() -> None:
    from leadline.cli.common import setup_django

    setup_django()


def _workspace(slug: str) -> Any:
    from leadline.workspaces.models import Workspace

    ws = Workspace.objects.filter(slug=slug).first()
    if ws is None:
        err.print(f"[red]Error:[/red] no workspace {slug!r}")
        raise typer.Exit(1)
    return ws


def _system_access(slug: str) -> Any:
    """Return owner-level access for the command line (it runs with the server's rights)."""
    from leadline.governance.decisions import system_access

    return system_access(_workspace(slug))


@raid_app.command("import")
def raid_import(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV file (see the README)."
    ),
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    encoding: str | None = typer.Option(
        None,
        "--encoding",
        help="The file's encoding when it is neither UTF-8 nor UTF-16 with a BOM (cp1252…).",
    ),
) -> None:
    """Import RAID items from CSV; idempotent, all or nothing, errors name line and field."""
    _setup()
    from leadline.governance.csvio import CsvImportError, decode, import_csv

    access = _system_access(workspace)
    try:
        result = import_csv(access, decode(file.read_bytes(), file.name, encoding))
    except CsvImportError as exc:
        for line in exc.errors:
            err.print(f"[red]{line}[/red]")
        raise typer.Exit(1) from None
    console.print(
        f"Imported {file.name}: {result.created} new, {result.updated} changed, "
        f"{result.unchanged} unchanged."
    )


@raid_app.command("export")
def raid_export(
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default stdout)."
    ),
) -> None:
    """Export every RAID item as CSV (the import's columns)."""
    _setup()
    from leadline.governance import raid
    from leadline.governance.csvio import export_csv

    text = export_csv(raid.register(_system_access(workspace), raid.RegisterFilter()))
    if output is None:
        print(text, end="")
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output}")


@decisions_app.command("overdue")
def decisions_overdue(
    workspace: str | None = typer.Option(
        None, "--workspace", "-w", help="Only this workspace (default: all)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List proposed decisions past their due time."""
    _setup()
    from django.utils import timezone

    from leadline.governance.decisions import overdue
    from leadline.workspaces.models import Workspace

    workspaces = Workspace.objects.all()
    if workspace:
        workspaces = workspaces.filter(pk=_workspace(workspace).pk)
    now = timezone.now()
    rows = [
        {
            "workspace": d.workspace.slug,
            "id": d.pk,
            "title": d.title,
            "routed_to": {"kind": d.routed_kind, "name": d.routed_name},
            "due_at": d.due_at.isoformat(),
            "hours_overdue": round((now - d.due_at).total_seconds() / 3600, 1),
        }
        for d in overdue(workspaces, now)
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("workspace", "decision", "routed to", "due", "hours overdue")
    for d in overdue(workspaces, now):
        hours = round((now - d.due_at).total_seconds() / 3600, 1)
        table.add_row(
            d.workspace.slug, d.title, d.routed_name, f"{d.due_at:%Y-%m-%d %H:%M}", str(hours)
        )
    console.print(table if rows else "No overdue decisions.")


@changes_app.command("impact")
def changes_impact(
    change_id: int = typer.Argument(..., help="The change request's id (in its page's URL)."),
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Show a change request's impact: where its remaining scope comes from, the forecast with
    and without it (dates at 50/70/85/95 %), and its target date. Exits 1 when there is no
    scope to read, saying what to choose."""
    _setup()
    from django.http import Http404

    from leadline.delivery.services import today
    from leadline.governance import changes

    access = _system_access(workspace)
    try:
        cr = changes.get_change(access, change_id)
    except Http404:
        err.print(f"[red]Error:[/red] no change request {change_id} in {workspace!r}")
        raise typer.Exit(1) from None
    impact = changes.change_impact(cr, today())
    impact["dependencies"] = [i.pk for i in impact["dependencies"]]
    impact["raid"] = [i.pk for i in impact["raid"]]
    scope = impact["scope"]
    if as_json:
        print(json.dumps({"id": cr.pk, "title": cr.title, "impact": impact}, indent=2, default=str))
    else:
        console.print(f"[bold]{cr.title}[/bold] ({cr.team.name}, adds {cr.added_items} items)")
        console.print(f"Scope without the change: {scope['label']}")
        if impact["forecast"]:
            table = Table("confidence", "without the change", "with it", "delay")
            for r in impact["forecast"]["rows"]:
                table.add_row(
                    f"{r['percentile']} %",
                    f"{r['without']['date']} ({r['without']['days']} days)",
                    f"{r['with']['date']} ({r['with']['days']} days)",
                    f"+{r['delay_days']} days",
                )
            console.print(table)
        if impact["target"]:
            t = impact["target"]
            for side, label in (("without", "Without the change"), ("with", "With it")):
                v = t[side]
                verdict = (
                    f"meets the target {t['date']}"
                    if v["meets"]
                    else f"misses the target {t['date']} by {v['days_late']} days"
                )
                console.print(f"{label}: {v['date']} at {t['percentile']} % — {verdict}")
        elif not scope["problem"] and impact["forecast"]:
            console.print("No target date on the request.")
        if not impact["throughput"]:
            console.print("No throughput history: import delivery data or enter samples.")
    if scope["problem"]:
        err.print(f"[red]{scope['problem']}[/red]")
        raise typer.Exit(1)


@escalate_app.callback()
def escalate(
    workspace: str | None = typer.Option(
        None, "--workspace", "-w", help="Only this workspace (default: all)."
    ),
) -> None:
    """Evaluate every escalation rule now; raise and notify new alerts (idempotent)."""
    _setup()
    from django.utils import timezone

    from leadline.governance.escalate import evaluate_all, evaluate_escalations

    now = timezone.now()
    if workspace:
        counts = {workspace: len(evaluate_escalations(_workspace(workspace), now))}
    else:
        counts = evaluate_all(now)
    for slug, n in counts.items():
        console.print(f"{slug}: {n} new alert{'s' if n != 1 else ''}")


@notify_app.command("digest")
def notify_digest(
    workspace: str | None = typer.Option(
        None, "--workspace", "-w", help="Only this workspace (default: all)."
    ),
    dry_run: bool = typer.Option(False, help="Print the digest instead of sending it."),
) -> None:
    """Send the daily digest (in the app and to digest channels); run it daily from cron."""
    _setup()
    from django.utils import timezone

    from leadline.governance.notify import digest, send_digest
    from leadline.workspaces.models import Workspace

    workspaces = [_workspace(workspace)] if workspace else list(Workspace.objects.all())
    for ws in workspaces:
        title, body = digest(ws, timezone.now()) if dry_run else send_digest(ws)
        console.print(f"[bold]{title}[/bold]\n{body}\n")


def register(app: typer.Typer) -> None:
    """Add the governance commands to the main CLI."""
    app.add_typer(raid_app, name="raid")
    app.add_typer(decisions_app, name="decisions")
    app.add_typer(changes_app, name="changes")
    app.add_typer(escalate_app, name="escalate")
    app.add_typer(notify_app, name="notify")
