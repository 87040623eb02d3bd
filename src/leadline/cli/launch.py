"""The `leadline` command's entry point: the CLI (:mod:`leadline.cli.main`), loaded after a
plain `leadline analyze` of a Jira export has started decoding it in forked children.

Loading the CLI (Typer, Rich, every app's commands) takes a tenth of a second that the decode
would otherwise wait for; see :func:`leadline.analyze.argv.start_decoding`.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the CLI."""
    if sys.argv[1:2] == ["analyze"]:
        from leadline.analyze.argv import start_decoding

        start_decoding()
    from leadline.cli.main import main as run

    run()
