"""`leadline retro …`: a team's open retrospective actions with their age, and recurring themes.

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from leadline.cli.common import console, fail, setup_django

retro_app = typer.Typer(help="Retrospectives: open actions and recurring themes.",
                        no_args_is_help=True)  # fmt: skip

WORKSPACE = typer.Option(..., "--workspace", "-w", help="The workspace's slug.")
TEAM = typer.Option(None, "--team", "-t", help="Only this team (its slug; default: all).")
AS_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _scope(workspace: str, team: str | None) -> tuple[Any, Any]:
    setup_django()
    from leadline.workspaces.models import Team, Workspace

    ws = Workspace.objects.filter(slug=workspace).first()
    if ws is None:
        fail(f"no workspace {workspace!r}")
    found = Team.objects.filter(workspace=ws, slug=team).first() if team else None
    if team and found is None:
        fail(f"no team {team!r} in {workspace}")
    return ws, found


@retro_app.command("actions")
def open_actions(workspace: str = WORKSPACE, team: str | None = TEAM,
                 as_json: bool = AS_JSON) -> None:  # fmt: skip
    """List open retrospective actions with their owner, due date and age, oldest first."""
    ws, found = _scope(workspace, team)
    from leadline.retro.services import open_actions as read

    rows = read(ws, found)
    if as_json:
        print(json.dumps(rows, indent=2, default=str))
        return
    table = Table("team", "action", "owner", "due", "age (days)", "agreed in")
    for a in rows:
        due = a["due_on"].isoformat() + (" (overdue)" if a["overdue"] else "")
        table.add_row(a["team"], a["title"], a["owner_name"], due, str(a["age_days"]),
                      a["retro_title"])  # fmt: skip
    console.print(table if rows else "No open actions.")


@retro_app.command("themes")
def themes(workspace: str = WORKSPACE, team: str | None = TEAM, as_json: bool = AS_JSON) -> None:
    """List themes that came back in three or more retrospectives of a team."""
    ws, found = _scope(workspace, team)
    from leadline.retro.services import recurring_themes

    rows = recurring_themes(ws, found)
    if as_json:
        print(json.dumps(rows, indent=2, default=str))
        return
    table = Table("team", "theme", "retros", "first seen", "last seen")
    for t in rows:
        table.add_row(t["team"], t["title"], str(t["retros"]), t["first_seen"].isoformat(),
                      t["last_seen"].isoformat())  # fmt: skip
    console.print(table if rows else "No recurring themes.")


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(retro_app, name="retro")
