"""`leadline forecast backtest`: replay forecasts from past dates, over throughput files or
the database, and say how often each percentile came true.

Added to the ``forecast`` sub-app of :mod:`.cli` when its ``register(app)`` imports this module.
Imports stay lean: Polars, NumPy and Django load inside the command.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import typer

from leadline import bounds, defaults

from .cli import _JSON, _METHOD, _SEED, _WINDOW, _WORKSPACE, _database_scope, _fail, forecast_app


@forecast_app.command("backtest")
def forecast_backtest_cmd(
    throughput: list[str] | None = typer.Option(
        None,
        "--throughput",
        metavar="FILE",
        help="CSV of one team (daily counts or finish dates); repeat for several teams, "
        "backtested together and their calibration pooled.",
    ),
    team: str | None = typer.Option(
        None,
        "--team",
        "-t",
        help="Team slug(s), comma-separated, each backtested on its own and pooled "
        "(reads the database; all teams without it).",
    ),
    workspace: str | None = _WORKSPACE,
    window: int = _WINDOW,
    horizon: int = typer.Option(
        14,
        "--horizon",
        min=1,
        max=bounds.FORECAST_DAYS.high,
        help="Days ahead asked by 'how many'.",
    ),  # fmt: skip
    items: int = typer.Option(
        10, "--items", min=1, max=bounds.ITEMS.high, help="Items asked by 'when'."
    ),
    every: int = typer.Option(
        14, "--every", min=1, max=bounds.BACKTEST_DAYS, help="Days between past as-of dates."
    ),
    trials: int = typer.Option(
        defaults.BACKTEST_TRIALS,
        "--trials",
        min=1,
        max=bounds.TRIALS.high,
        help="Monte Carlo trials per past forecast.",
    ),  # fmt: skip
    seed: int = _SEED,
    method: str = _METHOD,
    as_json: bool = _JSON,
) -> None:
    """Replay forecasts from past dates and say how often each percentile came true.

    At every --every days with a full window behind and a full horizon ahead, forecast "how
    many in --horizon days" and "when will --items items be done" with the data then known,
    and compare with what happened. A calibrated p% answer comes true p% of the time.
    """
    from leadline.flow.methods import check_method

    try:
        check_method(method)
    except ValueError as error:
        _fail(f"--method: {error}")
    daily = _backtest_frame(throughput or [], team, workspace)
    from leadline.flow.backtest import backtest

    run = backtest(
        daily, every_days=every, window_days=window, horizon_days=horizon, items=items,
        trials=trials, seed=seed, method=method,
    )  # fmt: skip
    calibration = [
        {
            "question": row["question"],
            "percentile": row["percentile"],
            "forecasts": row["forecasts"],
            "hit_rate": None if row["hit_rate"] is None else round(row["hit_rate"], 4),
        }
        for row in run.calibration.sort(
            ["question", "percentile"], descending=[True, False]
        ).iter_rows(named=True)
    ]
    teams = daily.get_column("team").n_unique() if daily.height else 0
    if as_json:
        typer.echo(json.dumps({
            "method": method,
            "calibration": calibration,
            "teams": teams,
            "as_of_dates": run.rows.select("team", "as_of").n_unique() if run.rows.height else 0,
            "excluded": run.excluded,
            "settings": {"window": window, "horizon": horizon, "items": items, "every": every,
                         "trials": trials, "seed": seed},
        }))  # fmt: skip
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=f"Backtest of {method}: how often each answer came true",
        caption=f"{teams} team(s), a forecast every {every} days from the {window} days "
        f"before it, {trials:,} trials each; {run.excluded} 'when' answers unknown (left out)",
    )
    for name in ("question", "percentile", "past forecasts", "came true"):
        table.add_column(name, justify="left" if name == "question" else "right")
    for row in calibration:
        rate = "—" if row["hit_rate"] is None else f"{row['hit_rate'] * 100:.1f} %"
        question = "how many" if row["question"] == "how_many" else "when"
        table.add_row(question, f"{row['percentile']} %", str(row["forecasts"]), rate)
    Console().print(table)


def _backtest_frame(files: list[str], team: str | None, workspace: str | None) -> Any:
    """Return the daily throughput (team, day, count) of every file, or of each team in the
    database (its whole history, at most ten years back)."""
    import polars as pl

    if files and (team or workspace):
        _fail("give either --throughput FILE or --workspace (with --team), not both")
    schema = {"team": pl.Utf8, "day": pl.Date, "count": pl.Int64}
    parts = []
    if files:
        from leadline.analyze.throughput_file import ThroughputFileError, read_throughput

        for n, path in enumerate(files):
            try:
                got = read_throughput(path, window_days=None)
            except ThroughputFileError as error:
                _fail(str(error))
            first = got.window[0] if got.window else date(2000, 1, 1)  # counts: any start
            days = [first + timedelta(days=i) for i in range(len(got.samples))]
            parts.append(pl.DataFrame(
                {"team": f"{n}:{path}", "day": days, "count": got.samples}, schema=schema
            ))  # fmt: skip
        return pl.concat(parts)
    if not workspace:
        _fail("give --throughput FILE (repeatable), or --workspace SLUG [--team SLUG[,SLUG...]]")
    scope = _database_scope(str(workspace), None, None)
    from leadline.dashboards.forecasts import daily_throughput

    slugs = [t.strip() for t in team.split(",") if t.strip()] if team else None
    if slugs is None:
        from leadline.workspaces.models import Team

        slugs = list(
            Team.objects.filter(workspace=scope.workspace)
            .order_by("slug")
            .values_list("slug", flat=True)
        )
    for slug in slugs:
        one = _database_scope(str(workspace), slug, None)
        frame = daily_throughput(one)
        if frame.height:
            parts.append(
                frame.select(pl.lit(slug).alias("team"), "day", pl.col("count").cast(pl.Int64))
            )
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts)
