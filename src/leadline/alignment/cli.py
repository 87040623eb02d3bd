"""`leadline alignment …`: list checks, print a check's results, its disagreements, remind.

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from leadline.governance.cli import cli_access, console, err, setup, workspace_or_exit

alignment_app = typer.Typer(
    help="Alignment checks: list them, read results and disagreements.", no_args_is_help=True
)


@alignment_app.command("list")
def alignment_list(
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the workspace's checks with how many have answered (never what)."""
    setup()
    from leadline.alignment import services as alignment
    from leadline.alignment.models import AlignmentCheck

    ws = workspace_or_exit(workspace)
    rows = []
    for c in AlignmentCheck.objects.filter(workspace=ws).select_related("team"):
        p = alignment.progress(c)
        rows.append(
            {
                "id": c.pk,
                "title": c.title,
                "team": c.team.slug if c.team else None,
                "closes_at": c.closes_at.isoformat(),
                "closed": c.closed_at is not None,
                "results_shown": alignment.results_visible(c),
                "answered": p["answered"],
                "invited": p["invited"],
            }
        )
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("id", "check", "team", "closes", "answered", "results")
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["title"]),
            str(r["team"] or "—"),
            "closed" if r["closed"] else str(r["closes_at"])[:10],
            f"{r['answered']} of {r['invited']}",
            "shown" if r["results_shown"] else "hidden",
        )
    console.print(table if rows else "No alignment checks.")


@alignment_app.command("results")
def alignment_results(
    check_id: int = typer.Argument(..., help="The check's id (see `leadline alignment list`)."),
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    as_json: bool = typer.Option(False, "--json", help="Print the API's JSON."),
    csv: Path | None = typer.Option(None, "--csv", help="Write the answers as CSV to this file."),
) -> None:
    """Print a check's results: each question's measure and what is contested."""
    setup()
    from django.http import Http404

    from leadline.alignment import services as alignment
    from leadline.alignment.results import results_csv, results_for

    access = cli_access(workspace)
    try:
        check = alignment.get_check(access, check_id)
    except Http404:
        err.print(f"[red]Error:[/red] no alignment check {check_id} in {workspace!r}")
        raise typer.Exit(1) from None
    res = results_for(check)
    if csv is not None:
        csv.write_text(results_csv(res), encoding="utf-8")
        console.print(f"Wrote {csv}")
        return
    if as_json:
        print(json.dumps(res, indent=2, default=str))
        return
    table = Table("question", "kind", "answers", "measure", "disagreement", "contested")
    for q in res["questions"]:
        m = q["measure"]
        contested = ", ".join(q["contested_items"]) or (q["framework_mismatch"] or "")
        table.add_row(
            q["text"],
            q["kind"],
            str(q["responses"]),
            f"{m['name']} {m['value']}" if m["value"] is not None else "—",
            "yes" if q["disagreement"] else "no",
            contested,
        )
    console.print(f"{res['title']}: {res['answered']} of {res['invited']} answered")
    console.print(table)


@alignment_app.command("disagreements")
def alignment_disagreements(
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of lines."),
) -> None:
    """List the open disagreements (shown results, checks closed at most six weeks ago)."""
    setup()
    from leadline.alignment.services import open_disagreements

    rows = open_disagreements(workspace_or_exit(workspace))
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    for d in rows:
        what = ", ".join(d["contested"]) or d["framework_mismatch"] or d["measure"]
        console.print(f"{d['check']} — {d['question']}: {what} (talk to {', '.join(d['who'])})")
    if not rows:
        console.print("No open disagreements.")


@alignment_app.command("remind")
def alignment_remind() -> None:
    """Remind people with an account who have not answered a check closing within two days."""
    setup()
    from django.utils import timezone

    from leadline.alignment.notices import send_reminders

    console.print(f"{send_reminders(timezone.now())} reminders sent.")


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(alignment_app, name="alignment")
