"""Monte Carlo forecasts over daily throughput: "when will N be done", "how many in D days".

Each trial draws days independently from the sampled daily throughputs (zero days included).
"when" simulates only the days on which something finishes (draws from the non-zero samples)
and adds the empty days in between from a negative binomial: the same distribution as drawing
every day, measured 3-5x faster here (benchmarks/bench_flow.py); ``method="daily"`` draws every
day instead. Randomness comes from a per-team seed stream, so a team's forecast is the same
whether it runs alone or with 500 other teams.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from leadline import defaults

from .draws import (
    add_empty_days,
    as_samples,
    hitting_steps,
    hitting_steps_daily,
    hitting_steps_many,
    sample_sums,
)

if TYPE_CHECKING:
    import polars as pl

DEFAULT_PERCENTILES: tuple[int, ...] = (50, 70, 85, 95)
DEFAULT_TRIALS = defaults.TRIALS
DEFAULT_WINDOW_DAYS = defaults.WINDOW_DAYS


@dataclass(frozen=True, slots=True)
class ForecastInputs:
    """What a forecast was computed from (shown next to every answer)."""

    trials: int
    seed: int | None
    method: str
    window_days: int
    window_start: date | None
    window_end: date | None
    total_items: int
    zero_days: int
    mean_per_day: float
    max_per_day: int


@dataclass(frozen=True, slots=True)
class WhenForecast:
    """Days (day 1 = first forecast day) by which each percentile of trials finished ``items``.

    ``days`` maps percentile -> day count (None when nothing can finish: no throughput);
    ``dates`` maps percentile -> calendar date when a start date was given.
    """

    items: int
    days: dict[int, int | None]
    dates: dict[int, date | None]
    inputs: ForecastInputs
    outcomes: np.ndarray = field(repr=False)

    def probability_by(self, day: int) -> float:
        """Return the share of trials that finished within ``day`` days."""
        return float(np.count_nonzero(self.outcomes <= day)) / self.outcomes.size


@dataclass(frozen=True, slots=True)
class HowManyForecast:
    """Items finished in ``days`` days, read downward: at least ``items[p]`` with p% confidence."""

    days: int
    items: dict[int, int]
    inputs: ForecastInputs
    outcomes: np.ndarray = field(repr=False)

    def probability_at_least(self, count: int) -> float:
        """Return the share of trials that finished at least ``count`` items."""
        return float(np.count_nonzero(self.outcomes >= count)) / self.outcomes.size


def team_rng(seed: int | None, key: str | int) -> np.random.Generator:
    """Return the generator for one team: stable for a (seed, team) pair, independent across teams."""
    if seed is None:
        return np.random.default_rng()
    tag = zlib.crc32(str(key).encode())
    return np.random.default_rng(np.random.SeedSequence(entropy=seed, spawn_key=(tag,)))


def _need(trials: int, p: float) -> int:
    # Integer arithmetic: 0.85 * 10_000 must be 8500, not 8500.000000000001.
    return max(1, math.ceil(round(p * trials / 100, 9)))


def _low_reading(outcomes: np.ndarray, p: float) -> int:
    """Smallest value v with at least p% of outcomes <= v."""
    c = _need(outcomes.size, p)
    return int(np.partition(outcomes, c - 1)[c - 1])


def _high_reading(outcomes: np.ndarray, p: float) -> int:
    """Largest value k with at least p% of outcomes >= k."""
    c = _need(outcomes.size, p)
    return int(np.partition(outcomes, outcomes.size - c)[outcomes.size - c])


def _inputs(
    s: np.ndarray, trials: int, seed: int | None, method: str, window: tuple[date, date] | None
) -> ForecastInputs:
    return ForecastInputs(
        trials=trials,
        seed=seed,
        method=method,
        window_days=int(s.size),
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
        total_items=int(s.sum()),
        zero_days=int(np.count_nonzero(s == 0)),
        mean_per_day=float(s.mean()),
        max_per_day=int(s.max()),
    )


def sampled_inputs(
    samples: Sequence[int] | np.ndarray,
    trials: int,
    seed: int | None,
    method: str,
    window: tuple[date, date] | None,
) -> ForecastInputs:
    """Return what a forecast over ``samples`` was computed from (shown beside its answers)."""
    return _inputs(as_samples(samples), trials, seed, method, window)


def _when_one(
    s: np.ndarray, items: int, trials: int, rng: np.random.Generator, method: str
) -> np.ndarray | None:
    if items <= 0:
        return np.zeros(trials, dtype=np.int64)
    nz = s[s > 0]
    if nz.size == 0:
        return None
    if method == "daily":
        return hitting_steps_daily(s, items, trials, rng)
    k = hitting_steps(nz, items, trials, rng)
    p = nz.size / s.size
    if p >= 1.0:
        return k
    # Empty days before each finishing day: failures before the k-th success.
    return k + rng.negative_binomial(k, p)


Method = Literal["negbin", "daily"]


def forecast_when(
    samples: Sequence[int] | np.ndarray | Mapping[str, Sequence[int] | np.ndarray],
    items: int | Mapping[str, int],
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int | None = 0,
    percentiles: Sequence[int] = DEFAULT_PERCENTILES,
    start: date | None = None,
    window: tuple[date, date] | None = None,
    method: Method = "negbin",
) -> Any:
    """Return when ``items`` will be done: per percentile the smallest day n by which that share
    of trials finished (day 1 = first forecast day, ``start`` when given).

    A mapping of teams (samples, and items per team or one count) returns a dict of forecasts,
    each from its own seed stream. Zero items gives day 0; samples with no throughput give None.
    """
    raise_if_bad(trials, method)
    if isinstance(samples, Mapping):
        return {
            team: _forecast_when_one(
                s,
                int(items[team] if isinstance(items, Mapping) else items),
                trials,
                seed,
                percentiles,
                start,
                window,
                method,
                team,
            )
            for team, s in samples.items()
        }
    if isinstance(items, Mapping):
        raise TypeError("items per team need samples per team")
    return _forecast_when_one(samples, int(items), trials, seed, percentiles, start, window, method)


def raise_if_bad(trials: int, method: str) -> None:
    """Raise ValueError for a non-positive trial count or an unknown method."""
    if trials <= 0:
        raise ValueError("trials must be positive")
    if method not in ("negbin", "daily"):
        raise ValueError("method must be 'negbin' or 'daily'")


def _forecast_when_one(
    samples: Any,
    items: int,
    trials: int,
    seed: int | None,
    percentiles: Sequence[int],
    start: date | None,
    window: tuple[date, date] | None,
    method: str,
    key: str | int = "",
) -> WhenForecast:
    s = as_samples(samples)
    out = _when_one(s, items, trials, team_rng(seed, key), method)
    days: dict[int, int | None] = {}
    dates: dict[int, date | None] = {}
    for p in percentiles:
        n = None if out is None else _low_reading(out, p)
        days[p] = n
        dates[p] = None if (n is None or start is None) else start + timedelta(days=max(n - 1, 0))
    empty = np.full(trials, np.iinfo(np.int64).max, dtype=np.int64)
    return WhenForecast(
        items, days, dates, _inputs(s, trials, seed, method, window), empty if out is None else out
    )


@dataclass(frozen=True, slots=True)
class InOrderForecast:
    """When each of several groups of items (epics, in priority order) will be done, if the
    team works through them in that order: group k is done when the items of groups 1..k are.

    ``remaining[k]`` is group k's own item count, ``cumulative[k]`` the items of groups 1..k;
    ``days[k]``/``dates[k]`` read like :class:`WhenForecast` (a group with nothing remaining
    is done: day 0, dated the day before ``start``, i.e. the as-of date). Every group is read
    from the same trials, so in each trial group k finishes no earlier than group k-1.
    ``outcomes`` has one row of per-trial days per group.
    """

    remaining: tuple[int, ...]
    cumulative: tuple[int, ...]
    days: list[dict[int, int | None]]
    dates: list[dict[int, date | None]]
    inputs: ForecastInputs
    outcomes: np.ndarray = field(repr=False)


def forecast_when_in_order(
    samples: Sequence[int] | np.ndarray,
    remaining: Sequence[int],
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int | None = 0,
    percentiles: Sequence[int] = DEFAULT_PERCENTILES,
    start: date | None = None,
    window: tuple[date, date] | None = None,
    method: Method = "negbin",
) -> InOrderForecast:
    """Return when each group of ``remaining`` items (in priority order) will be done, if the
    team works through the groups in that order: group k is done when the cumulative remaining
    items of groups 1..k are (ActionableAgile's multiple-feature forecast makes the same
    assumption). A group with nothing remaining is done now (day 0).

    All groups are read from the same seeded trials (the stream :func:`forecast_when` uses), so
    group k is never done before group k-1; a single group with work gives the same days as
    :func:`forecast_when` for its items.
    """
    raise_if_bad(trials, method)
    s = as_samples(samples)
    own = [int(r) for r in remaining]
    if any(r < 0 for r in own):
        raise ValueError("remaining items cannot be negative")
    cumulative = tuple(int(c) for c in np.cumsum(own, dtype=np.int64)) if own else ()
    outcomes = np.zeros((len(own), trials), dtype=np.int64)
    targets = np.array(sorted({c for c, r in zip(cumulative, own, strict=True) if r > 0}))
    never = False
    if targets.size:
        nz = s[s > 0]
        if nz.size == 0:
            never = True
        else:
            rng = team_rng(seed, "")
            if method == "daily":
                steps = hitting_steps_many(s, targets, trials, rng, daily=True)
            else:
                steps = hitting_steps_many(nz, targets, trials, rng, daily=False)
                steps = add_empty_days(steps, nz.size / s.size, rng)
            row = {int(t): i for i, t in enumerate(targets)}
            for g, (c, r) in enumerate(zip(cumulative, own, strict=True)):
                if r > 0:
                    outcomes[g] = steps[row[c]]
    days: list[dict[int, int | None]] = []
    dates: list[dict[int, date | None]] = []
    for g, r in enumerate(own):
        d: dict[int, int | None] = {}
        when: dict[int, date | None] = {}
        for p in percentiles:
            n = None if (never and r > 0) else (0 if r == 0 else _low_reading(outcomes[g], p))
            d[p] = n
            when[p] = None if (n is None or start is None) else start + timedelta(days=n - 1)
        days.append(d)
        dates.append(when)
    if never:
        outcomes[np.array(own) > 0] = np.iinfo(np.int64).max
    return InOrderForecast(
        tuple(own), cumulative, days, dates, _inputs(s, trials, seed, method, window), outcomes
    )


def forecast_how_many(
    samples: Sequence[int] | np.ndarray | Mapping[str, Sequence[int] | np.ndarray],
    days: int,
    *,
    trials: int = DEFAULT_TRIALS,
    seed: int | None = 0,
    percentiles: Sequence[int] = DEFAULT_PERCENTILES,
    window: tuple[date, date] | None = None,
) -> Any:
    """Return how many items ``days`` days will finish, read downward: per percentile p the
    largest k with at least p% of trials finishing k or more. A mapping of teams gives a dict.
    """
    if trials <= 0:
        raise ValueError("trials must be positive")
    if isinstance(samples, Mapping):
        return {
            team: _how_many_one(s, days, trials, seed, percentiles, window, team)
            for team, s in samples.items()
        }
    return _how_many_one(samples, days, trials, seed, percentiles, window, "")


def _how_many_one(
    samples: Any,
    days: int,
    trials: int,
    seed: int | None,
    percentiles: Sequence[int],
    window: tuple[date, date] | None,
    key: str | int,
) -> HowManyForecast:
    s = as_samples(samples)
    totals = sample_sums(s, max(days, 0), trials, team_rng(seed, key))
    items = {p: _high_reading(totals, p) for p in percentiles}
    return HowManyForecast(days, items, _inputs(s, trials, seed, "daily", window), totals)


def daily_throughput_samples(
    daily: pl.DataFrame,
    as_of: date | datetime,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    by: str = "team",
) -> dict[str, np.ndarray]:
    """Return per team the daily counts of the ``window_days`` days ending at ``as_of``.

    ``daily`` is a throughput frame (<by>, day, count) as ``throughput`` returns; missing days
    count as zero, so a team idle for the whole window gets all zeros.
    """
    import polars as pl

    end = as_of.date() if isinstance(as_of, datetime) else as_of
    begin = end - timedelta(days=window_days - 1)
    frame = daily.filter(pl.col("day").is_between(begin, end)).select(
        by, offset=(pl.col("day") - pl.lit(begin)).dt.total_days(), count=pl.col("count")
    )
    teams = daily.get_column(by).unique().sort().to_list()
    index = {t: i for i, t in enumerate(teams)}
    grid = np.zeros((len(teams), window_days), dtype=np.int64)
    rows = np.array([index[t] for t in frame.get_column(by).to_list()], dtype=np.int64)
    np.add.at(
        grid,
        (rows, frame.get_column("offset").to_numpy().astype(np.int64)),
        frame.get_column("count").to_numpy().astype(np.int64),
    )
    return {t: grid[i] for t, i in index.items()}
