"""`leadline analyze`: the database-free analysis command.

Imports stay lean (no Django, no pandas; Polars and NumPy load inside the commands), so the
whole process stays fast on large exports. ``register(app)`` adds the commands to the CLI.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import typer

from leadline import bounds, defaults
from leadline.analyze.argv import ANALYZE_OPTIONS, allocator_settings, plain_args, standalone
from leadline.cli.common import fail, parse_date


def _fail(message: str) -> NoReturn:
    fail(message, 2, highlight=False)


IMAGE_FORMATS = ("svg", "png")  # leadline.charts.images.FORMATS, without importing it here


def _parse_images(value: str | None) -> tuple[str, ...]:
    """Return the formats of a comma-separated ``--images`` value (none for None)."""
    if value is None:
        return ()
    formats = [part.strip().lower() for part in value.split(",")]
    if not all(f in IMAGE_FORMATS for f in formats):
        allowed = " and ".join(IMAGE_FORMATS)
        _fail(f"--images {value!r}: the allowed values are {allowed}, comma-separated (svg,png)")
    return tuple(dict.fromkeys(formats))


def analyze(
    files: list[Path] = typer.Argument(..., help="Tracker export files (all the same source)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the outputs into."),
    source: str = typer.Option("jira-json", "--source", help="jira-json or csv."),
    workflow: Path | None = typer.Option(
        None, "--workflow", help="A jira-agile-metrics config file (its Workflow columns)."
    ),
    preset: str = typer.Option(
        "vacanti", "--preset", help="Stage-date conventions: vacanti or jira-agile-metrics."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Analysis date (default: today)."),
    tz: str = typer.Option("UTC", "--tz", help="IANA time zone whose midnight starts a day."),
    forecast_items: int | None = typer.Option(
        None,
        "--forecast-items",
        min=0,
        max=bounds.ITEMS.high,
        help="Items for the 'when' forecast (default: current WIP).",
    ),
    forecast_days: int = typer.Option(
        defaults.FORECAST_DAYS,
        "--forecast-days",
        min=1,
        max=bounds.FORECAST_DAYS.high,
        help="Days for 'how many'.",
    ),
    trials: int = typer.Option(
        defaults.TRIALS, "--trials", min=1, max=bounds.TRIALS.high, help="Monte Carlo trials."
    ),
    seed: int = typer.Option(
        defaults.SEED,
        "--seed",
        min=0,
        max=bounds.SEED.high,
        help="Random seed (same seed, same forecast).",
    ),
    window: int = typer.Option(
        defaults.WINDOW_DAYS,
        "--window",
        min=1,
        max=bounds.WINDOW_DAYS.high,
        help="Throughput window in days.",
    ),
    images: str | None = typer.Option(
        None, "--images", help="Also draw every chart as svg, png or svg,png (default: none)."
    ),
    encoding: str | None = typer.Option(
        None,
        "--encoding",
        help="A CSV file's encoding when it is neither UTF-8 nor UTF-16 with a BOM (cp1252…).",
    ),
) -> None:
    """Analyse tracker files: cycle times, CFD, throughput, percentiles, aging, forecasts, report.

    Needs no database. Bad input exits with code 2 naming the file, line or issue, and field;
    nothing is written then.
    """
    allocator_settings()
    alone = standalone()
    try:
        formats = _parse_images(images)
        if alone and source == "jira-json" and len(files) == 1:
            # Decode the export in forked children while this process imports Polars and NumPy
            # (`leadline.analyze.argv.start_decoding` may have started it already).
            from leadline.connectors.jira.decode import prefetch

            prefetch(files[0])
        _analyze(
            files,
            out,
            source,
            workflow,
            preset,
            as_of,
            tz,
            forecast_items,
            forecast_days,
            trials,
            seed,
            window,
            formats,
            encoding,
        )
    finally:
        from leadline.connectors.jira.decode import cancel

        cancel()
    if alone:
        # Every output is written and closed: skip freeing millions of objects at exit.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def run_plain_analyze(argv: list[str]) -> bool:
    """Run `analyze` for a plain command line without Typer's parsing; False to let Typer parse.

    Typer coerces every value through Pydantic, whose import costs more than parsing a large
    export's header. Only the unambiguous form is taken here (files, known options given once
    as ``--opt VALUE`` or ``--opt=VALUE``, non-negative integers in range); anything else
    (help, unknown or repeated options, odd values) returns False and Typer handles it, errors
    and all.
    """
    import inspect

    parsed = plain_args(argv)
    if parsed is None:
        return False
    files, values = parsed
    params = inspect.signature(analyze).parameters
    for key in ANALYZE_OPTIONS.values():
        if key not in values:
            values[key] = params[key].default.default  # the typer.Option's default
    try:
        analyze(files=files, **values)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    return True


def _analyze(
    files: list[Path],
    out: Path,
    source: str,
    workflow: Path | None,
    preset: str,
    as_of: str | None,
    tz: str,
    forecast_items: int | None,
    forecast_days: int,
    trials: int,
    seed: int,
    window: int,
    images: tuple[str, ...] = (),
    encoding: str | None = None,
) -> None:
    from leadline.analyze.run import AnalyzeOptions
    from leadline.analyze.run import analyze as run
    from leadline.analyze.sources import AnalyzeInputError

    options = AnalyzeOptions(
        source=source,
        workflow=str(workflow) if workflow else None,
        preset=preset,
        as_of=parse_date(as_of, "--as-of"),
        tz=tz,
        trials=trials,
        seed=seed,
        window_days=window,
        forecast_items=forecast_items,
        forecast_days=forecast_days,
        images=images,
        encoding=encoding,
    )
    try:
        summary = run(files, out, options)
    except AnalyzeInputError as error:
        _fail(str(error))
    from rich.console import Console

    err = Console(stderr=True, highlight=False)
    if summary["unmapped_statuses"]:
        err.print(
            "[yellow]Warning:[/yellow] moves into statuses no stage maps were ignored: "
            + ", ".join(summary["unmapped_statuses"])
        )
    if summary["rejected_rows"]:
        err.print(
            f"[yellow]Warning:[/yellow] {summary['rejected_rows']:,} impossible rows were left "
            f"out (e.g. finished before created); see {out / 'rejected_rows.csv'}"
        )
    n = summary["items"]
    err.print(
        f"Analysed {n['total']:,} items ({n['finished']:,} finished, {n['in_progress']:,} in "
        f"progress); wrote {len(summary['outputs'])} files to {out} (open {out / 'report.html'})"
    )


def register(app: typer.Typer) -> None:
    """Add `analyze` to the Leadline CLI."""
    app.command("analyze")(analyze)
