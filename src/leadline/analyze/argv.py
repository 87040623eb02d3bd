"""A plain `leadline analyze` command line, read without Typer (and without importing it).

``plain_args`` takes only the unambiguous form: files, known options given once as
``--opt VALUE`` or ``--opt=VALUE``, non-negative integers in range. Anything else returns None
and Typer parses the line, errors and all. ``start_decoding`` uses it before the CLI loads, so
the export's decode starts in forked children while this process imports the CLI, Polars and
NumPy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

# `leadline analyze` options and the parameter each sets; integer ones with their minimum.
ANALYZE_OPTIONS = {
    "--out": "out",
    "-o": "out",
    "--source": "source",
    "--workflow": "workflow",
    "--preset": "preset",
    "--as-of": "as_of",
    "--tz": "tz",
    "--forecast-items": "forecast_items",
    "--forecast-days": "forecast_days",
    "--trials": "trials",
    "--seed": "seed",
    "--window": "window",
    "--images": "images",
    "--encoding": "encoding",
}
INT_MIN: dict[str, int | None] = {
    "forecast_items": None,
    "forecast_days": None,
    "trials": 1,
    "seed": None,
    "window": 1,
}


def plain_args(argv: list[str]) -> tuple[list[Path], dict[str, Any]] | None:
    """Return the files and the given options' values of a plain command line, else None."""
    values: dict[str, Any] = {}
    files: list[Path] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("-"):
            if not arg:
                return None
            files.append(Path(arg))
            i += 1
            continue
        name, eq, value = arg.partition("=")
        key = ANALYZE_OPTIONS.get(name)
        if key is None or key in values:
            return None
        if not eq:
            if i + 1 >= len(argv):
                return None
            value = argv[i + 1]
            i += 1
        if not value or value.startswith("-"):
            return None
        if key in INT_MIN:
            low = INT_MIN[key]
            if not value.isascii() or not value.isdigit() or (low is not None and int(value) < low):
                return None
            values[key] = int(value)
        else:
            values[key] = Path(value) if key in ("out", "workflow") else value
        i += 1
    if not files or "out" not in values:
        return None
    return files, values


def allocator_settings() -> None:
    """Keep freed pages (page faults are costly here) and start no BLAS threads (analyze does
    no linear algebra: NumPy loads faster); only effective before Polars and NumPy load."""
    os.environ.setdefault("_RJEM_MALLOC_CONF", "retain:true,dirty_decay_ms:-1,muzzy_decay_ms:-1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def standalone() -> bool:
    """True in a `leadline analyze` process of its own (not the CLI called in-process)."""
    return Path(sys.argv[0]).name == "leadline" and sys.argv[1:2] == ["analyze"]


def start_decoding() -> None:
    """In a standalone `leadline analyze` of one Jira JSON export, start decoding it now.

    Only for a plain command line, which ``run_plain_analyze`` then runs (its ``analyze``
    collects or cancels the decode); the decode checks the file's identity when collected.
    """
    if not standalone():
        return
    parsed = plain_args(sys.argv[2:])
    if parsed is None:
        return
    files, values = parsed
    if values.get("source", "jira-json") == "jira-json" and len(files) == 1:
        from leadline.connectors.jira.decode import prefetch

        allocator_settings()
        prefetch(files[0])
