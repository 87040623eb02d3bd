"""The Monte Carlo draws under :mod:`leadline.flow.forecast`: sums of days drawn with
replacement from the sampled daily throughputs, and how many draws each trial needs to reach a
number of items (one target, or several increasing ones read from the same draws).

Draws come in blocks sized to the expected need and bounded in memory, with the narrowest
integer types that hold them; the block shapes fix the random stream, so changing them changes
the forecasts a seed gives.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

CHUNK = 4_000_000  # values per drawn block, bounds memory (~32 MB of int64)


def as_samples(samples: Any) -> np.ndarray:
    arr = np.asarray(samples, dtype=np.int64)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError("need a non-empty 1-D sequence of daily throughputs")
    if (arr < 0).any():
        raise ValueError("daily throughput cannot be negative")
    return arr


def index_dtype(n: int) -> type[np.integer[Any]]:
    # Bounded draws below 2**16 use half a 32-bit word each: about 2x fewer random bits.
    return np.uint16 if n <= 1 << 16 else np.int64


def sum_dtype(bound: int) -> type[np.integer[Any]]:
    return np.int16 if bound < 1 << 15 else np.int32 if bound < 1 << 31 else np.int64


def sample_sums(
    samples: Sequence[int] | np.ndarray, draws: int, trials: int, rng: np.random.Generator
) -> np.ndarray:
    """Return, per trial, the sum of ``draws`` values drawn with replacement from ``samples``."""
    s = as_samples(samples)
    total = np.zeros(trials, dtype=np.int64)
    step = max(1, CHUNK // max(trials, 1))
    left = draws
    while left > 0:
        b = min(step, left)
        dt = sum_dtype(b * int(s.max()) + 1)
        # int32 draws are the same numbers as int64 ones; summing day rows is contiguous.
        idx = rng.integers(0, s.size, size=(trials, b), dtype=np.int32)
        total += running_sum(np.ascontiguousarray(s.astype(dt).take(idx).T))[-1]
        left -= b
    return total


def running_sum(drawn: np.ndarray) -> np.ndarray:
    """Cumulative sum down the rows, in place (row by row: numpy's axis-0 cumsum is strided)."""
    for i in range(1, drawn.shape[0]):
        np.add(drawn[i - 1], drawn[i], out=drawn[i])
    return drawn


def hitting_steps(
    values: np.ndarray, items: int, trials: int, rng: np.random.Generator
) -> np.ndarray:
    """Return per trial the number of draws from ``values`` (all > 0 or with zeros) to reach items."""
    k = np.zeros(trials, dtype=np.int64)
    need = np.full(trials, items, dtype=np.int64)
    todo = np.arange(trials)
    mean = float(values.mean())
    # Spread of the hitting time (renewal theory): sd ~ sqrt(expect) * sd(values) / mean.
    cv = float(values.std()) / mean
    vmax = int(values.max())
    draw_dtype = index_dtype(values.size)
    while todo.size:
        left = need[todo]
        expect = float(left.mean()) / mean
        spread = 2.5 * max(cv, 0.5) * math.sqrt(expect)
        b = int(min(max(8, math.ceil(expect + spread + 2)), CHUNK // todo.size))
        b = max(b, 1)
        dt = sum_dtype(max(b * vmax, int(left.max())) + 1)
        # Draws x trials: the running sum adds contiguous rows, and the first draw reaching
        # ``need`` is the count of running sums still below it (sums never decrease).
        idx = rng.integers(0, values.size, size=(b, todo.size), dtype=draw_dtype)
        cs = running_sum(values.astype(dt).take(idx))
        below = np.less(cs, left.astype(dt)).view(np.uint8)
        steps = below.sum(axis=0, dtype=np.uint16 if b < 1 << 16 else np.int64)
        finished = steps < b
        k[todo] += steps + finished
        unfinished = ~finished
        rest = todo[unfinished]
        need[rest] -= cs[-1, unfinished]
        todo = rest
    return k


def hitting_steps_daily(
    values: np.ndarray, items: int, trials: int, rng: np.random.Generator
) -> np.ndarray:
    """``hitting_steps`` drawing the stream of ``method="daily"`` (trial-major int draws)."""
    k = np.zeros(trials, dtype=np.int64)
    need = np.full(trials, items, dtype=np.int64)
    todo = np.arange(trials)
    mean = float(values.mean())
    vmax = int(values.max())
    while todo.size:
        left = need[todo]
        expect = float(left.mean()) / mean
        b = int(min(max(8, math.ceil(expect * 1.25 + 3 * math.sqrt(expect))), CHUNK // todo.size))
        b = max(b, 1)
        dt = sum_dtype(max(b * vmax, int(left.max())) + 1)
        # int32 draws are the same numbers as int64 ones (both use 32-bit bounded draws).
        idx = rng.integers(0, values.size, size=(todo.size, b), dtype=np.int32)
        cs = running_sum(np.ascontiguousarray(values.astype(dt).take(idx).T))
        below = np.less(cs, left.astype(dt)).view(np.uint8)
        steps = below.sum(axis=0, dtype=np.uint16 if b < 1 << 16 else np.int64)
        finished = steps < b
        k[todo] += steps + finished
        unfinished = ~finished
        rest = todo[unfinished]
        need[rest] -= cs[-1, unfinished]
        todo = rest
    return k


def hitting_steps_many(
    values: np.ndarray, targets: np.ndarray, trials: int, rng: np.random.Generator, daily: bool
) -> np.ndarray:
    """Return per target (rows) and trial the number of draws to reach each target.

    ``targets`` are increasing and positive; the running sums of one stream of draws per trial
    answer every target, so a later target never needs fewer draws. Blocks are drawn exactly as
    :func:`hitting_steps` (``daily``: :func:`hitting_steps_daily`) draws them for the last
    target, so a single target gives the same numbers as those do.
    """
    m = targets.size
    last = int(targets[-1])
    k = np.zeros((m, trials), dtype=np.int64)
    need = np.full(trials, last, dtype=np.int64)
    todo = np.arange(trials)
    mean = float(values.mean())
    cv = float(values.std()) / mean
    vmax = int(values.max())
    draw_dtype = index_dtype(values.size)
    while todo.size:
        left = need[todo]
        expect = float(left.mean()) / mean
        if daily:
            b = int(min(max(8, math.ceil(expect * 1.25 + 3 * math.sqrt(expect))),
                        CHUNK // todo.size))  # fmt: skip
        else:
            spread = 2.5 * max(cv, 0.5) * math.sqrt(expect)
            b = int(min(max(8, math.ceil(expect + spread + 2)), CHUNK // todo.size))
        b = max(b, 1)
        dt = sum_dtype(max(b * vmax, int(left.max())) + 1)
        if daily:
            idx = rng.integers(0, values.size, size=(todo.size, b), dtype=np.int32)
            cs = running_sum(np.ascontiguousarray(values.astype(dt).take(idx).T))
        else:
            idx2 = rng.integers(0, values.size, size=(b, todo.size), dtype=draw_dtype)
            cs = running_sum(values.astype(dt).take(idx2))
        count_dtype = np.uint16 if b < 1 << 16 else np.int64
        for j in range(m):
            # Items still needed for target j: the last target's need less the items between.
            left_j = left - (last - int(targets[j]))
            open_j = left_j > 0
            if not open_j.any():
                continue
            below = np.less(cs, left_j.clip(min=0).astype(dt)).view(np.uint8)
            steps = below.sum(axis=0, dtype=count_dtype).astype(np.int64)
            k[j, todo[open_j]] += (steps + (steps < b))[open_j]
        unfinished = np.less(cs[-1], left.astype(dt))  # the last target not reached yet
        rest = todo[unfinished]
        need[rest] -= cs[-1, unfinished]
        todo = rest
    return k


def add_empty_days(steps: np.ndarray, p: float, rng: np.random.Generator) -> np.ndarray:
    """Add to each row of finishing days the empty days before it: the empty days before the
    first target's k-th finishing day, then those between each target and the next (the sum of
    independent negative binomials is one), so rows stay ordered within every trial."""
    if p >= 1.0:
        return steps
    out = steps.copy()
    empty = np.zeros(steps.shape[1], dtype=np.int64)
    previous = np.zeros(steps.shape[1], dtype=np.int64)
    for j in range(steps.shape[0]):
        more = steps[j] - previous
        some = more > 0
        if some.all():
            empty = empty + rng.negative_binomial(more, p)
        elif some.any():
            empty = empty.copy()
            empty[some] += rng.negative_binomial(more[some], p)
        out[j] += empty
        previous = steps[j]
    return out
