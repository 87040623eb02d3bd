"""The `leadline` command line.

:mod:`leadline.cli.main` holds the Typer app and the platform's commands and adds each app's
commands from its own ``cli`` module; :mod:`leadline.cli.common` is what those modules share.
``leadline.cli.app`` is the app, loaded on first use (importing :mod:`leadline.cli.common`
must not load every app's commands).
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "app":
        from leadline.cli.main import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
