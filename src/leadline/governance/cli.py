"""Command line helpers the governance apps' commands share."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console

console = Console()


err = Console(stderr=True)


def setup() -> None:
    from leadline.cli.common import setup_django

    setup_django()


def workspace_or_exit(slug: str) -> Any:
    from leadline.workspaces.models import Workspace

    ws = Workspace.objects.filter(slug=slug).first()
    if ws is None:
        err.print(f"[red]Error:[/red] no workspace {slug!r}")
        raise typer.Exit(1)
    return ws


def cli_access(slug: str) -> Any:
    """Return owner-level access for the command line (it runs with the server's rights)."""
    from leadline.governance.services import system_access

    return system_access(workspace_or_exit(slug))
