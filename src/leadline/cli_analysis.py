"""`leadline analyze` and `leadline forecast`: database-free analysis commands.

Imports stay lean (no Django, no pandas; Polars and NumPy load inside the commands), so the
whole process stays fast on large exports. ``register(app)`` adds the commands to the CLI.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from leadline import bounds

if TYPE_CHECKING:
    from leadline.flow.forecast import ForecastInputs

forecast_app = typer.Typer(
    help="Monte Carlo forecasts over daily throughput (from a file or the database).",
    no_args_is_help=True,
)

_PCTS = (50, 70, 85, 95)


def _allocator_settings() -> None:
    # Keep freed pages (page faults are costly here); only effective before Polars is imported.
    os.environ.setdefault("_RJEM_MALLOC_CONF", "retain:true,dirty_decay_ms:-1,muzzy_decay_ms:-1")


def _fail(message: str, code: int = 2) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[red]Error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code)


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} {value!r} is not a date (YYYY-MM-DD)")
    return None  # unreachable


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
        28, "--forecast-days", min=1, max=bounds.FORECAST_DAYS.high, help="Days for 'how many'."
    ),
    trials: int = typer.Option(
        10_000, "--trials", min=1, max=bounds.TRIALS.high, help="Monte Carlo trials."
    ),
    seed: int = typer.Option(
        0, "--seed", min=0, max=bounds.SEED.high, help="Random seed (same seed, same forecast)."
    ),
    window: int = typer.Option(
        84, "--window", min=1, max=bounds.WINDOW_DAYS.high, help="Throughput window in days."
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
    _allocator_settings()
    formats = _parse_images(images)
    standalone = _standalone()
    if standalone and source == "jira-json" and len(files) == 1:
        # Decode the export in a forked child while this process imports Polars and NumPy.
        from leadline.connectors.jira.decode import prefetch

        prefetch(files[0])
    try:
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
    if standalone:
        # Every output is written and closed: skip freeing millions of objects at exit.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


# `leadline analyze` options and the parameter each sets; integer ones with their minimum.
_ANALYZE_OPTIONS = {
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
_INT_MIN: dict[str, int | None] = {
    "forecast_items": None,
    "forecast_days": None,
    "trials": 1,
    "seed": None,
    "window": 1,
}


def run_plain_analyze(argv: list[str]) -> bool:
    """Run `analyze` for a plain command line without Typer's parsing; False to let Typer parse.

    Typer coerces every value through Pydantic, whose import costs more than parsing a large
    export's header. Only the unambiguous form is taken here (files, known options given once
    as ``--opt VALUE`` or ``--opt=VALUE``, non-negative integers in range); anything else
    (help, unknown or repeated options, odd values) returns False and Typer handles it, errors
    and all.
    """
    import inspect

    values: dict[str, Any] = {}
    files: list[Path] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if not arg.startswith("-"):
            if not arg:
                return False
            files.append(Path(arg))
            i += 1
            continue
        name, eq, value = arg.partition("=")
        key = _ANALYZE_OPTIONS.get(name)
        if key is None or key in values:
            return False
        if not eq:
            if i + 1 >= len(argv):
                return False
            value = argv[i + 1]
            i += 1
        if not value or value.startswith("-"):
            return False
        if key in _INT_MIN:
            low = _INT_MIN[key]
            if not value.isascii() or not value.isdigit() or (low is not None and int(value) < low):
                return False
            values[key] = int(value)
        else:
            values[key] = Path(value) if key in ("out", "workflow") else value
        i += 1
    if not files or "out" not in values:
        return False
    params = inspect.signature(analyze).parameters
    for key in _ANALYZE_OPTIONS.values():
        if key not in values:
            values[key] = params[key].default.default  # the typer.Option's default
    try:
        analyze(files=files, **values)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    return True


def _standalone() -> bool:
    """True in a `leadline analyze` process of its own (not the CLI called in-process)."""
    return Path(sys.argv[0]).name == "leadline" and sys.argv[1:2] == ["analyze"]


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
        as_of=_parse_date(as_of, "--as-of"),
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
        return
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


def _inputs_json(inputs: ForecastInputs, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "trials": inputs.trials,
        "seed": inputs.seed,
        "method": inputs.method,
        "window_days": inputs.window_days,
        "window_start": inputs.window_start.isoformat() if inputs.window_start else None,
        "window_end": inputs.window_end.isoformat() if inputs.window_end else None,
        "total_items": inputs.total_items,
        "zero_days": inputs.zero_days,
        "mean_per_day": round(inputs.mean_per_day, 6),
        "max_per_day": inputs.max_per_day,
        **extra,
    }


def _samples(
    throughput: str | None,
    team: str | None,
    workspace: str | None,
    window: int,
    as_of: date | None,
) -> tuple[list[int], tuple[date, date] | None, dict[str, Any], Any]:
    """Return the window's daily counts, its dates, a description of where they came from and,
    for the database, the scope they were read for (None for a file)."""
    if throughput is not None and (team or workspace):
        _fail("give either --throughput FILE or --workspace (with --team), not both")
    if throughput is not None:
        from leadline.analyze.throughput_file import ThroughputFileError, read_throughput

        try:
            got = read_throughput(
                throughput, window_days=window, as_of=as_of, as_of_option="--as-of"
            )
        except ThroughputFileError as error:
            _fail(str(error))
            raise AssertionError from None  # unreachable
        return got.samples, got.window, {"source": throughput, "file_holds": got.kind}, None
    if not workspace and team:
        _fail("--team needs --workspace SLUG (or give --throughput FILE)")
    if not workspace:
        _fail("give --throughput FILE, or --workspace SLUG [--team SLUG[,SLUG...]]")
    scope = _database_scope(str(workspace), team, as_of)
    from leadline.metrics.forecasts import daily_throughput, window_samples

    since = scope.end - timedelta(days=window - 1)  # read the window only, not all history
    samples, window_dates = window_samples(daily_throughput(scope, since), scope.end, window)
    origin = {
        "source": "database",
        "workspace": workspace,
        "team": team,
        "teams": [t.slug for t in scope.teams] or ([scope.team.slug] if scope.team else []),
    }
    return [int(n) for n in samples], window_dates, origin, scope


def _database_scope(workspace: str, team: str | None, as_of: date | None) -> Any:
    """Return the forecast page's scope for a workspace and its team(s) (comma-separated slugs,
    their throughputs added together; none: all teams), as of ``as_of`` (default: today in the
    workspace's time zone)."""
    try:
        from leadline.cli import setup_django

        setup_django()
        from django.core.exceptions import ValidationError

        from leadline.delivery.services import today
        from leadline.metrics.scope import parse_scope
        from leadline.workspaces.models import Workspace
    except (ImportError, AttributeError):
        _fail("reading from the database needs the delivery app")
        raise AssertionError from None  # unreachable
    found = Workspace.objects.filter(slug=workspace).first()
    if found is None:
        _fail(f"--workspace: no workspace {workspace!r} in the database")
        raise AssertionError  # unreachable
    query = {"end": (as_of or today(found)).isoformat(), "teams": team or ""}
    try:
        return parse_scope(found, None, query)
    except ValidationError as error:
        problems = "; ".join(" ".join(e) for e in error.message_dict.values())
        _fail(f"--team: {problems.replace('this workspace', f'workspace {workspace!r}')}")
        raise AssertionError from None  # unreachable


def _print_table(title: str, header: str, values: dict[int, Any], note: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, caption=note)
    table.add_column("confidence", justify="right")
    table.add_column(header, justify="right")
    for p, v in values.items():
        table.add_row(f"{p}%", "never (no throughput)" if v is None else str(v))
    Console().print(table)


_THROUGHPUT = typer.Option(
    None,
    "--throughput",
    metavar="FILE",
    help="CSV: one daily count per line (oldest first) or one finish date per line.",
)
_TEAM = typer.Option(
    None,
    "--team",
    "-t",
    help="Team slug(s), comma-separated: throughputs added (reads the database).",
)
_WORKSPACE = typer.Option(
    None,
    "--workspace",
    "-w",
    help="Workspace slug (reads the database; all teams without --team).",
)
_TRIALS = typer.Option(
    10_000, "--trials", min=1, max=bounds.TRIALS.high, help="Monte Carlo trials."
)
_SEED = typer.Option(
    0, "--seed", min=0, max=bounds.SEED.high,
    help="Random seed: the same seed gives the same forecast.",
)  # fmt: skip
_WINDOW = typer.Option(
    84, "--window", min=1, max=bounds.WINDOW_DAYS.high,
    help="Days of throughput history to draw from.",
)  # fmt: skip
_AS_OF = typer.Option(
    None,
    "--as-of",
    help="Last day of the window (default: today, or a dates file's last date; not for counts).",
)
_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")
_EPIC = typer.Option(
    None,
    "--epic",
    metavar="KEY[,KEY...]",
    help="Epic key(s) in priority order (with --workspace): when each epic's remaining items "
    "will be done, working through the epics in that order.",
)


def _emit(
    values: Any,
    inputs: Any,
    origin: dict[str, Any],
    window_dates: Any,
    as_json: bool,
    *,
    key: tuple[str, int],
    unit: str,
    title: str,
    column: str,
    samples: int,
) -> None:
    """Print a forecast as JSON (percentiles, the question, inputs) or as a table."""
    result = {
        "percentiles": {str(p): values[p] for p in _PCTS},
        key[0]: key[1],
        "unit": unit,
        "inputs": _inputs_json(inputs, _origin(origin, window_dates)),
    }
    if as_json:
        typer.echo(json.dumps(result))
        return
    _print_table(title, column, values, _caption(inputs, samples))


def _origin(origin: dict[str, Any], window_dates: Any) -> dict[str, Any]:
    extra = {**origin, "window_start": None, "window_end": None}
    if window_dates:
        extra.update(
            window_start=window_dates[0].isoformat(), window_end=window_dates[1].isoformat()
        )
    return extra


def _caption(inputs: Any, samples: int) -> str:
    return (
        f"{inputs.trials:,} trials over {samples} days of throughput "
        f"({inputs.total_items} items, {inputs.zero_days} zero days), seed {inputs.seed}"
    )


@forecast_app.command("when")
def forecast_when_cmd(
    items: int | None = typer.Option(
        None, "--items", min=0, max=bounds.ITEMS.high, help="How many items remain."
    ),
    epic: str | None = _EPIC,
    throughput: str | None = _THROUGHPUT,
    team: str | None = _TEAM,
    workspace: str | None = _WORKSPACE,
    trials: int = _TRIALS,
    seed: int = _SEED,
    window: int = _WINDOW,
    as_of: str | None = _AS_OF,
    as_json: bool = _JSON,
) -> None:
    """Forecast in how many days ITEMS will be done (day 1 = the first forecast day).

    Read at 50/70/85/95%: the day by which that share of trials finished. A window with no
    throughput gives null (never). With --epic, forecast each epic instead (in the order
    given), from the team(s)' throughput in the database.
    """
    if epic is not None:
        if items is not None:
            _fail("give --items N or --epic KEY[,KEY...], not both")
        if throughput is not None or not workspace:
            _fail("--epic reads the epics from the database: give --workspace (and --team), "
                  "not --throughput")  # fmt: skip
        _forecast_epics(epic, team, str(workspace), trials, seed, window, as_of, as_json)
        return
    if items is None:
        _fail("give --items N (or --epic KEY[,KEY...] with --workspace)")
        return
    day = _parse_date(as_of, "--as-of")
    samples, window_dates, origin, _ = _samples(throughput, team, workspace, window, day)
    from leadline.flow.forecast import forecast_when

    try:
        fc = forecast_when(samples, items, trials=trials, seed=seed, percentiles=_PCTS)
    except ValueError as error:
        _fail(str(error))
        return
    _emit(
        fc.days, fc.inputs, origin, window_dates, as_json,
        key=("items", items), unit="days (day 1 = the first forecast day)",
        title=f"When will {items} items be done?", column="within days", samples=len(samples),
    )  # fmt: skip


def _forecast_epics(
    epic: str,
    team: str | None,
    workspace: str,
    trials: int,
    seed: int,
    window: int,
    as_of: str | None,
    as_json: bool,
) -> None:
    """Print when each epic will be done, working through them in the order given (the
    forecast page's and API's ``epics=`` answer for the same inputs)."""
    from datetime import timedelta

    day = _parse_date(as_of, "--as-of")
    samples, window_dates, origin, scope = _samples(None, team, workspace, window, day)
    from django.core.exceptions import ValidationError

    from leadline.metrics.forecasts import (
        EPICS_ASSUMPTION,
        epic_forecast,
        epic_list,
        epic_remaining,
    )

    try:
        keys = epic_list(epic)
        if not keys:
            _fail("--epic: give at least one epic key")
        rows = epic_remaining(scope, keys)
    except ValidationError as error:
        problems = "; ".join(" ".join(e) for e in error.message_dict.values())
        _fail(f"--epic: {problems.replace('this workspace', f'workspace {workspace!r}')}")
        return
    start = scope.end + timedelta(days=1)
    epics, inputs = epic_forecast(
        rows, samples, trials=trials, seed=seed, start=start, window=window_dates
    )
    assumption = EPICS_ASSUMPTION.format(as_of=scope.end, trials=trials)
    if as_json:
        out = {
            "epics": [
                {
                    "key": e["key"],
                    "title": e["title"],
                    "remaining": e["remaining"],
                    "cumulative": e["cumulative"],
                    "percentiles": {str(w["percentile"]): w["days"] for w in e["percentiles"]},
                    "dates": {
                        str(w["percentile"]): w["date"].isoformat() if w["date"] else None
                        for w in e["percentiles"]
                    },
                }
                for e in epics
            ],
            "as_of": scope.end.isoformat(),
            "unit": "days after as_of (day 1 = the first forecast day; 0 = done)",
            "assumption": assumption,
            "inputs": _inputs_json(inputs, _origin(origin, window_dates)),
        }
        typer.echo(json.dumps(out))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"When will each epic be done? In priority order, as of {scope.end.isoformat()}",
        caption=f"{assumption}\n{_caption(inputs, len(samples))}",
    )
    table.add_column("epic", overflow="fold", min_width=8)
    table.add_column("left", justify="right")
    for p in _PCTS:
        table.add_column(f"{p}%", justify="right", min_width=10)
    for e in epics:
        cells = []
        for w in e["percentiles"]:
            if not e["remaining"]:
                cells.append("done")
            elif w["date"] is None:
                cells.append("never")
            else:
                cells.append(f"{w['date'].isoformat()}\n{w['days']} d")
        name = f"{e['key']}\n{e['title']}" if e["title"] else e["key"]
        table.add_row(name, str(e["remaining"]), *cells)
    Console().print(table)


@forecast_app.command("how-many")
def forecast_how_many_cmd(
    days: int = typer.Option(
        ..., "--days", min=0, max=bounds.FORECAST_DAYS.high, help="How many days ahead."
    ),
    throughput: str | None = _THROUGHPUT,
    team: str | None = _TEAM,
    workspace: str | None = _WORKSPACE,
    trials: int = _TRIALS,
    seed: int = _SEED,
    window: int = _WINDOW,
    as_of: str | None = _AS_OF,
    as_json: bool = _JSON,
) -> None:
    """Forecast how many items DAYS days will finish, read downward (at least N with p%)."""
    day = _parse_date(as_of, "--as-of")
    samples, window_dates, origin, _ = _samples(throughput, team, workspace, window, day)
    from leadline.flow.forecast import forecast_how_many

    try:
        fc = forecast_how_many(samples, days, trials=trials, seed=seed, percentiles=_PCTS)
    except ValueError as error:
        _fail(str(error))
        return
    _emit(
        fc.items, fc.inputs, origin, window_dates, as_json,
        key=("days", days), unit="items, at least (read downward)",
        title=f"How many items in {days} days?", column="at least items", samples=len(samples),
    )  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add `analyze` and the `forecast` sub-app to the Leadline CLI."""
    app.command("analyze")(analyze)
    app.add_typer(forecast_app, name="forecast")
