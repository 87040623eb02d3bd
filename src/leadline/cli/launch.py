"""The `leadline` command's entry point: the CLI (:mod:`leadline.cli.main`).

A plain `leadline analyze` command line (see :mod:`leadline.analyze.argv`) first starts
decoding its Jira export in forked children, then runs without loading the CLI app: Typer's
parsing and every app's commands take a tenth of a second the decode would otherwise wait for.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the CLI."""
    if sys.argv[1:2] == ["analyze"]:
        from leadline.analyze.argv import start_decoding

        start_decoding()
        # A plain command line runs without loading the other apps' commands.
        from leadline.analyze.cli import run_plain_analyze

        if run_plain_analyze(sys.argv[2:]):
            return
    from leadline.cli.main import main as run

    run()
