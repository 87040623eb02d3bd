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
    when the items were done by that day, and it failed when that day passed (within the data)
    with the items still not done. A calibrated forecast holds about p% of the time.

    ``rows``: one per past forecast and percentile; ``actual`` is the days the items took
    ("when"; null when they were not done within the data) or the items finished ("how
    many"); ``hit`` is null where the outcome is unknown: the data ends before both the
    forecast's day and the items' completion. ``calibration`` (question, percentile,
    forecasts, hit_rate, excluded) counts only known outcomes; ``excluded`` says how many were
    left out as unknown (``hit_rate`` is null when every one was). ``excluded`` (the field) is
    their total.
    """

    rows: pl.DataFrame
    calibration: pl.DataFrame
    window_days: int
    horizon_days: int
    items: int
    trials: int
    seed: int | None
    excluded: int = 0


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
    method: str = "independent_days",
) -> Backtest:
    """Replay history from ``daily`` (<by>, day, count with zero days) at as_of dates every
    ``every_days`` days and compare forecasts with what happened.

    At each as_of the window is the ``window_days`` days up to and including it; "how many" looks
    ``horizon_days`` ahead and "when" asks for ``items`` items. as_of dates without a full
    window behind them or a full horizon after them are skipped. A "when" answer whose day
    passed within the data while the items were not done yet is a miss; only answers whose
    outcome the data cannot tell (it ends before both their day and the completion) are
    excluded, and counted. Windows with no throughput give no "when" row.

    ``method`` names the forecast method (:data:`leadline.flow.methods.METHODS`);
    ``calibrated_blocks`` learns each past forecast's correction from the earlier as-of dates
    of the same replay whose outcome was known by then (:func:`leadline.flow.methods.replay`).
    """
    from leadline.flow.methods import check_method

    check_method(method)
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
        if method != "independent_days":
            rows += _replayed_rows(
                series, first, list(range(lo, hi + 1, every_days)), team, by,
                window_days=window_days, horizon_days=horizon_days, items=items,
                trials=trials, seed=seed, percentiles=percentiles, method=method,
            )  # fmt: skip
            continue
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
            if window.sum() == 0:
                continue
            reached = np.nonzero(np.cumsum(ahead) >= items)[0]
            took = int(reached[0]) + 1 if reached.size else None  # None: not done in the data
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
                        "hit": _when_hit(days_p, took, ahead.size),
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
        .agg(
            forecasts=pl.col("hit").count(),
            hit_rate=pl.col("hit").mean(),
            excluded=pl.col("hit").null_count(),
        )
        .with_columns(pl.col("forecasts", "excluded").cast(pl.Int64))
        .sort("question", "percentile")
    )
    excluded = int(frame.get_column("hit").null_count())
    return Backtest(frame, calibration, window_days, horizon_days, items, trials, seed, excluded)


def _replayed_rows(
    series: np.ndarray,
    first: date,
    as_of: list[int],
    team: object,
    by: str,
    *,
    window_days: int,
    horizon_days: int,
    items: int,
    trials: int,
    seed: int | None,
    percentiles: Sequence[int],
    method: str,
) -> list[dict[str, object]]:
    """Backtest rows of a method replayed by :func:`leadline.flow.methods.replay`."""
    from leadline.flow.methods import replay

    if not as_of:
        return []
    run = replay(
        series, as_of, window_days=window_days, horizon=horizon_days, items=items,
        trials=trials, seed=seed, method=method, percentiles=percentiles,
    )  # fmt: skip
    rows: list[dict[str, object]] = []
    for f in run.past:
        i = f.at
        day = first + timedelta(days=i)
        ahead = series[i + 1 :]
        actual = int(ahead[:horizon_days].sum())
        for p in percentiles:
            k = int(f.answers["how_many"][p] or 0)
            rows.append({by: team, "as_of": day, "question": "how_many", "percentile": p,
                         "forecast": k, "actual": actual, "hit": actual >= k})  # fmt: skip
        if f.when is None:
            continue
        reached = np.nonzero(np.cumsum(ahead) >= items)[0]
        took = int(reached[0]) + 1 if reached.size else None
        for p in percentiles:
            days_p = f.answers["when"][p]
            rows.append({by: team, "as_of": day, "question": "when", "percentile": p,
                         "forecast": days_p, "actual": took,
                         "hit": _when_hit(days_p, took, ahead.size)})  # fmt: skip
    return rows


def _when_hit(forecast_days: int | None, took: int | None, days_known: int) -> bool | None:
    """Whether a "when" answer came true: the items were done (``took`` days) by its day.

    With the items not done within the ``days_known`` days of data after as_of, the answer
    failed if its day is among them; otherwise the data cannot tell (None).
    """
    if took is not None:
        return forecast_days is not None and took <= forecast_days
    if forecast_days is not None and forecast_days <= days_known:
        return False
    return None
