"""`leadline radar …`: the findings, running the rules now, the rules.

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import typer
from rich.table import Table

import leadline.cli.common as common
from leadline.cli.common import console, fail

radar_app = typer.Typer(
    help="The Radar: findings, running the rules, the rules.", no_args_is_help=True
)

_WORKSPACE = typer.Option(None, "--workspace", "-w", help="Only this workspace (default: all).")
_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def _iso(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _workspaces(slug: str | None) -> list[Any]:
    from leadline.workspaces.models import Workspace

    if slug is None:
        return list(Workspace.objects.order_by("slug"))
    ws = Workspace.objects.filter(slug=slug).first()
    if ws is None:
        fail(f"no workspace {slug!r}", 2, highlight=False)
    return [ws]


@radar_app.command("list")
def radar_list(
    workspace: str | None = _WORKSPACE,
    team: str | None = typer.Option(
        None, "--team", "-t", help="Only findings about this team (needs --workspace)."
    ),
    status: str = typer.Option(
        "live",
        "--status",
        help="open, acknowledged, resolved, dismissed, or live (open and acknowledged).",
    ),
    severity: str | None = typer.Option(None, "--severity", help="high, medium or low."),
    rule: str | None = typer.Option(None, "--rule", help="Only this rule's findings (its key)."),
    as_json: bool = _JSON,
) -> None:
    """List the Radar's findings, open first by severity (as the Radar page does)."""
    common.setup_django()
    from django.core.exceptions import ValidationError

    from leadline.radar.services import findings

    if team and not workspace:
        fail("--team needs --workspace (team slugs belong to a workspace)", 2)
    rows: list[dict[str, Any]] = []
    for ws in _workspaces(workspace):
        team_obj = None
        if team:
            team_obj = ws.teams.filter(slug=team).first()
            if team_obj is None:
                fail(f"no team {team!r} in {ws.slug}", 2, highlight=False)
        try:
            result = findings(ws, status=status, team=team_obj, rule=rule, severity=severity)
        except ValidationError as exc:
            fail("; ".join(f"--{k} {m}" for k, ms in exc.message_dict.items() for m in ms), 2)
        rows += [{"workspace": ws.slug, **f} for f in result["items"]]
    if as_json:
        print(json.dumps(rows, indent=2, default=_iso))
        return
    if not rows:
        console.print("No findings.")
        return
    table = Table("workspace", "id", "severity", "status", "finding", "team", "talk to")
    for f in rows:
        table.add_row(
            f["workspace"], str(f["id"]), f["severity"], f["status"], f["title"],
            f["team"] or "", ", ".join(c["name"] for c in f["talk_to"]),
        )  # fmt: skip
    console.print(table)


@radar_app.command("run")
def radar_run(
    workspace: str | None = _WORKSPACE,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Run every rule now (new and reopened high findings are notified, as on the workers).
    Exits 1 when a rule failed; the other rules' findings are kept."""
    common.setup_django()
    from leadline.radar.services import run_out, run_workspace

    out = {ws.slug: run_out(run_workspace(ws)) for ws in _workspaces(workspace)}
    if as_json:
        print(json.dumps(out, indent=2))
    else:
        for slug, r in out.items():
            console.print(
                f"{slug}: {r['raised']} new, {r['reopened']} reopened, {r['cleared']} cleared, "
                f"{r['still_open']} still open ({r['rules_run']} rules, {r['seconds']:.2f} s)"
            )
            for key, error in r["errors"].items():
                console.print(f"  [red]rule {key} failed:[/red] {error}", highlight=False)
    if any(r["errors"] for r in out.values()):
        raise typer.Exit(1)


@radar_app.command("rules")
def radar_rules(as_json: bool = _JSON) -> None:
    """List the Radar's rules: key, area, title, default thresholds and source."""
    common.setup_django()
    from leadline.radar.registry import all_rules

    rows: list[dict[str, Any]] = [
        {
            "key": r.key,
            "area": r.area,
            "title": r.title,
            "why": r.why,
            "source": r.source,
            "recheck_days": r.recheck_days,
            "thresholds": [
                {
                    "key": t.key,
                    "label": t.label,
                    "default": t.default,
                    "minimum": t.minimum,
                    "maximum": t.maximum,
                    "unit": t.unit,
                }
                for t in r.thresholds
            ],
        }  # fmt: skip
        for r in all_rules()
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("rule", "area", "what it looks for", "default thresholds")
    for r in rows:
        defaults = ", ".join(
            f"{t['key']} {t['default']:g}{' ' + t['unit'] if t['unit'] else ''}"
            for t in r["thresholds"]
        )
        table.add_row(r["key"], r["area"], r["title"], defaults)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(radar_app, name="radar")
