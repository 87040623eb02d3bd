"""`leadline decisions …`: the decision log.

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

import json

import typer
from rich.table import Table

from leadline.governance.cli import console, setup, workspace_or_exit

decisions_app = typer.Typer(help="The decision log.", no_args_is_help=True)


@decisions_app.command("overdue")
def decisions_overdue(
    workspace: str | None = typer.Option(
        None, "--workspace", "-w", help="Only this workspace (default: all)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List proposed decisions past their due time."""
    setup()
    from django.utils import timezone

    from leadline.decisions.services import overdue
    from leadline.workspaces.models import Workspace

    workspaces = Workspace.objects.all()
    if workspace:
        workspaces = workspaces.filter(pk=workspace_or_exit(workspace).pk)
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


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(decisions_app, name="decisions")
