"""Forecast page figures: Monte Carlo "when will N be done" / "how many by D", and a backtest.

The teams in scope are forecast together: their daily throughputs are summed day by day, so
"Checkout + Mobile" asks when the two teams between them finish N items.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl

from leadline.flow.forecast import DEFAULT_PERCENTILES, DEFAULT_TRIALS, DEFAULT_WINDOW_DAYS

from .definitions import DEFINITIONS
from .scope import Scope
from .services import OPTIONS, SCOPE, scoped_frames

BACKTEST_TRIALS = 2_000  # per past forecast; ~100 past dates make this the page's slowest part
MAX_ITEMS = 10_000
MAX_DAYS = 3_650


def daily_throughput(scope: Scope) -> pl.DataFrame:
    """Return items finished per day in the scope (scope, day, count), zero days included,
    from the first finish to the scope's end."""
    from leadline.flow import stage_dates, throughput

    items, transitions, _ = scoped_frames(scope)
    if items.is_empty():
        return pl.DataFrame(schema={SCOPE: pl.Utf8, "day": pl.Date, "count": pl.Int64})
    workflow = _workflow(scope)
    dates = stage_dates(items, transitions, workflow, OPTIONS, strict=False)
    return throughput(dates.with_columns(pl.lit("all").alias(SCOPE)), scope.end, by=SCOPE)


def _workflow(scope: Scope) -> Any:
    from leadline.delivery.services import workflow_for

    return workflow_for(scope.workspace)


def _histogram(outcomes: np.ndarray, field: str) -> list[dict[str, int]]:
    finite = outcomes[outcomes < np.iinfo(np.int64).max]
    values, counts = np.unique(finite, return_counts=True)
    return [{field: int(v), "trials": int(c)} for v, c in zip(values, counts, strict=True)]


def forecast(
    scope: Scope,
    *,
    items: int = 20,
    days: int = 28,
    window_days: int = DEFAULT_WINDOW_DAYS,
    trials: int = DEFAULT_TRIALS,
    seed: int = 0,
    backtest: bool = True,
) -> dict[str, Any]:
    """Return both forecasts from ``scope.end`` (the as-of date), their inputs and a backtest.

    "when" counts day 1 as the day after as_of; "how many" looks ``days`` days ahead and reads
    downward. Without any throughput in the window "when" has no dates (None) and "how many"
    is zero at every percentile. The backtest replays weekly as-of dates over the history.
    """
    from leadline.flow import forecast_how_many, forecast_when

    daily = daily_throughput(scope)
    as_of = scope.end
    window = (as_of - timedelta(days=window_days - 1), as_of)
    series = daily.filter(pl.col("day").is_between(*window))
    samples = np.zeros(window_days, dtype=np.int64)
    if series.height:
        offsets = (series.get_column("day") - window[0]).dt.total_days().to_numpy()
        np.add.at(samples, offsets, series.get_column("count").to_numpy())
    start = as_of + timedelta(days=1)
    when = forecast_when(samples, items, trials=trials, seed=seed, start=start, window=window)
    how = forecast_how_many(samples, days, trials=trials, seed=seed, window=window)
    inputs = asdict(when.inputs)
    text = {"trials": trials, "window": window_days, "as_of": as_of, "seed": seed}
    result: dict[str, Any] = {
        "workspace": scope.workspace.slug,
        "team": scope.team.slug if scope.team else None,
        "teams": [t.slug for t in scope.teams],
        "label": scope.label,
        "as_of": as_of,
        "inputs": {**inputs, "percentiles": list(DEFAULT_PERCENTILES)},
        "when": {
            "items": items,
            "definition": DEFINITIONS["forecast_when"].format(items=items, **text),
            "percentiles": [
                {"percentile": p, "days": when.days[p], "date": when.dates[p]}
                for p in DEFAULT_PERCENTILES
            ],
            "histogram": _histogram(when.outcomes, "days"),
        },
        "how_many": {
            "days": days,
            "by": as_of + timedelta(days=days),
            "definition": DEFINITIONS["forecast_how_many"].format(days=days, **text),
            "percentiles": [{"percentile": p, "items": how.items[p]} for p in DEFAULT_PERCENTILES],
            "histogram": _histogram(how.outcomes, "items"),
        },
        "backtest": None,
    }
    if backtest:
        result["backtest"] = _backtest(daily, window_days, days, items, seed)
    return result


def _backtest(
    daily: pl.DataFrame, window_days: int, days: int, items: int, seed: int
) -> dict[str, Any]:
    from leadline.flow import backtest

    run = backtest(
        daily, window_days=window_days, horizon_days=days, items=items,
        trials=BACKTEST_TRIALS, seed=seed, by=SCOPE,
    )  # fmt: skip
    return {
        "definition": DEFINITIONS["calibration"],
        "every_days": 7,
        "trials": BACKTEST_TRIALS,
        "horizon_days": days,
        "items": items,
        "forecasts": run.rows.select("as_of").n_unique() if run.rows.height else 0,
        "calibration": [
            {**row, "hit_rate": round(row["hit_rate"], 3)} for row in run.calibration.to_dicts()
        ],
    }


def days_until(as_of: date, target: date) -> int:
    """Return whole days from as_of to ``target`` (a target on or before as_of is invalid)."""
    return (target - as_of).days
