"""`leadline forecast when|how-many`: Monte Carlo forecasts from a throughput file or the
database (the forecast page's and API's answers for the same inputs).

`leadline forecast backtest` is in :mod:`.cli_backtest`, added by :func:`register`.

Imports stay lean: NumPy and Django load inside the commands, and only for the database.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from leadline import bounds, defaults
from leadline.cli.common import fail, parse_date

if TYPE_CHECKING:
    from leadline.flow.forecast import ForecastInputs

forecast_app = typer.Typer(
    help="Monte Carlo forecasts over daily throughput (from a file or the database).",
    no_args_is_help=True,
)

_PCTS = (50, 70, 85, 95)


def _fail(message: str) -> NoReturn:
    fail(message, 2, highlight=False)


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
    history: int = 0,
) -> tuple[list[int], tuple[date, date] | None, dict[str, Any], Any]:
    """Return the window's daily counts (and the ``history`` days before it, when asked:
    the window is then the last ``window`` of them), its dates, a description of where they
    came from and, for the database, the scope they were read for (None for a file)."""
    if throughput is not None and (team or workspace):
        _fail("give either --throughput FILE or --workspace (with --team), not both")
    if throughput is not None:
        from leadline.analyze.throughput_file import ThroughputFileError, read_throughput

        try:
            got = read_throughput(
                throughput, window_days=window + history, as_of=as_of, as_of_option="--as-of"
            )
        except ThroughputFileError as error:
            _fail(str(error))
        dates = got.window
        if dates is not None and history:
            dates = (dates[1] - timedelta(days=window - 1), dates[1])
        return got.samples, dates, {"source": throughput, "file_holds": got.kind}, None
    if not workspace and team:
        _fail("--team needs --workspace SLUG (or give --throughput FILE)")
    if not workspace:
        _fail("give --throughput FILE, or --workspace SLUG [--team SLUG[,SLUG...]]")
    scope = _database_scope(str(workspace), team, as_of)
    from leadline.dashboards.forecasts import daily_throughput, window_samples

    since = scope.end - timedelta(days=window + history - 1)  # the window (and history) only
    daily = daily_throughput(scope, since)
    samples, _ = window_samples(daily, scope.end, window + history)
    _, window_dates = window_samples(daily, scope.end, window)
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
        from leadline.cli.common import setup_django

        setup_django()
        from django.core.exceptions import ValidationError

        from leadline.dashboards.scope import parse_scope
        from leadline.delivery.services import today
        from leadline.workspaces.models import Workspace
    except (ImportError, AttributeError):
        _fail("reading from the database needs the delivery app")
    found = Workspace.objects.filter(slug=workspace).first()
    if found is None:
        _fail(f"--workspace: no workspace {workspace!r} in the database")
    query = {"end": (as_of or today(found)).isoformat(), "teams": team or ""}
    try:
        return parse_scope(found, None, query)
    except ValidationError as error:
        problems = "; ".join(" ".join(e) for e in error.message_dict.values())
        _fail(f"--team: {problems.replace('this workspace', f'workspace {workspace!r}')}")


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
    defaults.TRIALS, "--trials", min=1, max=bounds.TRIALS.high, help="Monte Carlo trials."
)
_SEED = typer.Option(
    defaults.SEED, "--seed", min=0, max=bounds.SEED.high,
    help="Random seed: the same seed gives the same forecast.",
)  # fmt: skip
_WINDOW = typer.Option(
    defaults.WINDOW_DAYS, "--window", min=1, max=bounds.WINDOW_DAYS.high,
    help="Days of throughput history to draw from.",
)  # fmt: skip
_AS_OF = typer.Option(
    None,
    "--as-of",
    help="Last day of the window (default: today, or a dates file's last date; not for counts).",
)
_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")
_METHOD = typer.Option(
    "calibrated_blocks",
    "--method",
    metavar="NAME",
    help="Forecast method: calibrated_blocks (default), week_blocks or independent_days.",
)
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
    made: Any,
    question: str,
) -> None:
    """Print a forecast as JSON (percentiles, the question, inputs, the method and the
    team's track record) or as a table."""
    record = made.track[question]
    result = {
        "percentiles": {str(p): values[p] for p in _PCTS},
        key[0]: key[1],
        "unit": unit,
        "method": {"name": made.method, "description": made.description},
        "track_record": {
            "question": record.question,
            "percentile": record.percentile,
            "forecasts": record.forecasts,
            "hit_rate": record.hit_rate,
            "enough": record.enough,
            "text": record.text,
        },
        "inputs": _inputs_json(inputs, _origin(origin, window_dates)),
    }
    if as_json:
        typer.echo(json.dumps(result))
        return
    caption = f"{_caption(inputs, samples)}\nMethod: {made.method}. {record.text}"
    _print_table(title, column, values, caption)


def _made(
    history: list[int],
    window_dates: Any,
    *,
    window: int,
    horizon: int,
    items: int,
    trials: int,
    seed: int,
    method: str,
) -> tuple[Any, Any]:
    """Return the forecast with ``method`` (the page's and API's, for the same inputs) and
    what it was computed from."""
    from leadline import defaults
    from leadline.flow.forecast import sampled_inputs
    from leadline.flow.methods import check_method, forecast_with_method

    try:
        check_method(method)
    except ValueError as error:
        _fail(f"--method: {error}")
    made = forecast_with_method(
        history, window_days=window, horizon=horizon, items=items, trials=trials, seed=seed,
        method=method, percentiles=_PCTS, history_trials=defaults.BACKTEST_TRIALS,
    )  # fmt: skip
    sampling = "negbin" if method == "independent_days" else "week_blocks"
    samples = history[-window:] if len(history) >= window else history
    return made, sampled_inputs(samples, trials, seed, sampling, window_dates)


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
    method: str = _METHOD,
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
    day = parse_date(as_of, "--as-of")
    history, window_dates, origin, _ = _samples(
        throughput, team, workspace, window, day, bounds.BACKTEST_DAYS
    )
    made, inputs = _made(
        history, window_dates, window=window, horizon=defaults.FORECAST_DAYS, items=items,
        trials=trials, seed=seed, method=method,
    )  # fmt: skip
    _emit(
        made.when, inputs, origin, window_dates, as_json,
        key=("items", items), unit="days (day 1 = the first forecast day)",
        title=f"When will {items} items be done?", column="within days",
        samples=min(len(history), window), made=made, question="when",
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

    day = parse_date(as_of, "--as-of")
    samples, window_dates, origin, scope = _samples(None, team, workspace, window, day)
    from django.core.exceptions import ValidationError

    from leadline.dashboards.forecasts import (
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
    method: str = _METHOD,
) -> None:
    """Forecast how many items DAYS days will finish, read downward (at least N with p%)."""
    day = parse_date(as_of, "--as-of")
    history, window_dates, origin, _ = _samples(
        throughput, team, workspace, window, day, bounds.BACKTEST_DAYS
    )
    made, inputs = _made(
        history, window_dates, window=window, horizon=days, items=defaults.FORECAST_ITEMS,
        trials=trials, seed=seed, method=method,
    )  # fmt: skip
    _emit(
        made.how_many, inputs, origin, window_dates, as_json,
        key=("days", days), unit="items, at least (read downward)",
        title=f"How many items in {days} days?", column="at least items",
        samples=min(len(history), window), made=made, question="how_many",
    )  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add the `forecast` sub-app (when, how-many and, from :mod:`.cli_backtest`, backtest) to
    the Leadline CLI."""
    from . import cli_backtest  # noqa: F401  (its import adds `forecast backtest`)

    app.add_typer(forecast_app, name="forecast")
