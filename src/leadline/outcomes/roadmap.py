"""The benefits roadmap: milestones with their Monte Carlo forecasts, and benefits with their
expected, shifted and actual values.

A milestone's forecast is computed once per version of the delivery data (an import or a
mapping edit changes it), per day and per definition of the milestone, and cached: the roadmap
page, a milestone's page, a benefit's page, the API and the status packs read the same answer.
Milestones forecast by the same teams share one read of the throughput, and a KPI measured by
several benefits is read once per page.

Saving and deleting milestones and benefits are in :mod:`.plans`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404

from leadline.workspaces.models import Team, Workspace

from . import curves
from .models import Benefit, BenefitPoint, Kpi, Milestone
from .results import (
    BenefitDetail,
    BenefitOut,
    BenefitsRoadmapOut,
    MilestoneBenefitOut,
    MilestoneDetail,
    MilestoneOut,
)
from .services import _points, _series

FORECAST_TRIALS = 2_000
FORECAST_WINDOW_DAYS = 90
FORECAST_DEFINITION = (
    "Remaining: the milestone's items (its epic's child items, or the items listed) not finished "
    "or removed today. Forecast: Monte Carlo over the daily throughput of the milestone's teams "
    "(all teams without any) in the last 90 days, 2,000 trials, each milestone on its own; the 85 % date is the day by which "
    "85 % of the trials finished; the probability is the share of trials done by the target date."
)
CACHE_SECONDS = 24 * 3600

ROADMAP_DEFINITIONS = {
    "expected": "Expected values by date, joined by straight lines, flat before the first and "
    "after the last.",
    "shifted": "Each expected value tied to a milestone moved later by the milestone's slip: "
    "days from its target date to its forecast 85 % date (none when on time).",
    "actual": "The KPI's values (entered, or computed by Leadline).",
    "at_risk": "Benefit at risk: the area between the expected and the shifted curve where the "
    "shifted one is worse, summed over days (the KPI's unit × days). A whole curve delayed by s "
    "days loses s × its rise. Not computed for a dis-benefit (an expected negative effect).",
    "forecast": FORECAST_DEFINITION,
}


def milestone_in(workspace: Workspace, pk: int) -> Milestone:
    m = Milestone.objects.filter(workspace=workspace, pk=pk).first()
    if m is None:
        raise Http404("No such milestone")
    return m


def benefit_in(workspace: Workspace, pk: int) -> Benefit:
    b = Benefit.objects.filter(workspace=workspace, pk=pk).select_related("kpi").first()
    if b is None:
        raise Http404("No such benefit")
    return b


def _teams(m: Milestone) -> tuple[Team, ...]:
    return tuple(sorted(m.teams.all(), key=lambda t: t.name))


def _scope(workspace: Workspace, teams: tuple[Team, ...], day: date) -> Any:
    from leadline.dashboards.scope import Scope

    return Scope(workspace, teams[0] if len(teams) == 1 else None,
                 day - timedelta(days=FORECAST_WINDOW_DAYS - 1), day, (),
                 teams if len(teams) > 1 else ())  # fmt: skip


def _remaining(workspace: Workspace, m: Milestone, scope: Any) -> int:
    from leadline.dashboards.forecasts import epic_remaining
    from leadline.delivery.models import StatusMapping, WorkItem

    if m.epic_key:
        return int(epic_remaining(scope, [m.epic_key])[0]["remaining"])
    category = {
        s.status: s.category
        for s in StatusMapping.objects.filter(workspace=workspace).exclude(category=None)
    }
    found = dict(
        WorkItem.objects.filter(workspace=workspace, key__in=m.item_keys).values_list(
            "key", "status"
        )
    )
    unknown = [k for k in m.item_keys if k not in found]
    if unknown:
        raise ValidationError({"item_keys": f"no item {', '.join(unknown[:10])} in this workspace"})
    return sum(1 for s in found.values() if category.get(s) not in ("done", "removed"))


def _compute(workspace: Workspace, m: Milestone, teams: tuple[Team, ...], day: date,
             samples: dict[tuple[int, ...], Any]) -> MilestoneOut:  # fmt: skip
    """One milestone's forecast; ``samples`` holds the throughput already read, by teams."""
    from leadline.dashboards.forecasts import daily_throughput, window_samples
    from leadline.flow import forecast_when

    scope = _scope(workspace, teams, day)
    out: MilestoneOut = {
        "id": m.pk, "name": m.name, "target_date": m.target_date, "epic_key": m.epic_key,
        "item_keys": list(m.item_keys), "teams": [t.slug for t in teams], "remaining": None,
        "forecast_85": None, "probability": None, "slip_days": 0, "problem": "",
    }  # fmt: skip
    try:
        remaining = _remaining(workspace, m, scope)
    except ValidationError as exc:
        out["problem"] = " ".join(exc.messages)
        return out
    out["remaining"] = remaining
    if remaining == 0:
        out["forecast_85"], out["probability"] = day, 1.0
        return out
    key = tuple(t.pk for t in teams)
    if key not in samples:
        daily = daily_throughput(scope, since=scope.start)
        samples[key] = window_samples(daily, day, FORECAST_WINDOW_DAYS)
    drawn, window = samples[key]
    fc = forecast_when(drawn, remaining, trials=FORECAST_TRIALS, seed=0,
                       start=day + timedelta(days=1), window=window)  # fmt: skip
    when = fc.dates.get(85)
    if when is None:
        out["problem"] = "no items finished in the last 90 days: no forecast"
        out["probability"] = 0.0 if m.target_date >= day else None
        return out
    by_target = (m.target_date - day).days
    outcomes = np.asarray(fc.outcomes)
    out["forecast_85"] = when
    out["probability"] = round(float(np.mean(outcomes <= by_target)), 3) if by_target > 0 else 0.0
    out["slip_days"] = max(0, (when - m.target_date).days)
    return out


def _cache_key(m: Milestone, teams: tuple[Team, ...], day: date, version: str) -> str:
    # Everything the answer depends on: the milestone's definition (and the names it shows),
    # the day, the delivery data's version and the forecast's settings.
    parts = (m.workspace_id, m.pk, m.name, m.target_date.isoformat(), m.epic_key,
             tuple(m.item_keys), tuple((t.pk, t.slug) for t in teams), day.isoformat(), version,
             FORECAST_TRIALS, FORECAST_WINDOW_DAYS)  # fmt: skip
    return "outcomes-forecast:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def forecasts(
    workspace: Workspace, milestones: Iterable[Milestone], day: date
) -> list[MilestoneOut]:
    """Each milestone's remaining items and their Monte Carlo forecast from ``day``: the 85 %
    date, the probability of meeting the target date and the slip (see FORECAST_DEFINITION).
    Cached per version of the delivery data (see the module docstring)."""
    from leadline.delivery.quality import data_version

    version = data_version(workspace)
    samples: dict[tuple[int, ...], Any] = {}
    out = []
    for m in milestones:
        teams = _teams(m)
        key = _cache_key(m, teams, day, version)
        found: MilestoneOut | None = cache.get(key)
        if found is None:
            found = _compute(workspace, m, teams, day, samples)
            cache.set(key, found, timeout=CACHE_SECONDS)
        out.append(found)
    return out


def milestone_forecast(workspace: Workspace, m: Milestone, day: date) -> MilestoneOut:
    """One milestone's forecast (see :func:`forecasts`)."""
    return forecasts(workspace, [m], day)[0]


def _benefits(workspace: Workspace) -> Any:
    return (
        Benefit.objects.filter(workspace=workspace)
        .select_related("kpi")
        .prefetch_related(Prefetch("points", queryset=BenefitPoint.objects.order_by("day")))
    )


def benefit_out(b: Benefit, slips: dict[int, int], day: date,
                series: dict[int, list[tuple[date, float]]] | None = None) -> BenefitOut:  # fmt: skip
    """One benefit as the roadmap shows it; ``series`` holds KPI series already read, by KPI."""
    raw = [(p.day, p.value, p.milestone_id) for p in sorted(b.points.all(), key=lambda p: p.day)]
    expected = [(d, v) for d, v, _ in raw]
    moved = curves.shifted(raw, slips)
    kpi: Kpi = b.kpi
    memo = {} if series is None else series
    if kpi.pk not in memo:
        memo[kpi.pk] = _series(kpi, day)
    return {
        "id": b.pk, "description": b.description, "outcome": b.outcome, "rationale": b.rationale,
        "kpi": kpi.pk, "kpi_name": kpi.name, "unit": kpi.unit, "direction": kpi.direction,
        "disbenefit": b.disbenefit,
        "expected": [{"date": d, "value": v, "milestone": m} for d, v, m in raw],
        "shifted": _points(moved), "actual": _points(memo[kpi.pk]),
        "at_risk": None if b.disbenefit else curves.at_risk(expected, moved, kpi.direction),
        "at_risk_unit": f"{kpi.unit or 'units'} × days",
    }  # fmt: skip


def roadmap(workspace: Workspace, day: date) -> BenefitsRoadmapOut:
    """The benefits roadmap as of ``day``: each milestone's forecast (once each) and each
    benefit's expected, shifted and actual values and the value at risk."""
    rows = Milestone.objects.filter(workspace=workspace).prefetch_related("teams")
    milestones = forecasts(workspace, rows, day)
    slips = {m["id"]: m["slip_days"] for m in milestones}
    series: dict[int, list[tuple[date, float]]] = {}
    benefits = [benefit_out(b, slips, day, series) for b in _benefits(workspace)]
    return {"workspace": workspace.slug, "as_of": day, "definitions": ROADMAP_DEFINITIONS,
            "milestones": milestones, "benefits": benefits}  # fmt: skip


def tied_benefits(m: Milestone) -> list[MilestoneBenefitOut]:
    """The benefits with expected values tied to ``m``: id, description, dis-benefit and the
    dates of those values."""
    out: dict[int, MilestoneBenefitOut] = {}
    points = m.points.select_related("benefit").order_by("benefit__description", "benefit", "day")
    for p in points:
        row = out.setdefault(p.benefit_id, {"id": p.benefit_id,
                                            "description": p.benefit.description,
                                            "disbenefit": p.benefit.disbenefit, "dates": []})  # fmt: skip
        row["dates"].append(p.day)
    return list(out.values())


def milestone_detail(workspace: Workspace, m: Milestone, day: date) -> MilestoneDetail:
    """A milestone's forecast and the benefits whose expected values hang on it."""
    return {**milestone_forecast(workspace, m, day), "benefits": tied_benefits(m)}  # type: ignore[typeddict-item]


def benefit_detail(workspace: Workspace, b: Benefit, day: date) -> BenefitDetail:
    """A benefit as the roadmap shows it, with the forecasts of the milestones it hangs on
    (only those are forecast)."""
    found = _benefits(workspace).get(pk=b.pk)
    ids = sorted({p.milestone_id for p in found.points.all() if p.milestone_id is not None})
    rows = Milestone.objects.filter(workspace=workspace, pk__in=ids).prefetch_related("teams")
    milestones = forecasts(workspace, rows, day)
    out = benefit_out(found, {m["id"]: m["slip_days"] for m in milestones}, day)
    return {**out, "milestones": milestones}  # type: ignore[typeddict-item]


def milestone_choices(workspace: Workspace, exclude: Sequence[int] = ()) -> list[Milestone]:
    return list(Milestone.objects.filter(workspace=workspace).exclude(pk__in=list(exclude)))
