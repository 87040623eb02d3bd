"""Status against a target, and benefit curves that move with a slipping milestone (pure).

Definitions (stated on the pages and in docs/outcomes.md):

- **Status against target.** *On track*: the latest value meets the target, or has made at
  least the progress a straight line from the first value (its date) to the target (the target
  date) asks for by today. *At risk*: it has made at least half of that progress (and some).
  *Off track*: less than half, moving the wrong way, or the target date has passed unmet.
  Without a target date, a value that does not meet the target is *at risk*.
- **Expected curve.** The expected values by date, joined by straight lines, flat before the
  first and after the last.
- **Shifted curve.** Each expected value tied to a milestone moves later by that milestone's
  slip: the days from its target date to its forecast 85 % date (none when the forecast is on
  or before the target).
- **Benefit at risk.** The area between the expected and the shifted curve where the shifted
  one is worse: the sum over days of (expected − shifted) for a KPI where higher is better
  (shifted − expected where lower is better), in the KPI's unit × days. A whole curve delayed
  by s days loses s × its rise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Literal

Point = tuple[date, float]
Status = Literal["on_track", "at_risk", "off_track", "no_target", "no_data"]
STATUS_LABELS: dict[str, str] = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_target": "No target",
    "no_data": "No data",
}
STATUS_DEFINITION = (
    "On track: the latest value meets the target, or has made at least the progress a straight "
    "line from the first value to the target (by the target date) asks for by today. At risk: at "
    "least half of that progress. Off track: less than half, the wrong way, or the target date "
    "has passed unmet. Without a target date, a value short of the target is at risk."
)


def better(a: float, b: float, direction: str) -> bool:
    """True when ``a`` is at least as good as ``b``."""
    return a >= b if direction == "higher" else a <= b


def status(
    series: Sequence[Point],
    target: float | None,
    target_date: date | None,
    direction: str,
    today: date,
) -> tuple[Status, str]:
    """Return the status of a KPI's ``series`` (by date) against its target, and why."""
    if not series:
        return "no_data", "no value yet"
    if target is None:
        return "no_target", "no target set"
    first_day, baseline = series[0]
    current = series[-1][1]
    if better(current, target, direction):
        return "on_track", f"{current:g} meets the target {target:g}"
    if target_date is None:
        return "at_risk", f"{current:g} is short of the target {target:g} (no target date)"
    if today >= target_date:
        return "off_track", f"the target date {target_date} has passed with {current:g}"
    total = (target_date - first_day).days
    if total <= 0:
        return "off_track", f"{current:g} is short of the target {target:g}"
    sign = 1 if direction == "higher" else -1
    needed = sign * (target - baseline) * min(1.0, max(0, (today - first_day).days) / total)
    made = sign * (current - baseline)
    expected = baseline + sign * needed
    if made >= needed:
        return (
            "on_track",
            f"{current:g} is at or ahead of the path to {target:g} ({expected:.3g} today)",
        )
    if made > 0 and made >= 0.5 * needed:
        return "at_risk", f"{current:g} is behind the path to {target:g} ({expected:.3g} today)"
    return "off_track", f"{current:g} is far behind the path to {target:g} ({expected:.3g} today)"


def value_at(curve: Sequence[Point], day: date) -> float:
    """The curve's value on ``day``: straight lines between points, flat outside them."""
    if not curve:
        raise ValueError("an empty curve has no value")
    if day <= curve[0][0]:
        return curve[0][1]
    for (d0, v0), (d1, v1) in zip(curve, curve[1:], strict=False):
        if day <= d1:
            span = (d1 - d0).days
            return v1 if span == 0 else v0 + (v1 - v0) * (day - d0).days / span
    return curve[-1][1]


def shifted(
    points: Sequence[tuple[date, float, int | None]], slips: Mapping[int, int]
) -> list[Point]:
    """Return the expected points (day, value, milestone id or None) with each point tied to a
    milestone moved later by its slip in days (``slips``), sorted by day."""
    out = [
        (day + timedelta(days=max(0, slips.get(m, 0)) if m is not None else 0), value)
        for day, value, m in points
    ]
    return sorted(out, key=lambda p: p[0])


def at_risk(expected: Sequence[Point], moved: Sequence[Point], direction: str) -> float:
    """Return the value not realised between the expected and the moved curve (KPI unit ×
    days): the sum over days of how much worse the moved curve is (never negative)."""
    if not expected or not moved:
        return 0.0
    start = min(expected[0][0], moved[0][0])
    end = max(expected[-1][0], moved[-1][0])
    sign = 1 if direction == "higher" else -1
    total = 0.0
    day = start
    while day < end:
        gap = sign * (value_at(expected, day) - value_at(moved, day))
        if gap > 0:
            total += gap
        day += timedelta(days=1)
    return round(total, 3)
