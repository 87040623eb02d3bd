"""`leadline changes …`: change requests' impact check.

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

import json

import typer
from rich.table import Table

from leadline.governance.cli import cli_access, console, err, setup

changes_app = typer.Typer(help="Change requests: their impact check.", no_args_is_help=True)


@changes_app.command("impact")
def changes_impact(
    change_id: int = typer.Argument(..., help="The change request's id (in its page's URL)."),
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Show a change request's impact: where its remaining scope comes from, the forecast with
    and without it (dates at 50/70/85/95 %), and its target date. Exits 1 when there is no
    scope to read, saying what to choose."""
    setup()
    from django.http import Http404

    from leadline.changes import services as changes
    from leadline.delivery.services import today

    access = cli_access(workspace)
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


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(changes_app, name="changes")
