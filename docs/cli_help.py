"""Each command's ``--help`` as the CLI page shows it; cog runs this (`make cli-help`).

The help is rendered by the installed ``leadline`` program beside this Python, at a fixed width
and without colour, so the page reads the same on every machine and `make docs` (``cog
--check``) fails when a command's help changes and the page was not regenerated.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

WIDTH = "80"  # fits the page's text column without scrolling
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Variables that would make typer or rich colour or size the output whatever the width asked for
# (typer treats GitHub Actions as a terminal, and a terminal called "dumb" as 80 columns wide).
UNSTABLE = {
    "FORCE_COLOR",
    "PY_COLORS",
    "CLICOLOR_FORCE",
    "GITHUB_ACTIONS",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "LINES",
    "TERM",
}


def help_text(command: str) -> str:
    """Return ``leadline COMMAND --help`` at the fixed width, trailing spaces removed."""
    env = {k: v for k, v in os.environ.items() if k not in UNSTABLE}
    env.update(COLUMNS=WIDTH, TERMINAL_WIDTH=WIDTH, NO_COLOR="1", _TYPER_FORCE_DISABLE_TERMINAL="1")
    program = Path(sys.executable).with_name("leadline")
    result = subprocess.run(
        [str(program), *command.split(), "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [ANSI.sub("", line).rstrip() for line in result.stdout.splitlines()]
    return "\n".join(lines).strip("\n")


def block(command: str) -> str:
    """Return the help of ``command`` as a fenced Markdown block."""
    return f"```text\n{help_text(command)}\n```"
