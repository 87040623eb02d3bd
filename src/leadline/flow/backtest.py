"""Backtests: forecast from past dates and check how often reality landed inside the answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from leadline.flow.forecast import (
    DEFAULT_PERCENTILES,
    DEFAULT_WINDOW_DAYS,
    forecast_how_many,
    forecast_when,
)


@dataclass(frozen=True, slots=True)
class Backtest:
    """Per forecast rows and the calibration: share of actuals within each percentile's answer.

    For "how many", an answer at p% holds when at least that many items finished; for "when",
    when the items were done by that day. A calibrated forecast holds about p% of the time.
    """

    rows: pl.DataFrame
    calibration: pl.DataFrame
    window_days: int
    horizon_days: int
    items: int
    trials: int
    seed: int | None


def backtest(
    daily: pl.DataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
    every_days: int = 7,
    window_days: int = DEFAULT_WINDOW_DAYS,
    horizon_days: int = 14,
    items: int = 10,
    trials: int = 2_000,
    seed: int | None = 0,
    percentiles: Sequence[int] = DEFAULT_PERCENTILES,
    by: str = "team",
) -> Backtest:
    """Replay history from ``daily`` (<by>, day, count with zero days) at as_of dates every
    ``every_days`` days and compare forecasts with what happened.

    At each as_of the window is the ``window_days`` days up to and including it; "how many" looks
    ``horizon_days`` ahead and "when" asks for ``items`` items. as_of dates without a full
    window behind them or a full horizon after them are skipped; "when" rows whose items never
    finished in the data are left out. Windows with no throughput give no "when" row.
    """
    rows: list[dict[str, object]] = []
    for (team,), part in daily.sort("day").group_by(by, maintain_order=True):
        days = part.get_column("day").to_list()
        counts = part.get_column("count").to_numpy().astype(np.int64)
        if not days:
            continue
        first, last = days[0], days[-1]
        series = np.zeros((last - first).days + 1, dtype=np.int64)
        np.add.at(series, np.array([(d - first).days for d in days]), counts)
        lo = max(window_days - 1, ((start - first).days if start else 0))
        hi = min(series.size - 1 - horizon_days, (end - first).days if end else series.size)
        for i in range(lo, hi + 1, every_days):
            as_of = first + timedelta(days=i)
            window = series[i - window_days + 1 : i + 1]
            ahead = series[i + 1 :]
            hm = forecast_how_many(
                window, horizon_days, trials=trials, seed=seed, percentiles=percentiles
            )
            actual = int(ahead[:horizon_days].sum())
            for p in percentiles:
                rows.append(
                    {
                        by: team,
                        "as_of": as_of,
                        "question": "how_many",
                        "percentile": p,
                        "forecast": hm.items[p],
                        "actual": actual,
                        "hit": actual >= hm.items[p],
                    }
                )
            reached = np.nonzero(np.cumsum(ahead) >= items)[0]
            if window.sum() == 0 or reached.size == 0:
                continue
            took = int(reached[0]) + 1
            wf = forecast_when(window, items, trials=trials, seed=seed, percentiles=percentiles)
            for p in percentiles:
                days_p = wf.days[p]
                rows.append(
                    {
                        by: team,
                        "as_of": as_of,
                        "question": "when",
                        "percentile": p,
                        "forecast": days_p,
                        "actual": took,
                        "hit": days_p is not None and took <= days_p,
                    }
                )
    schema = {
        by: pl.Utf8,
        "as_of": pl.Date,
        "question": pl.Utf8,
        "percentile": pl.Int64,
        "forecast": pl.Int64,
        "actual": pl.Int64,
        "hit": pl.Boolean,
    }
    frame = pl.DataFrame(rows, schema=schema)
    calibration = (
        frame.group_by("question", "percentile")
        .agg(forecasts=pl.len(), hit_rate=pl.col("hit").mean())
        .sort("question", "percentile")
    )
    return Backtest(frame, calibration, window_days, horizon_days, items, trials, seed)
