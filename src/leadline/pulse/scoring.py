"""Scoring a round's answers: means on the scale and 0-1, distributions, r_wg. Pure Python.

Only :mod:`leadline.pulse.privacy` decides whether any of it may be shown; nothing here knows k.

- A reverse-scored item's answer v on a scale of A options counts as A + 1 - v, so that higher
  is always better.
- Normalised: (mean - 1) / (A - 1), 0 the worst answer and 1 the best.
- Within-team agreement (James, Demaree & Wolf 1984): r_wg = 1 - s^2 / sigma^2_EU, with s^2 the
  sample variance (n - 1) of the answers and sigma^2_EU = (A^2 - 1) / 12 the variance of a
  uniform (random) answer over A options; clamped to [0, 1]. Below 0.70 the team is split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean, variance

from .catalog import SCALES, Item

SPLIT_BELOW = 0.70


@dataclass(frozen=True)
class ItemScore:
    key: str
    mean: float
    normalised: float
    distribution: list[int]  # answers per option 1..A, after reverse scoring
    rwg: float | None  # None with fewer than two answers
    split: bool


def scored(item: Item, value: int) -> int:
    """Return ``value`` as it counts: reversed for a negatively worded item."""
    size = SCALES[item.scale].size
    return size + 1 - value if item.reverse else value


def normalise(mean: float, size: int) -> float:
    return (mean - 1) / (size - 1)


def rwg(values: Sequence[int], size: int) -> float | None:
    """Return r_wg of ``values`` on a scale of ``size`` options (None with fewer than two)."""
    if len(values) < 2:
        return None
    expected = (size * size - 1) / 12
    return min(1.0, max(0.0, 1 - variance(values) / expected))


def score_item(item: Item, answers: Sequence[dict[str, int]]) -> ItemScore | None:
    """Score one item over the answers that hold it (None when none do)."""
    size = SCALES[item.scale].size
    values = [scored(item, a[item.key]) for a in answers if item.key in a]
    if not values:
        return None
    mean = fmean(values)
    agreement = rwg(values, size)
    return ItemScore(
        key=item.key,
        mean=mean,
        normalised=normalise(mean, size),
        distribution=[values.count(v) for v in range(1, size + 1)],
        rwg=agreement,
        split=agreement is not None and agreement < SPLIT_BELOW,
    )


def overall(items: Sequence[Item], answers: Sequence[dict[str, int]]) -> tuple[float, float] | None:
    """Return the overall score (mean of each respondent's mean over the scored items, on the
    scale) and its 0-1 form; None without answers. All scored items share one scale."""
    keys = [i for i in items if i.scored]
    if not keys or not answers:
        return None
    size = SCALES[keys[0].scale].size
    per_person = []
    for a in answers:
        values = [scored(i, a[i.key]) for i in keys if i.key in a]
        if values:
            per_person.append(fmean(values))
    if not per_person:
        return None
    mean = fmean(per_person)
    return mean, normalise(mean, size)
