"""`leadline escalate` and `leadline notify …`: escalation rules and the daily digest.

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

import typer

from leadline.governance.cli import console, setup, workspace_or_exit

notify_app = typer.Typer(help="Notifications: the daily digest.", no_args_is_help=True)


escalate_app = typer.Typer(help="Evaluate every escalation rule now.", invoke_without_command=True)


@escalate_app.callback()
def escalate(
    workspace: str | None = typer.Option(
        None, "--workspace", "-w", help="Only this workspace (default: all)."
    ),
) -> None:
    """Evaluate every escalation rule now; raise and notify new alerts (idempotent)."""
    setup()
    from django.utils import timezone

    from leadline.notify.escalate import evaluate_all, evaluate_escalations

    now = timezone.now()
    if workspace:
        counts = {workspace: len(evaluate_escalations(workspace_or_exit(workspace), now))}
    else:
        counts = evaluate_all(now)
    for slug, n in counts.items():
        console.print(f"{slug}: {n} new alert{'s' if n != 1 else ''}")


@notify_app.command("digest")
def notify_digest(
    workspace: str | None = typer.Option(
        None, "--workspace", "-w", help="Only this workspace (default: all)."
    ),
    dry_run: bool = typer.Option(False, help="Print the digest instead of sending it."),
) -> None:
    """Send the daily digest (in the app and to digest channels); run it daily from cron."""
    setup()
    from django.utils import timezone

    from leadline.notify.services import digest, send_digest
    from leadline.workspaces.models import Workspace

    workspaces = [workspace_or_exit(workspace)] if workspace else list(Workspace.objects.all())
    for ws in workspaces:
        title, body = digest(ws, timezone.now()) if dry_run else send_digest(ws)
        console.print(f"[bold]{title}[/bold]\n{body}\n")


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(escalate_app, name="escalate")
    app.add_typer(notify_app, name="notify")
