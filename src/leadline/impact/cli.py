"""`leadline before-after FILE.csv`: the before/after analysis of a ``date,value`` file.

No database and no server: the file is read (:mod:`leadline.impact.observations`) and handed to
the pure engine (:mod:`leadline.impact.analysis`), which the API uses for the workspace's
series, so both print the same fields for the same observations.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NoReturn

import typer

from leadline.cli.common import console, fail, parse_date


def _fail(message: str) -> NoReturn:
    fail(message, 2, highlight=False)


def before_after(
    file: Path = typer.Argument(..., help="A CSV file with a header row date,value."),
    at: str | None = typer.Option(
        None, "--at", help="The announced date of the change (YYYY-MM-DD): splits before/after."
    ),
    detect: bool = typer.Option(
        False,
        "--detect",
        help="Split at the detected change (with --at: the strongest within --window days).",
    ),
    changes: int = typer.Option(
        1, "--changes", min=1, max=10, help="How many changes to detect (listed, and segments)."
    ),
    window: int = typer.Option(
        90, "--window", min=1, max=3650, help="Days either side of --at searched for the change."
    ),
    kind: str = typer.Option(
        "series", "--kind", help="series (a value per period) or events (one per event)."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the bootstrap interval."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a summary."),
) -> None:
    """Compare a metric before and after a change: medians, the Mann-Whitney U test, the
    Hodges-Lehmann shift with a bootstrap interval, the detected change point and the change
    in level and slope."""
    from leadline.impact.analysis import AnalysisError, analyse
    from leadline.impact.observations import ObservationError, read

    day = parse_date(at, "--at")
    if day is None and not detect:
        _fail("give --at DATE (the announced change) or --detect")
    if kind not in ("series", "events"):
        _fail(f"--kind {kind!r}: the allowed values are series and events")
    if not file.is_file():
        _fail(f"{file}: no such file")
    try:
        obs = read(file)
        result = analyse(
            obs.dates, obs.values, at=day, detect=detect, changes=changes,
            kind=kind, window_days=window, seed=seed,  # type: ignore[arg-type]
        )  # fmt: skip
    except ObservationError as exc:
        _fail(f"{file}: {exc}")
    except AnalysisError as exc:
        _fail(f"{file}: {exc.field}: {exc.message}")
    if as_json:
        print(json.dumps(result, indent=2))
        return
    _summary(result)


def _fmt(x: Any) -> str:
    return "–" if x is None else f"{x:.4g}" if isinstance(x, float) else str(x)


def _summary(r: Any) -> None:
    b, a, t, s, g = r["before"], r["after"], r["test"], r["shift"], r["regression"]
    console.print(
        f"Split at {r['split_at']} ({r['split_by']}); announced {_fmt(r['at'])}, "
        f"detected {_fmt(r['detected_at'])}"
    )
    for name, side in (("Before", b), ("After", a)):
        console.print(
            f"{name}: n={side['n']} ({side['start']} to {side['end']}), "
            f"median {_fmt(side['median'])}, mean {_fmt(side['mean'])}"
        )
    console.print(f"{t['name']}: U={_fmt(t['statistic'])}, p={_fmt(t['p_value'])} ({t['method']})")
    console.print(
        f"Shift (Hodges-Lehmann): {_fmt(s['estimate'])}, {round(100 * s['confidence'])} % "
        f"interval {_fmt(s['low'])} to {_fmt(s['high'])}"
    )
    console.print(
        f"Level change {_fmt(g['level_change'])}; slope per day {_fmt(g['slope_before_per_day'])}"
        f" before, {_fmt(g['slope_after_per_day'])} after"
    )


def register(app: typer.Typer) -> None:
    """Add `before-after` to the Leadline CLI."""
    app.command("before-after")(before_after)
