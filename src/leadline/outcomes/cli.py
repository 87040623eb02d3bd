"""`leadline kpi …` (list, push a value, import CSV) and `leadline scorecard` (print one).

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from leadline.governance.cli import cli_access, console, err, setup

kpi_app = typer.Typer(help="KPIs: list them, push values, import values from CSV.",
                      no_args_is_help=True)  # fmt: skip


def _fail(exc: Exception) -> None:
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            err.print(f"[red]{field}: {' '.join(messages)}[/red]")
    else:
        err.print(f"[red]{exc}[/red]")
    raise typer.Exit(1)


@kpi_app.command("list")
def list_kpis(
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
) -> None:
    """List the workspace's KPIs: id, name, owners, source and whether shared."""
    setup()
    from leadline.outcomes import services

    access = cli_access(workspace)
    day = services.today(access.workspace)
    for k in services._kpis(access.workspace):
        out = services.kpi_out(k, day)
        owners = ", ".join(out["functions"] + out["teams"]) or "no owner"
        flags = (" shared" if out["shared"] else "") + ("" if out["active"] else " retired")
        console.print(f"{out['id']:>5}  {out['name']}  ({owners}; {out['source_label']}){flags}")


@kpi_app.command("push")
def push(
    kpi: int = typer.Argument(..., help="The KPI's id (see `leadline kpi list`)."),
    value: float = typer.Option(..., "--value", help="The value."),
    day: str = typer.Option("", "--date", help="Its date, YYYY-MM-DD (default: today)."),
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
) -> None:
    """Record one value of an entered KPI (a second value for the same date replaces it)."""
    setup()
    from django.core.exceptions import ValidationError

    from leadline.outcomes import services, values

    access = cli_access(workspace)
    try:
        found = services.kpi_in(access.workspace, kpi)
        out = values.record_values(access, found, [(day or services.today(access.workspace), value)],
                                   "api")  # fmt: skip
    except (ValidationError, Exception) as exc:  # Http404 for an unknown id
        _fail(exc)
        return
    console.print(f"{found.name}: {out['created']} new, {out['updated']} changed, "
                  f"{out['unchanged']} unchanged.")  # fmt: skip


@kpi_app.command("import")
def import_file(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV: kpi,date,value (or date,value with --kpi)."
    ),  # fmt: skip
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    kpi: int | None = typer.Option(None, "--kpi", help="The one KPI the file's values are for."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Import entered KPI values; every refused line is printed with its line and field, and
    then nothing is imported. Importing the same file again changes nothing."""
    setup()
    from leadline.outcomes import services, values

    access = cli_access(workspace)
    target = services.kpi_in(access.workspace, kpi) if kpi else None
    out = values.import_csv(access, file.read_text(encoding="utf-8-sig"), target)
    if as_json:
        typer.echo(json.dumps(out, indent=2))
    elif out["errors"]:
        for e in out["errors"]:
            err.print(f"[red]{file.name}:{e['line']}: {e['field']}: {e['message']}[/red]")
        err.print("Nothing was imported.")
    else:
        console.print(f"{out['created']} new, {out['updated']} changed, "
                      f"{out['unchanged']} unchanged.")  # fmt: skip
    if out["errors"]:
        raise typer.Exit(1)


def scorecard(
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    team: str = typer.Option("", "--team", "-t", help="A team's scorecard (slug)."),
    function: str = typer.Option("", "--function", "-f", help="A function's scorecard (name)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scorecard as JSON."),
) -> None:
    """Print a scorecard: each KPI's current value, target and status (workspace, team or
    function)."""
    setup()
    from django.core.exceptions import ValidationError

    from leadline.outcomes import services
    from leadline.workspaces.services import team_by_slug

    access = cli_access(workspace)
    ws = access.workspace
    found = team_by_slug(ws, team) if team else None
    if team and found is None:
        err.print(f"[red]No team {team!r} in {workspace}.[/red]")
        raise typer.Exit(1)
    try:
        card = services.scorecard(ws, services.today(ws), team=found,
                                  function=services.function_in(ws, function))  # fmt: skip
    except ValidationError as exc:
        _fail(exc)
        return
    if as_json:
        typer.echo(json.dumps(card, default=str, indent=2))
        return
    console.print(f"{card['name']} scorecard, {card['as_of']}")
    for r in card["rows"]:
        k = r["kpi"]
        current = "—" if r["current"] is None else f"{r['current']:g}"
        target = "—" if k["target_value"] is None else f"{k['target_value']:g}"
        console.print(f"  {k['name']}{' (shared)' if k['shared'] else ''}: {current} {k['unit']} "
                      f"/ target {target}: {r['status_label']}")  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(kpi_app, name="kpi")
    app.command("scorecard")(scorecard)
