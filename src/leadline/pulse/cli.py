"""`leadline pulse …`: start a pulse, print results (k enforced, as everywhere), run the schedule.

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

import json

import typer

from leadline.governance.cli import cli_access, console, err, setup

pulse_app = typer.Typer(help="Team pulses: start, results, schedule.", no_args_is_help=True)


@pulse_app.command("start")
def start(
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    team: str = typer.Option(..., "--team", "-t", help="Team slug."),
    template: str = typer.Option(
        "psychological-safety", help="psychological-safety, health-check or custom."
    ),
    question: list[str] = typer.Option(
        [], "--question", "-q", help="A custom question (repeat the option for each)."
    ),
    schedule: str = typer.Option("fortnightly", help="once, weekly, fortnightly or monthly."),
    open_days: int = typer.Option(5, help="How many days each round is open (1 to 28)."),
) -> None:
    """Start a pulse for a team; each member gets their personal link (links are not printed)."""
    setup()
    from django.core.exceptions import ValidationError

    from leadline.pulse import services
    from leadline.workspaces.services import team_by_slug

    access = cli_access(workspace)
    found = team_by_slug(access.workspace, team)
    if found is None:
        err.print(f"[red]No team {team!r} in {workspace}.[/red]")
        raise typer.Exit(1)
    try:
        made = services.create_pulse(access, found, template, questions=question,
                                     schedule=schedule, open_days=open_days)  # fmt: skip
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            err.print(f"[red]{field}: {' '.join(messages)}[/red]")
        raise typer.Exit(1) from None
    console.print(f"Started pulse {made['id']} ({made['title']}) for {found.name}: round "
                  f"{made['round']} open until {made['closes_at']:%Y-%m-%d %H:%M}, "
                  f"{len(made['links'])} invited.")  # fmt: skip


@pulse_app.command("results")
def results(
    pulse: int = typer.Argument(..., help="The pulse's id."),
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    round_number: int | None = typer.Option(
        None, "--round", help="Round (default: latest closed)."
    ),
    csv: bool = typer.Option(False, "--csv", help="Every round as CSV instead of one as JSON."),
) -> None:
    """Print a pulse's results; below the minimum group size only the count (as on the page)."""
    setup()
    from django.utils import timezone

    from leadline.pulse import reports, services

    access = cli_access(workspace)
    p = services.pulse_in(access.workspace, pulse)
    now = timezone.now()
    if csv:
        typer.echo(reports.results_csv(access.workspace, p, now), nl=False)
    else:
        typer.echo(json.dumps(reports.results(access.workspace, p, now, round_number),
                              default=str, indent=2))  # fmt: skip


@pulse_app.command("schedule")
def schedule() -> None:
    """Run the pulse schedule now: close due rounds, open scheduled ones, send reminders."""
    setup()
    from django.utils import timezone

    from leadline.pulse.jobs import run_schedule

    out = run_schedule(timezone.now())
    console.print(f"{out['opened']} opened, {out['reminded']} reminded, {out['closed']} closed.")


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(pulse_app, name="pulse")
