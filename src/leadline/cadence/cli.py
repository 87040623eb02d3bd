"""`leadline cadence list` and `leadline pack generate`: the tiers with their next meetings,
and a status pack built from live data, printed or written as PDF, Markdown or JSON.

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from leadline.cli.common import console, fail, setup_django

cadence_app = typer.Typer(help="Cadence: the tiers of checkpoints and their next meetings.",
                          no_args_is_help=True)  # fmt: skip
pack_app = typer.Typer(help="Status packs built from live data.", no_args_is_help=True)

WORKSPACE = typer.Option(..., "--workspace", "-w", help="The workspace's slug.")
AS_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _workspace(slug: str) -> Any:
    setup_django()
    from leadline.workspaces.models import Workspace

    ws = Workspace.objects.filter(slug=slug).first()
    if ws is None:
        fail(f"no workspace {slug!r}")
    return ws


@cadence_app.command("list")
def list_tiers(workspace: str = WORKSPACE, as_json: bool = AS_JSON) -> None:
    """List the tiers with their rule, time zone and next three meetings."""
    ws = _workspace(workspace)
    from django.utils import timezone

    from leadline.cadence import services
    from leadline.cadence.recurrence import describe

    rows = [services.tier_out(t, timezone.now()) for t in services.tiers(ws)]
    if as_json:
        print(json.dumps(rows, indent=2, default=str))
        return
    table = Table("id", "tier", "name", "schedule", "time zone", "next meetings")
    for r in rows:
        nxt = ", ".join(s.strftime("%a %d %b %H:%M") for s in r["next_occurrences"][:3])
        table.add_row(str(r["id"]), r["tier"], r["name"], describe(r["rrule"]), r["timezone"], nxt)
    console.print(table if rows else "No tiers.")


@pack_app.command("generate")
def generate(
    workspace: str = WORKSPACE,
    tier: str = typer.Option(..., "--tier", help="team, stakeholder, milestone or steering (or a tier id)."),
    team: str | None = typer.Option(None, "--team", "-t", help="A team's slug (default: the tier's)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Data as of this date, YYYY-MM-DD (default: now)."),
    fmt: str = typer.Option("md", "--format", help="pdf, md or json."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file (default: print; PDF needs --out)."),
) -> None:  # fmt: skip
    """Build a status pack for a tier from live data, frozen, and print or write it."""
    ws = _workspace(workspace)
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from leadline.cadence import packs, services
    from leadline.governance.services import system_access
    from leadline.workspaces.models import Team

    if fmt not in {"pdf", "md", "json"}:
        fail(f"--format: {fmt!r} is not one of pdf, md, json")
    if fmt == "pdf" and out is None:
        fail("--format pdf needs --out FILE")
    moment = None
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            fail(f"--as-of: {as_of!r} is not a date (YYYY-MM-DD)")
        moment = timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
        moment = min(moment, timezone.now())
    found_team = None
    if team:
        found_team = Team.objects.filter(workspace=ws, slug=team).first()
        if found_team is None:
            fail(f"--team: no team {team!r} in {workspace}")
    try:
        found = services.tier_by_kind(ws, tier)
        pack = packs.generate(system_access(ws), found, None, team=found_team, as_of=moment)
    except ValidationError as exc:
        fail(
            "; ".join(
                f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in exc.message_dict.items()
            )
        )
    data: bytes
    if fmt == "pdf":
        data = packs.pdf(pack)
    elif fmt == "json":
        data = json.dumps(packs.pack_out(pack), indent=2, default=str).encode()
    else:
        data = packs.markdown(pack).encode()
    if out is None:
        sys.stdout.write(data.decode())
        return
    out.write_bytes(data)
    console.print(f"Wrote pack {pack.pk} ({fmt}) to {out}")


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(cadence_app, name="cadence")
    app.add_typer(pack_app, name="pack")
