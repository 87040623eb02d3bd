"""`leadline import ...` and `leadline quality`: thin commands over the delivery services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from leadline.cli.common import console, fail, run_here, setup_django
from leadline.connectors.git.repository import DEFAULT_DEPLOY_TAGS

import_app = typer.Typer(
    help="Import delivery data (runs as a resumable job).", no_args_is_help=True
)

WORKSPACE = typer.Option(None, "--workspace", "-w", help="Workspace slug (default: the only one).")
TEAM = typer.Option(None, "--team", "-t", help="Team slug; created if it does not exist.")
BACKGROUND = typer.Option(
    False, "--background", help="Queue it for a worker instead of running it here."
)


def _scope(workspace: str | None, team: str | None) -> tuple[Any, Any]:
    from leadline.workspaces.models import Team, Workspace
    from leadline.workspaces.services import unique_slug

    if workspace is None:
        choices = list(Workspace.objects.exclude(slug="sandbox"))
        if len(choices) != 1:
            names = ", ".join(w.slug for w in choices) or "none yet"
            fail(f"Name the workspace with --workspace (there are: {names})", 2)
        ws = choices[0]
    else:
        found_ws = Workspace.objects.filter(slug=workspace).first()
        if found_ws is None:
            fail(
                f"No workspace {workspace!r}; create it with `leadline createuser ... --workspace`",
                2,
            )
        ws = found_ws
    if team is None:
        return ws, None
    found = Team.objects.filter(workspace=ws, slug=team).first()
    if found is None:
        found = Team.objects.create(
            workspace=ws,
            slug=unique_slug(Team, team, workspace=ws),
            name=team.replace("-", " ").title(),
        )
        typer.echo(f"Created team {found.slug} in {ws.slug}.")
    return ws, found


ENCODING = typer.Option(
    None,
    "--encoding",
    help="The file's encoding when it is neither UTF-8 nor UTF-16 with a BOM (cp1252, latin-1…).",
)


def _run(
    kind: str,
    path: Path,
    workspace: str | None,
    team: str | None,
    background: bool,
    deploy_tags: str | None = None,
    encoding: str | None = None,
) -> None:
    setup_django()
    from leadline.delivery.jobs import start_import

    if encoding:
        from leadline.connectors.textfile import EncodingProblem, check_encoding

        try:
            encoding = check_encoding(encoding)
        except EncodingProblem as problem:
            fail(f"--encoding: {problem}", 2)
    ws, team_obj = _scope(workspace, team)
    job = start_import(
        ws,
        kind,
        str(path),
        team_obj,
        queue=background,
        deploy_tags=deploy_tags,
        encoding=encoding,
    )
    console.print(f"Job {str(job.pk)[:8]}: {job.title}")
    if background:
        console.print("Queued; follow it with `leadline jobs --follow " + str(job.pk)[:8] + "`")
        return
    run_here(job)


@import_app.command("jira-json")
def import_jira_json(
    file: Path = typer.Argument(..., help="A Jira JSON export (REST search response format)."),
    workspace: str | None = WORKSPACE,
    team: str | None = TEAM,
    background: bool = BACKGROUND,
) -> None:
    """Import issues with their full status histories from a Jira JSON export."""
    _run("jira-json", file, workspace, team, background)


@import_app.command("csv")
def import_csv(
    file: Path = typer.Argument(
        ..., help="A CSV file (columns: docs/delivery-data.md, or `template`)."
    ),
    kind: str = typer.Option(
        "work_items", help="What the file holds: work_items, deployments or incidents."
    ),
    workspace: str | None = WORKSPACE,
    team: str | None = TEAM,
    background: bool = BACKGROUND,
    encoding: str | None = ENCODING,
) -> None:
    """Import work items (with transitions), deployments or incidents from CSV."""
    kinds = {"work_items": "csv", "deployments": "csv-deployments", "incidents": "csv-incidents"}
    if kind not in kinds:
        raise typer.BadParameter(f"use one of {', '.join(kinds)}", param_hint="--kind")
    _run(kinds[kind], file, workspace, team, background, encoding=encoding)


@import_app.command("git")
def import_git(
    path: Path = typer.Argument(..., help="A local git repository."),
    workspace: str | None = WORKSPACE,
    team: str | None = TEAM,
    background: bool = BACKGROUND,
    deploy_tags: str = typer.Option(
        DEFAULT_DEPLOY_TAGS,
        "--deploy-tags",
        help="Tags matching this glob count as successful production deployments of the "
        "repository (DORA); '' for none: tags are then releases only.",
    ),
) -> None:
    """Import commits, merges and tags (as releases, and as deployments when they match
    --deploy-tags) from a local git repository."""
    _run("git", path, workspace, team, background, deploy_tags=deploy_tags)


@import_app.command("template")
def template(
    kind: str = typer.Argument(
        "work_items", help="work_items, transitions, deployments, incidents"
    ),
) -> None:
    """Print a CSV template with the documented columns."""
    from leadline.connectors.csv import template as make

    typer.echo(make(kind), nl=False)


def quality(
    workspace: str | None = WORKSPACE,
    team: str | None = typer.Option(None, "--team", "-t", help="Team slug (default: all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Print the data-quality report: what in the imported data can't be trusted."""
    setup_django()
    from rich.table import Table

    from leadline.delivery.quality import quality_report

    ws, team_obj = _scope(workspace, None)
    if team:
        team_obj = ws.teams.filter(slug=team).first()
    report = quality_report(ws, team_obj)
    if as_json:
        print(json.dumps(report, indent=2, default=str))
        return
    console.print(f"{report['items']} items, {report['transitions']} transitions")
    table = Table("check", "count", "examples")
    for check in report["checks"]:
        examples = ", ".join(e["key"] for e in check["examples"][:5])
        table.add_row(check["check"].replace("_", " "), str(check["count"]), examples)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the delivery commands to the main CLI."""
    app.add_typer(import_app, name="import")
    app.command("quality")(quality)
