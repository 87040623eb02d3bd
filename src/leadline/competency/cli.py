"""`leadline competency show`: your own latest self-assessment, as a table or JSON.

You are whoever your personal API token says (``--token`` or LEADLINE_TOKEN): the command shows
only your own assessments, as the API does, never anyone else's.
"""

from __future__ import annotations

import json

import typer
from rich.table import Table

from leadline.cli.common import console, fail, setup_django

competency_app = typer.Typer(help="Your competency self-assessment (yours only).",
                             no_args_is_help=True)  # fmt: skip


@competency_app.command("show")
def show(
    workspace: str = typer.Option(..., "--workspace", "-w", help="The workspace's slug."),
    token: str = typer.Option(
        ...,
        "--token",
        envvar="LEADLINE_TOKEN",
        show_default=False,
        help="Your personal API token (or set LEADLINE_TOKEN).",
    ),  # fmt: skip
    assessment: int | None = typer.Option(
        None, "--id", help="One of your assessments (default: the latest)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Show your own self-assessment: levels, raters' means (from three raters) and your plan."""
    setup_django()
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from leadline.competency import services
    from leadline.workspaces.services import access_for, user_for_token

    user = user_for_token(token)
    if user is None:
        fail("that token is not valid (make one with `leadline token create`)")
    try:
        access = access_for(user, workspace)
        found = (services.readable(access, user, assessment) if assessment
                 else services.latest_own(access, user))  # fmt: skip
    except (Http404, PermissionDenied):
        fail(f"no such assessment of yours in {workspace!r}")
    if found is None or found.user_id != user.pk:
        fail(f"you have no self-assessment in {workspace!r} yet")
    out = services.assessment_out(access, user, found)
    if as_json:
        print(json.dumps(out, indent=2, default=str))
        return
    table = Table("cornerstone", "competency", "self", "raters")
    for r in out["ratings"]:
        if r["level"] or r["raters_mean"] is not None:
            table.add_row(r["cornerstone"], r["name"], str(r["level"] or "–"),
                          "–" if r["raters_mean"] is None else str(r["raters_mean"]))  # fmt: skip
    console.print(f"{out['title']} (model v{out['model_number']})")
    console.print(table)
    console.print(out["raters"]["note"])
    for g in out["goals"]:
        console.print(f"Goal: {g['text']} ({g['competency_name']}, review {g['review_on']}"
                      f"{', done' if g['done'] else ''})")  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(competency_app, name="competency")
