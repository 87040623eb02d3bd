"""Forecast methods by name, and the calibration that makes a forecast keep its promise.

``independent_days`` is the original Monte Carlo forecast (:mod:`leadline.flow.forecast`):
every future day drawn independently from the window's days. Real throughput is not
independent from day to day (it drifts, comes in bursts and stalls), and replayed over 39 real
projects its 85 % "when" answers came true 79 % of the time (docs/flow-dora-forecasts.md).

``week_blocks`` draws whole 7-day blocks of the window (circular: a block may wrap from the
window's last day to its first), so a trial keeps the window's bursts and stalls together.

``calibrated_blocks`` (the default) reads ``week_blocks``' trials at a corrected confidence
level learned from how the team's own past forecasts landed: for each percentile p, the
lowest level g at which, among the team's past forecasts (made every ``every`` days over the
last :data:`MEMORY_DAYS` days before the as-of date) whose answer at g could be judged by the
as-of date, the share that came true is at least p. A "how many" answer is judged once its
horizon passed; a "when" answer once its day passed, whether or not the items were done then
(judging only finished ones would favour fast outcomes). The share is shrunk toward "calibrated"
with a prior worth :data:`PRIOR_FORECASTS` forecasts, so a team without history gets the
uncorrected level. Only data up to the as-of date is read: each past forecast from its own
window, each outcome from the days up to the as-of date (:func:`learn_levels`).

Every replayed forecast uses a fresh generator from (seed, team key), as a live forecast does,
so a past forecast is the same whether it is replayed or was made live on that day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from leadline import bounds

from .draws import CHUNK, as_samples, index_dtype, sum_dtype
from .forecast import forecast_how_many, forecast_when, team_rng

METHODS: dict[str, str] = {
    "calibrated_blocks": (
        "Whole 7-day blocks drawn from the window (keeps bursts and stalls), read at "
        "confidence levels corrected by how this team's own past forecasts landed (learned "
        "only from answers whose outcome was known at the as-of date)."
    ),
    "week_blocks": (
        "Whole 7-day blocks drawn from the window (keeps bursts and stalls), no correction."
    ),
    "independent_days": (
        "Every future day drawn independently from the window's days (the classic Monte "
        "Carlo forecast; exact for what it assumes)."
    ),
}
MethodName = Literal["calibrated_blocks", "week_blocks", "independent_days"]
DEFAULT_METHOD: MethodName = "calibrated_blocks"
BLOCK_DAYS = 7
PRIOR_FORECASTS = 10.0  # the prior that the method is calibrated is worth this many forecasts
MEMORY_DAYS = bounds.BACKTEST_DAYS  # past forecasts learned from: made within these days
MIN_TRACK_RECORD = 8  # fewer judged past forecasts: "too little history", no number
TRACK_PERCENTILE = 85
LEVELS = np.arange(401) / 400  # candidate confidence levels, 0.25 % apart
NEVER = np.iinfo(np.int64).max


def check_method(method: str) -> str:
    """Return ``method`` if it is a known forecast method; raise ValueError naming them."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    return method


def block_outcomes(
    window: Sequence[int] | np.ndarray,
    horizon: int,
    items: int,
    trials: int,
    rng: np.random.Generator,
    block: int = BLOCK_DAYS,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return per trial the items finished in ``horizon`` days and the days needed for
    ``items`` items (None: nothing can finish), each trial a chain of ``block``-day blocks
    drawn with replacement from the window (circular, any start day)."""
    w = as_samples(window)
    size = w.size
    length = min(block, size)
    idx = (np.arange(size)[:, None] + np.arange(length)[None, :]) % size
    prefix = np.cumsum(w[idx], axis=1)  # (starts, length)
    sums = prefix[:, -1]
    draw = index_dtype(size)
    if horizon <= 0:
        totals = np.zeros(trials, dtype=np.int64)
    else:
        nb = -(-horizon // length)
        last = horizon - (nb - 1) * length
        starts = rng.integers(0, size, size=(trials, nb), dtype=draw)
        totals = sums[starts[:, :-1]].sum(axis=1) + prefix[starts[:, -1], last - 1]
    if items <= 0:
        return totals, np.zeros(trials, dtype=np.int64)
    if sums.sum() == 0:
        return totals, None
    days = np.zeros(trials, dtype=np.int64)
    need = np.full(trials, items, dtype=np.int64)
    todo = np.arange(trials)
    mean = float(sums.mean())
    cv = max(float(sums.std()) / mean, 0.5)
    top = int(sums.max())
    while todo.size:
        left = need[todo]
        # Blocks for most trials to finish (renewal theory: sd ~ sqrt(expect) * cv).
        expect = float(np.median(left)) / mean
        m = math.ceil(expect + 2.5 * cv * math.sqrt(expect) + 2)
        m = int(min(max(m, 2), max(1, CHUNK // todo.size)))
        starts = rng.integers(0, size, size=(todo.size, m), dtype=draw)
        dt = sum_dtype(m * top + 1)
        cs = np.cumsum(sums.astype(dt)[starts], axis=1, dtype=dt)
        j = np.less(cs, left.astype(dt)[:, None]).sum(
            axis=1
        )  # blocks fully used before reaching need
        done = j < m
        rows = np.nonzero(done)[0]
        jd = j[done]
        before = np.where(jd > 0, cs[rows, np.maximum(jd - 1, 0)], 0)
        rest = left[done] - before
        within = np.argmax(prefix[starts[rows, jd]] >= rest[:, None], axis=1) + 1
        days[todo[done]] += jd * length + within
        open_ = ~done
        days[todo[open_]] += m * length
        need[todo[open_]] -= cs[open_, -1]
        todo = todo[open_]
    return totals, days


def raw_outcomes(
    window: np.ndarray,
    horizon: int,
    items: int,
    trials: int,
    seed: int | None,
    key: str,
    method: str,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the trials (sorted) of one forecast: items in ``horizon`` days, days to ``items``."""
    if method == "independent_days":
        hm = forecast_how_many(window, horizon, trials=trials, seed=seed, percentiles=(50,))
        wf = forecast_when(window, items, trials=trials, seed=seed, percentiles=(50,))
        when = None if wf.days[50] is None else wf.outcomes
        return np.sort(hm.outcomes), None if when is None else np.sort(when)
    totals, days = block_outcomes(window, horizon, items, trials, team_rng(seed, key))
    return np.sort(totals), None if days is None else np.sort(days)


def _need(trials: int, level: float) -> int:
    return max(1, math.ceil(round(level * trials, 9)))


def read_when(sorted_days: np.ndarray | None, level: float) -> int | None:
    """Smallest day by which at least ``level`` (0-1) of the trials finished."""
    if sorted_days is None:
        return None
    return int(sorted_days[_need(sorted_days.size, level) - 1])


def read_how_many(sorted_totals: np.ndarray, level: float) -> int:
    """Largest count reached by at least ``level`` (0-1) of the trials."""
    return int(sorted_totals[sorted_totals.size - _need(sorted_totals.size, level)])


@dataclass(frozen=True, slots=True)
class PastForecast:
    """One replayed forecast: its as-of day (index into the series) and sorted trials."""

    at: int
    how_many: np.ndarray = field(repr=False)
    when: np.ndarray | None = field(repr=False)
    answers: dict[str, dict[int, int | None]] = field(default_factory=dict)


def _took(cs: np.ndarray, at: int, items: int) -> int | None:
    """Days after ``at`` until ``items`` items were done, within the known days (``cs``: the
    running total with a leading 0); None when not done yet."""
    gained = cs[at + 2 :] - cs[at + 1]  # items in days at+1 .. at+d, d = 1, 2, ...
    reached = np.nonzero(gained >= items)[0]
    return int(reached[0]) + 1 if reached.size else None


@dataclass(frozen=True, slots=True)
class Levels:
    """Corrected levels (0-1) per question and percentile, and how many past forecasts (at the
    percentile's own level) each was learned from."""

    how_many: dict[int, float]
    when: dict[int, float]
    learned_from: dict[str, int]


def learn_levels(
    past: Sequence[PastForecast],
    known: np.ndarray,
    *,
    horizon: int,
    items: int,
    percentiles: Sequence[int],
    memory_days: int = MEMORY_DAYS,
    prior: float = PRIOR_FORECASTS,
) -> Levels:
    """Return the corrected levels at the as-of day ``known.size - 1`` from the past forecasts
    made before it (within ``memory_days``), judging them with ``known`` (the series up to and
    including the as-of day) only: nothing after the as-of day is passed in, so nothing after
    it can change the levels."""
    now = known.size - 1
    cs = np.concatenate(([0], np.cumsum(known)))
    usable = [f for f in past if now - memory_days <= f.at < now]
    g = LEVELS
    hm_hits = np.zeros(g.size)
    hm_known = 0
    w_hits = np.zeros(g.size)
    w_known = np.zeros(g.size)
    judged_hm = [f for f in usable if f.at + horizon <= now]
    if judged_hm:
        at = np.array([f.at for f in judged_hm])
        actual = cs[at + 1 + horizon] - cs[at + 1]
        trials = np.stack([f.how_many for f in judged_hm])
        beat = (trials > actual[:, None]).sum(axis=1) / trials.shape[1]
        hm_hits = (beat[:, None] < g[None, :]).sum(axis=0).astype(float)
        hm_known = len(judged_hm)
    with_when = [f for f in usable if f.when is not None]
    if with_when:
        at = np.array([f.at for f in with_when])
        trials = np.stack([f.when for f in with_when])  # type: ignore[misc]
        size = trials.shape[1]
        low = (trials <= (now - at)[:, None]).sum(axis=1) / size
        judged = low[:, None] >= g[None, :]
        # The day the items were done: the first running total reaching the need (cs is
        # non-decreasing), if within the known days.
        reached = np.searchsorted(cs, cs[at + 1] + items, side="left")
        done = reached <= now + 1
        took = reached - (at + 1)
        beat = (trials < took[:, None]).sum(axis=1) / size
        w_hits = (judged & done[:, None] & (beat[:, None] < g[None, :])).sum(axis=0)
        w_known = judged.sum(axis=0).astype(float)
    out: dict[str, dict[int, float]] = {"how_many": {}, "when": {}}
    for p in percentiles:
        target = p / 100
        rate_hm = (hm_hits + prior * g) / (hm_known + prior)
        rate_w = (w_hits + prior * g) / (w_known + prior)
        for name, rate in (("how_many", rate_hm), ("when", rate_w)):
            ok = np.nonzero(rate >= target - 1e-12)[0]
            out[name][p] = float(g[ok[0]]) if ok.size else 1.0
    level = round(TRACK_PERCENTILE / 100 * 400)
    return Levels(out["how_many"], out["when"], {"how_many": hm_known, "when": int(w_known[level])})


@dataclass(frozen=True, slots=True)
class Replayed:
    """Forecasts replayed at as-of days (indices into the series), oldest first: per as-of
    its answers per question and percentile, and the levels they were read at."""

    past: list[PastForecast]
    levels: list[Levels | None]


def replay(
    series: np.ndarray,
    as_of: Sequence[int],
    *,
    window_days: int,
    horizon: int,
    items: int,
    trials: int,
    seed: int | None,
    method: str,
    percentiles: Sequence[int],
    key: str = "",
    memory_days: int = MEMORY_DAYS,
) -> Replayed:
    """Forecast at each as-of day of ``as_of`` (increasing, each with a full window behind it)
    with ``method``; ``calibrated_blocks`` learns each forecast's levels from the ones replayed
    before it, judged with the series up to that as-of day only."""
    check_method(method)
    series = np.asarray(series, dtype=np.int64)
    base = "week_blocks" if method == "calibrated_blocks" else method
    past: list[PastForecast] = []
    all_levels: list[Levels | None] = []
    for i in as_of:
        known = series[: i + 1]
        window = known[i - window_days + 1 :]
        hm, when = raw_outcomes(window, horizon, items, trials, seed, key, base)
        levels = None
        if method == "calibrated_blocks":
            levels = learn_levels(
                past, known, horizon=horizon, items=items, percentiles=percentiles,
                memory_days=memory_days,
            )  # fmt: skip
        answers: dict[str, dict[int, int | None]] = {"how_many": {}, "when": {}}
        for p in percentiles:
            lh = levels.how_many[p] if levels else p / 100
            lw = levels.when[p] if levels else p / 100
            answers["how_many"][p] = read_how_many(hm, lh)
            answers["when"][p] = read_when(when, lw)
        past.append(PastForecast(i, hm, when, answers))
        all_levels.append(levels)
    return Replayed(past, all_levels)


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """How this team's own past forecasts (of the method) did at :data:`TRACK_PERCENTILE`."""

    question: str
    percentile: int
    forecasts: int
    hit_rate: float | None
    enough: bool
    text: str


def track_record(
    replayed: Replayed, known: np.ndarray, *, horizon: int, items: int, method: str
) -> dict[str, TrackRecord]:
    """Return per question how the replayed past forecasts' 85 % answers came true, judged
    with ``known`` (the series up to the as-of day): "how many" once its horizon passed,
    "when" once its day passed or the items were done. Fewer than :data:`MIN_TRACK_RECORD`
    judged forecasts say so instead of a rate."""
    now = known.size - 1
    cs = np.concatenate(([0], np.cumsum(known)))
    p = TRACK_PERCENTILE
    got: dict[str, list[bool]] = {"how_many": [], "when": []}
    for f in replayed.past:
        if f.at >= now:
            continue
        if f.at + horizon <= now:
            answer = f.answers["how_many"][p]
            got["how_many"].append(bool(cs[f.at + 1 + horizon] - cs[f.at + 1] >= (answer or 0)))
        day = f.answers["when"].get(p)
        if day is None:
            continue
        took = _took(cs, f.at, items)
        if took is not None:
            got["when"].append(took <= day)
        elif day <= now - f.at:
            got["when"].append(False)
    out = {}
    for question, hits in got.items():
        n = len(hits)
        label = "answers"
        if n >= MIN_TRACK_RECORD:
            rate = sum(hits) / n
            text = (
                f"On this team's last {n} forecasts, {p} % {label} came true "
                f"{round(rate * 100)} % of the time ({method})."
            )
            out[question] = TrackRecord(question, p, n, round(rate, 3), True, text)
        else:
            text = (
                f"Too little history to judge: {n} of this team's past forecasts could be "
                f"checked so far ({MIN_TRACK_RECORD} needed) ({method})."
            )
            out[question] = TrackRecord(question, p, n, None, False, text)
    return out


@dataclass(frozen=True, slots=True)
class MethodForecast:
    """A forecast made with a named method at the series' last day (the as-of day): answers
    per percentile, the trials (sorted) they were read from, the corrected levels (None for
    an uncorrected method) and the team's own track record."""

    method: str
    description: str
    how_many: dict[int, int]
    when: dict[int, int | None]
    how_many_outcomes: np.ndarray = field(repr=False)
    when_outcomes: np.ndarray | None = field(repr=False)
    levels: Levels | None
    track: dict[str, TrackRecord]
    replayed: Replayed = field(repr=False)


def history_as_of(
    now: int, window_days: int, every: int, memory_days: int = MEMORY_DAYS
) -> list[int]:
    """The past as-of days learned from at day ``now``: every ``every`` days back within
    ``memory_days``, each with a full window behind it (oldest first)."""
    days = range(now - every, max(now - memory_days, window_days - 1) - 1, -every)
    return sorted(d for d in days if d >= window_days - 1)


def forecast_with_method(
    series: Sequence[int] | np.ndarray,
    *,
    window_days: int,
    horizon: int,
    items: int,
    trials: int,
    seed: int | None,
    method: str = DEFAULT_METHOD,
    percentiles: Sequence[int] = (50, 70, 85, 95),
    every: int = 7,
    history_trials: int = 2_000,
    key: str = "",
) -> MethodForecast:
    """Forecast from ``series`` (daily counts, oldest first, ending at the as-of day) with
    ``method``: the window is the last ``window_days`` days (all of them when fewer); the
    team's past forecasts every ``every`` days (``history_trials`` trials each) give the
    correction (``calibrated_blocks``) and the track record. Past as-of days whose window
    holds no finished item (before the team's data starts) are not learned from."""
    check_method(method)
    s = as_samples(series)
    now = s.size - 1
    cs = np.concatenate(([0], np.cumsum(s)))
    past = [
        i for i in history_as_of(now, window_days, every) if cs[i + 1] - cs[i + 1 - window_days] > 0
    ]
    replayed = replay(
        s, past, window_days=window_days, horizon=horizon,
        items=items, trials=history_trials, seed=seed, method=method, percentiles=percentiles,
        key=key,
    )  # fmt: skip
    base = "week_blocks" if method == "calibrated_blocks" else method
    hm, when = raw_outcomes(s[-window_days:], horizon, items, trials, seed, key, base)
    levels = None
    if method == "calibrated_blocks":
        levels = learn_levels(
            replayed.past, s, horizon=horizon, items=items, percentiles=percentiles
        )
    how_many = {
        p: read_how_many(hm, levels.how_many[p] if levels else p / 100) for p in percentiles
    }
    when_days = {p: read_when(when, levels.when[p] if levels else p / 100) for p in percentiles}
    track = track_record(replayed, s, horizon=horizon, items=items, method=method)
    return MethodForecast(
        method, METHODS[method], how_many, when_days, hm, when, levels, track, replayed
    )
