"""The before/after engine: did a change in ways of working change a metric, and when?

Pure (numpy, scipy, ruptures; no Django): the CLI reads a CSV into it without a server, and the
service feeds it the workspace's series (:mod:`leadline.impact.series`). Observations are
``(date, value)`` pairs in time order; the engine never looks at the calendar between them, so
it reads per-event samples (one value per release, per finished item) and daily or weekly series
alike.

* **Split.** Given an announced date ``at``, *before* is every observation dated before it and
  *after* every one dated on or after it. Asked to ``detect`` (with or without ``at``), the split
  is the detected change instead.
* **Detection.** A change point is the index k that best splits the observations into two
  segments with different means: the least total squared error
  ``sum_{i<k} (y_i - mean_before)^2 + sum_{i>=k} (y_i - mean_after)^2`` (ruptures' ``l2``
  cost). Without ``at``: binary segmentation (``ruptures.Binseg``, ``n_bkps=1``), whose first
  split is exactly the best single split. With ``at``: the best single split whose first
  observation after it lies within ``window_days`` of ``at`` (the same cost, the candidates
  limited to the window). ``changes > 1``: binary segmentation with that many change points.
  Each segment keeps at least ``MIN_SIZE`` observations. ``detected_at`` is the date of the
  first observation after the detected change. Why ``l2`` and not ``rbf``: the question is
  "did the level move", which ``l2`` answers directly and in linear memory; ``rbf`` needs an
  n x n kernel matrix (800 MB for ten years of days) and reacts to any change of distribution.
* **Test.** The Mann-Whitney U test (two-sided) of before against after: exact when there are
  no ties and n_before x n_after <= ``EXACT_PAIRS_MW``, else the normal approximation with the
  tie and continuity corrections (scipy.stats.mannwhitneyu). U is the before sample's.
* **Shift.** The Hodges-Lehmann estimate: the median of all n_before x n_after differences
  ``after_j - before_i``; its interval is a percentile bootstrap (``REPLICATES`` resamples of
  both sides, seeded, so the same data gives the same interval). When a resample has more than
  ``EXACT_PAIRS`` pairs, its estimate is the median of ``EXACT_PAIRS`` pairs drawn from it, and
  ``LARGE_REPLICATES`` resamples are drawn (the extra noise only widens the interval a little:
  conservative), so ten years of days answer well within a second.
* **Segmented regression.** With t the days since the first observation, t0 that of the first
  observation after the split and D = 1 after the split: ``y = b0 + b1 t + b2 D + b3 (t - t0) D``
  by least squares (numpy.linalg.lstsq). b2 is the change in level at the split, b1 the slope
  before, b1 + b3 the slope after (per day).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np

from .results import (
    ImpactAnalysis,
    ImpactDetection,
    ImpactRegression,
    ImpactSegment,
    ImpactShift,
    ImpactSide,
    ImpactTest,
    SeriesKind,
)

MIN_SIZE = 2  # observations each segment keeps at least
WINDOW_DAYS = 90  # "near the announced date": the detected change lies this close to it
MAX_WINDOW_DAYS = 3650
MAX_CHANGES = 10
REPLICATES = 1000  # bootstrap resamples of the shift's interval
LARGE_REPLICATES = 500  # ... when both sides are large (more than EXACT_PAIRS pairs)
CONFIDENCE = 0.95
SEED = 0
EXACT_PAIRS = 4_000  # a resample's pairs used for its Hodges-Lehmann estimate, at most
EXACT_PAIRS_MW = 400  # the exact Mann-Whitney distribution up to this many pairs (no ties)
FORMULA = "y = b0 + b1·t + b2·D + b3·(t − t0)·D; t in days, D = 1 after the split"

DEFINITIONS = {
    "before": "Observations dated before the split (the announced date, or the detected change).",
    "after": "Observations dated on or after the split.",
    "detected_at": "The date of the first observation after the detected change: the split "
    "that leaves the least squared error around the two segments' means (ruptures, l2 cost).",
    "test": "Mann-Whitney U, two-sided: could before and after come from one distribution? "
    "A small p-value says probably not. U counts the (before, after) pairs where the before "
    "value is larger (ties count a half).",
    "shift": "Hodges-Lehmann estimate: the median of all differences after − before, in the "
    "metric's unit; the interval is a 95 % percentile bootstrap (1,000 seeded resamples).",
    "regression": "Segmented regression: " + FORMULA + ". b2 is the change in level at the "
    "split, b3 the change in slope per day.",
}


class AnalysisError(ValueError):
    """Input the analysis cannot use; ``field`` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _num(x: float | np.floating[Any] | None, digits: int = 10) -> float | None:
    """A JSON-ready float with ``digits`` significant digits (None for none or not finite)."""
    if x is None or not np.isfinite(x):
        return None
    return float(f"{float(x):.{digits}g}")


def side(dates: Sequence[date], values: np.ndarray) -> ImpactSide:
    """n, first and last date, median and mean of one side."""
    n = len(values)
    return ImpactSide(
        n=n,
        start=_iso(dates[0]) if n else None,
        end=_iso(dates[-1]) if n else None,
        median=_num(np.median(values)) if n else None,
        mean=_num(np.mean(values)) if n else None,
    )


def mann_whitney(before: np.ndarray, after: np.ndarray) -> ImpactTest:
    """The two-sided Mann-Whitney U test; U is ``before``'s."""
    name = "Mann-Whitney U (two-sided)"
    if len(before) == 0 or len(after) == 0:
        return ImpactTest(name=name, statistic=None, p_value=None, method="none")
    both = np.concatenate([before, after])
    ties = len(np.unique(both)) < len(both)
    method = "exact" if not ties and len(before) * len(after) <= EXACT_PAIRS_MW else "asymptotic"
    from scipy.stats import mannwhitneyu  # imported when used: pages and the API start faster

    res = mannwhitneyu(before, after, alternative="two-sided", method=method)
    return ImpactTest(
        name=name, statistic=_num(res.statistic), p_value=_num(res.pvalue, 8), method=method
    )


def _kth_difference(xs: np.ndarray, ys: np.ndarray, k: int) -> float:
    """The k-th smallest (0-based) of all ``ys[j] - xs[i]``; ``xs`` and ``ys`` sorted.

    Bisection on the value: ``count(d)`` (differences <= d) is one searchsorted per step, so
    it needs O((n1 + n2) log) memory and time per step instead of n1 x n2.
    """
    lo, hi = float(ys[0] - xs[-1]), float(ys[-1] - xs[0])
    for _ in range(100):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if int(np.searchsorted(xs, ys - mid, side="left").sum()) <= len(xs) * len(ys) - k - 1:
            hi = mid  # at least k + 1 differences are <= mid
        else:
            lo = mid
    # Snap to the largest difference <= hi: for each y, the smallest x >= y - hi.
    i = np.searchsorted(xs, ys - hi, side="left")
    ok = i < len(xs)
    return float(np.max(ys[ok] - xs[i[ok]]))


def hodges_lehmann(before: np.ndarray, after: np.ndarray) -> float:
    """The median of all differences ``after_j - before_i``."""
    n1, n2 = len(before), len(after)
    if n1 * n2 <= 1_000_000:
        return float(np.median(np.subtract.outer(after, before)))
    xs, ys = np.sort(before), np.sort(after)
    total = n1 * n2
    low = _kth_difference(xs, ys, (total - 1) // 2)
    high = low if total % 2 else _kth_difference(xs, ys, total // 2)
    return (low + high) / 2


def shift(
    before: np.ndarray,
    after: np.ndarray,
    *,
    replicates: int = REPLICATES,
    confidence: float = CONFIDENCE,
    seed: int = SEED,
) -> ImpactShift:
    """The Hodges-Lehmann shift with a seeded percentile-bootstrap interval."""
    n1, n2 = len(before), len(after)
    if n1 == 0 or n2 == 0:
        return ImpactShift(estimate=None, low=None, high=None, confidence=confidence, replicates=0)
    estimate = hodges_lehmann(before, after)
    rng = np.random.default_rng(seed)
    if n1 * n2 > EXACT_PAIRS:
        replicates = min(replicates, LARGE_REPLICATES)
    xs = before[rng.integers(0, n1, size=(replicates, n1), dtype=np.int32)]
    ys = after[rng.integers(0, n2, size=(replicates, n2), dtype=np.int32)]
    if n1 * n2 <= EXACT_PAIRS:
        diffs = ys[:, :, None] - xs[:, None, :]
        boot = np.median(diffs.reshape(replicates, -1), axis=1)
    else:
        i = rng.integers(0, n1, size=(replicates, EXACT_PAIRS), dtype=np.int32)
        j = rng.integers(0, n2, size=(replicates, EXACT_PAIRS), dtype=np.int32)
        diffs = np.take_along_axis(ys, j, axis=1) - np.take_along_axis(xs, i, axis=1)
        boot = np.median(diffs, axis=1)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(boot, [tail, 100 - tail])
    return ImpactShift(
        estimate=_num(estimate),
        low=_num(low),
        high=_num(high),
        confidence=confidence,
        replicates=replicates,
    )


@cache
def cost_l2_sums() -> Any:
    """ruptures' ``l2`` cost (squared error around the segment's mean) read from cumulative
    sums: O(1) per segment instead of O(length), the same numbers as ``rpt.costs.CostL2``.
    (A class made on first use: ruptures loads only when a change is looked for.)"""
    from ruptures.base import BaseCost
    from ruptures.exceptions import NotEnoughPoints

    class CostL2Sums(BaseCost):  # type: ignore[misc]
        model = "l2"
        min_size = 1

        def fit(self, signal: np.ndarray) -> Any:
            y = np.asarray(signal, dtype=float).reshape(len(signal), -1)[:, 0]
            self.signal = y
            self.s1 = np.concatenate([[0.0], np.cumsum(y)])
            self.s2 = np.concatenate([[0.0], np.cumsum(y * y)])
            return self

        def error(self, start: int, end: int) -> float:
            if end - start < self.min_size:
                raise NotEnoughPoints
            total = self.s1[end] - self.s1[start]
            return float(self.s2[end] - self.s2[start] - total * total / (end - start))

    return CostL2Sums


def _split_costs(values: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """The l2 cost of splitting before each candidate index (vectorised CostL2Sums)."""
    cost = cost_l2_sums()().fit(values)
    n = len(values)
    k = candidates
    left = cost.s2[k] - (cost.s1[k] ** 2) / k
    right = (cost.s2[n] - cost.s2[k]) - ((cost.s1[n] - cost.s1[k]) ** 2) / (n - k)
    return np.asarray(left + right)


def _binseg(values: np.ndarray) -> Any:
    import ruptures as rpt

    return rpt.Binseg(custom_cost=cost_l2_sums()(), min_size=MIN_SIZE, jump=1).fit(values)


def strongest(values: np.ndarray) -> int:
    """The index of the first observation after the single strongest change (Binseg, l2)."""
    return int(_binseg(values).predict(n_bkps=1)[0])


def strongest_near(
    dates: Sequence[date], values: np.ndarray, at: date, window_days: int
) -> int | None:
    """The strongest single change whose first observation after it is within the window."""
    n = len(values)
    lo, hi = at - timedelta(days=window_days), at + timedelta(days=window_days)
    candidates = np.array(
        [k for k in range(MIN_SIZE, n - MIN_SIZE + 1) if lo <= dates[k] <= hi], dtype=int
    )
    if not len(candidates):
        return None
    return int(candidates[int(np.argmin(_split_costs(values, candidates)))])


def several(values: np.ndarray, changes: int) -> list[int]:
    """``changes`` change points by binary segmentation (l2)."""
    return [int(k) for k in _binseg(values).predict(n_bkps=changes)[:-1]]


def _days(dates: Sequence[date]) -> np.ndarray:
    first = dates[0].toordinal()
    return np.array([d.toordinal() - first for d in dates], dtype=float)


def regression(t: np.ndarray, values: np.ndarray, split: int) -> ImpactRegression:
    """Segmented regression of level and slope around ``split`` (see the module)."""
    none = ImpactRegression(
        level_change=None,
        slope_before_per_day=None,
        slope_after_per_day=None,
        slope_change_per_day=None,
        formula=FORMULA,
    )
    if split <= 0 or split >= len(values):
        return none
    after = (np.arange(len(values)) >= split).astype(float)
    t0 = t[split]
    x = np.column_stack([np.ones_like(t), t, after, (t - t0) * after])
    coef, _, rank, _ = np.linalg.lstsq(x, values, rcond=None)
    if rank < 4:  # one side all on one day: no slope to tell
        return none
    b0, b1, b2, b3 = (float(c) for c in coef)
    return ImpactRegression(
        level_change=_num(b2),
        slope_before_per_day=_num(b1),
        slope_after_per_day=_num(b1 + b3),
        slope_change_per_day=_num(b3),
        formula=FORMULA,
    )


def segments(
    dates: Sequence[date], t: np.ndarray, values: np.ndarray, cuts: Sequence[int]
) -> list[ImpactSegment]:
    """Each segment between ``cuts`` with its own least-squares line."""
    out: list[ImpactSegment] = []
    bounds = [0, *sorted({c for c in cuts if 0 < c < len(values)}), len(values)]
    for a, b in zip(bounds, bounds[1:], strict=False):
        tt, yy = t[a:b], values[a:b]
        if len(np.unique(tt)) > 1:
            slope, intercept = np.polyfit(tt - tt[0], yy, 1)
        else:
            slope, intercept = 0.0, float(np.mean(yy))
        out.append(
            ImpactSegment(
                start=dates[a].isoformat(),
                end=dates[b - 1].isoformat(),
                n=b - a,
                mean=float(_num(np.mean(yy)) or 0.0),
                median=float(_num(np.median(yy)) or 0.0),
                intercept=float(_num(intercept) or 0.0),
                slope_per_day=float(_num(slope) or 0.0),
            )
        )
    return out


def analyse(
    dates: Sequence[date],
    values: Sequence[float],
    *,
    at: date | None = None,
    detect: bool = False,
    changes: int = 1,
    kind: SeriesKind = "series",
    window_days: int = WINDOW_DAYS,
    seed: int = SEED,
    replicates: int = REPLICATES,
) -> ImpactAnalysis:
    """Return the before/after analysis of the observations (see the module for the method).

    Raises AnalysisError naming the field when the input cannot be analysed.
    """
    if len(dates) != len(values):
        raise AnalysisError("values", "dates and values differ in length")
    if at is None and not detect:
        raise AnalysisError("at", "give the announced date (at) or ask to detect the change")
    if not 1 <= changes <= MAX_CHANGES:
        raise AnalysisError("changes", f"changes must be between 1 and {MAX_CHANGES}")
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        raise AnalysisError("window", f"the window must be 1 to {MAX_WINDOW_DAYS} days")
    order = sorted(range(len(dates)), key=lambda i: dates[i])
    ds = [dates[i] for i in order]
    ys = np.asarray([values[i] for i in order], dtype=float)
    if not np.all(np.isfinite(ys)):
        raise AnalysisError("values", "every value must be a finite number")
    n = len(ys)
    need = (changes + 1) * MIN_SIZE
    if n < need:
        raise AnalysisError(
            "values",
            f"{n} observation{'s' if n != 1 else ''}: the analysis needs at least {need} "
            f"({MIN_SIZE} on each side of each change)",
        )
    detected: int | None
    if at is not None:
        detected = strongest_near(ds, ys, at, window_days)
    else:
        detected = strongest(ys)
    if detect:
        if detected is None:
            raise AnalysisError(
                "window",
                f"no change can be detected within {window_days} days of {at}: "
                f"each side needs {MIN_SIZE} observations",
            )
        split = detected
    else:
        assert at is not None
        split = next((k for k, d in enumerate(ds) if d >= at), n)
    if split == 0 or split == n:
        where = "before" if split == 0 else "on or after"
        raise AnalysisError("at", f"no observations {where} {at}: nothing to compare")
    listed = several(ys, changes) if changes > 1 else ([detected] if detected is not None else [])
    before, after = ys[:split], ys[split:]
    t = _days(ds)
    detected_at = ds[detected] if detected is not None else None
    return ImpactAnalysis(
        at=_iso(at),
        detected_at=_iso(detected_at),
        split_at=ds[split].isoformat(),
        split_by="detected" if detect else "announced",
        kind=kind,
        n=n,
        before=side(ds[:split], before),
        after=side(ds[split:], after),
        test=mann_whitney(before, after),
        shift=shift(before, after, seed=seed, replicates=replicates),
        regression=regression(t, ys, split),
        detection=ImpactDetection(
            method=(
                f"ruptures {'Binseg' if at is None or changes > 1 else 'single split'} "
                f"(l2 cost, min_size {MIN_SIZE})"
            ),
            window_days=window_days if at is not None else None,
            changes=[ds[k].isoformat() for k in sorted(listed)],
            lag_days=(detected_at - at).days if detected_at and at else None,
        ),
        segments=segments(ds, t, ys, [split, *(listed if changes > 1 else [])]),
        definitions=dict(DEFINITIONS),
    )
