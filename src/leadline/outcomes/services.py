"""Outcomes services: KPIs and their series, scorecards, milestones and the benefits roadmap.

Saving KPIs and recording or importing their entered values are in :mod:`.values`.

Pages, the API and the CLI call these; they validate (``ValidationError`` naming the field),
write the audit log and return the typed results of :mod:`.results`.

:func:`kpi_series` is the plain way for other apps (the before/after analysis) to read a KPI's
values: ``kpi_series(workspace, kpi_id) -> [(date, value), …]`` by date.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from leadline import bounds
from leadline.workspaces.models import Function, Team, Workspace
from leadline.workspaces.services import Access, audit

from . import curves, silos
from .models import ENTERED, Benefit, BenefitPoint, Kpi, Milestone
from .results import (
    BenefitOut,
    BenefitsRoadmapOut,
    KpiDetail,
    KpiOut,
    KpiScore,
    MilestoneOut,
    OutcomesPoint,
    ScorecardOut,
)
from .sources import SOURCES, SourceQuery

SERIES_DAYS = 365  # computed KPIs: the last year of their source's series
MAX_VALUE = 1e12  # |value| of an entered value or target
SHARED_DEFINITION = "Shared: owned by two or more functions."


def today(workspace: Workspace) -> date:
    from leadline.delivery.services import today as day

    return day(workspace)


# --- KPIs -----------------------------------------------------------------------------------


def kpi_in(workspace: Workspace, pk: int) -> Kpi:
    kpi = Kpi.objects.filter(workspace=workspace, pk=pk).first()
    if kpi is None:
        raise Http404("No such KPI")
    return kpi


def _kpis(workspace: Workspace) -> list[Kpi]:
    return list(
        Kpi.objects.filter(workspace=workspace).prefetch_related(
            "functions", "teams", "conflicts_with"
        )
    )


def source_label(key: str) -> str:
    if key == ENTERED:
        return "Entered values"
    s = SOURCES.get(key)
    return s.label if s else f"{key} (not available)"


def kpi_out(kpi: Kpi, day: date) -> KpiOut:
    functions = sorted(f.name for f in kpi.functions.all())
    return {
        "id": kpi.pk, "name": kpi.name, "definition": kpi.definition, "unit": kpi.unit,
        "direction": kpi.direction, "kind": kpi.kind, "functions": functions,
        "teams": sorted(t.slug for t in kpi.teams.all()), "shared": len(functions) >= 2,
        "target_value": kpi.target_value, "target_date": kpi.target_date, "source": kpi.source,
        "source_label": source_label(kpi.source), "contributes_to": kpi.contributes_to_id,
        "conflicts_with": sorted(k.pk for k in kpi.conflicts_with.all()),
        "measures": kpi.measures, "active_from": kpi.active_from,
        "active_until": kpi.active_until, "active": kpi.active_on(day),
    }  # fmt: skip


def nodes(kpis: Iterable[Kpi]) -> list[silos.KpiNode]:
    """The KPIs as silo detection reads them."""
    return [
        silos.KpiNode(
            id=k.pk, name=k.name, functions=frozenset(f.name for f in k.functions.all()),
            contributes_to=k.contributes_to_id,
            conflicts_with=frozenset(c.pk for c in k.conflicts_with.all()),
            measures=k.measures, direction=k.direction,
        )
        for k in kpis
    ]  # fmt: skip


def active_nodes(workspace: Workspace, day: date) -> tuple[list[silos.KpiNode], dict[int, Kpi]]:
    """The KPIs in use on ``day`` (as silo detection reads them) and the KPIs by id."""
    kpis = [k for k in _kpis(workspace) if k.active_on(day)]
    return nodes(kpis), {k.pk: k for k in kpis}


def _number(value: Any, field: str, *, required: bool = True) -> float | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: "Enter a number."})
        return None
    try:
        number = (
            float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
        )
    except (TypeError, ValueError):
        raise ValidationError({field: f"{value!r} is not a number."}) from None
    if math.isnan(number) or abs(number) > MAX_VALUE:
        raise ValidationError({field: f"Use a number from {-MAX_VALUE:g} to {MAX_VALUE:g}."})
    return number


def _date(value: Any, field: str, day: date, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: "Enter a date (YYYY-MM-DD)."})
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError({field: f"{value!r} is not a date (YYYY-MM-DD)."}) from None
    problem = bounds.date_problem(value, day)
    if problem:
        raise ValidationError({field: problem})
    return value


def _in_workspace(model: Any, workspace: Workspace, field: str, values: Sequence[Any],
                  by: str = "pk") -> list[Any]:  # fmt: skip
    wanted = [v for v in values if v not in (None, "")]
    found = {str(getattr(r, by)): r for r in model.objects.filter(workspace=workspace,
                                                                  **{f"{by}__in": wanted})}  # fmt: skip
    missing = [str(v) for v in wanted if str(v) not in found]
    if missing:
        raise ValidationError({field: f"No {model._meta.verbose_name} {', '.join(missing)} in "
                                      "this workspace."})  # fmt: skip
    return [found[str(v)] for v in wanted]


def kpi_series(
    workspace: Workspace, kpi_id: int, day: date | None = None
) -> list[tuple[date, float]]:
    """Return the KPI's values by date: its entered values (all of them), or its computed
    source's series over the :data:`SERIES_DAYS` days up to ``day`` (default today) for the
    KPI's teams (all teams without any). An unknown id (or another workspace's) is Http404."""
    kpi = kpi_in(workspace, kpi_id)
    return _series(kpi, day or today(workspace))


def _series(kpi: Kpi, day: date) -> list[tuple[date, float]]:
    if kpi.source == ENTERED:
        return [(v.day, v.value) for v in kpi.values.filter(day__lte=day).order_by("day")]
    source = SOURCES.get(kpi.source)
    if source is None:
        return []
    teams = tuple(kpi.teams.order_by("name"))
    query = SourceQuery(kpi.workspace, teams, day - timedelta(days=SERIES_DAYS - 1), day)
    return [(d, float(v)) for d, v in source.series(query) if d <= day]


def _points(series: Sequence[tuple[date, float]]) -> list[OutcomesPoint]:
    return [{"date": d, "value": v} for d, v in series]


def score(kpi: Kpi, day: date) -> KpiScore:
    series = _series(kpi, day)
    state, why = curves.status(series, kpi.target_value, kpi.target_date, kpi.direction, day)
    return {
        "kpi": kpi_out(kpi, day),
        "current": series[-1][1] if series else None,
        "current_date": series[-1][0] if series else None,
        "status": state, "status_label": curves.STATUS_LABELS[state], "status_reason": why,
        "trend": _points(series),
    }  # fmt: skip


def detail(workspace: Workspace, kpi: Kpi, day: date) -> KpiDetail:
    return {
        **score(kpi, day),
        "contributors": sorted(kpi.contributors.values_list("pk", flat=True)),
    }  # type: ignore[typeddict-item]


def scorecard(workspace: Workspace, day: date, *, team: Team | None = None,
              function: Function | None = None) -> ScorecardOut:  # fmt: skip
    """The KPIs in use on ``day`` of the workspace, or those a team or a function owns: each
    one's latest value, target, trend and status against the target."""
    kpis = [k for k in _kpis(workspace) if k.active_on(day)]
    level, name = "workspace", workspace.name
    if team is not None:
        kpis = [k for k in kpis if any(t.pk == team.pk for t in k.teams.all())]
        level, name = "team", team.name
    elif function is not None:
        kpis = [k for k in kpis if any(f.pk == function.pk for f in k.functions.all())]
        level, name = "function", function.name
    return {
        "workspace": workspace.slug, "level": level, "name": name, "as_of": day,
        "status_definition": curves.STATUS_DEFINITION, "shared_definition": SHARED_DEFINITION,
        "rows": [score(k, day) for k in kpis],
    }  # fmt: skip


def function_in(workspace: Workspace, value: Any) -> Function | None:
    """The workspace's function by id or name (None for none; unknown is a ValidationError)."""
    if value in (None, ""):
        return None
    f = Function.objects.filter(workspace=workspace, name=str(value)).first()
    if f is None and str(value).isdigit():
        f = Function.objects.filter(workspace=workspace, pk=int(value)).first()
    if f is None:
        raise ValidationError({"function": f"No function {value!r} in this workspace."})
    return f


# --- Milestones and benefits ----------------------------------------------------------------

FORECAST_TRIALS = 2_000
FORECAST_WINDOW_DAYS = 90
FORECAST_DEFINITION = (
    "Remaining: the milestone's items (its epic's child items, or the items listed) not finished "
    "or removed today. Forecast: Monte Carlo over the daily throughput of the milestone's teams "
    "(all teams without any) in the last 90 days, 2,000 trials, each milestone on its own; the 85 % date is the day by which "
    "85 % of the trials finished; the probability is the share of trials done by the target date."
)


def milestone_in(workspace: Workspace, pk: int) -> Milestone:
    m = Milestone.objects.filter(workspace=workspace, pk=pk).first()
    if m is None:
        raise Http404("No such milestone")
    return m


@transaction.atomic
def save_milestone(access: Access, data: dict[str, Any], milestone: Milestone | None = None,
                   actor: Any = None) -> Milestone:  # fmt: skip
    """Create or change a milestone: name, target_date, epic_key or item_keys, teams (slugs)."""
    from leadline.workspaces.models import Role

    access.require(Role.MEMBER)
    ws = access.workspace
    m = milestone or Milestone(workspace=ws)
    name = str(data.get("name", m.name) or "").strip()
    if not name or len(name) > 200:
        raise ValidationError({"name": "Give the milestone a name (at most 200 characters)."})
    if Milestone.objects.filter(workspace=ws, name=name).exclude(pk=m.pk).exists():
        raise ValidationError({"name": f"There is a milestone named {name!r} already."})
    m.name = name
    m.target_date = _date(data.get("target_date", m.target_date), "target_date", today(ws))  # type: ignore[assignment]
    m.epic_key = str(data.get("epic_key", m.epic_key) or "").strip()[:64]
    keys = data.get("item_keys", m.item_keys) or []
    if isinstance(keys, str):
        keys = [k.strip() for k in keys.replace("\n", ",").split(",")]
    m.item_keys = [str(k).strip()[:64] for k in keys if str(k).strip()][:1000]
    if not m.epic_key and not m.item_keys:
        raise ValidationError({"epic_key": "Name an epic, or list the milestone's items."})
    m.save()
    if "teams" in data:
        m.teams.set(_in_workspace(Team, ws, "teams", list(data["teams"] or []), by="slug"))
    audit(ws, actor, "updated" if milestone else "created", m, f"Saved milestone {m.name}")
    return m


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


def milestone_forecast(workspace: Workspace, m: Milestone, day: date) -> MilestoneOut:
    """The milestone's remaining items and their Monte Carlo forecast from ``day``: the 85 %
    date, the probability of meeting the target date and the slip (see FORECAST_DEFINITION)."""
    from leadline.dashboards.forecasts import daily_throughput, window_samples
    from leadline.dashboards.scope import Scope
    from leadline.flow import forecast_when

    teams = tuple(m.teams.order_by("name"))
    scope = Scope(workspace, teams[0] if len(teams) == 1 else None,
                  day - timedelta(days=FORECAST_WINDOW_DAYS - 1), day, (),
                  teams if len(teams) > 1 else ())  # fmt: skip
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
    daily = daily_throughput(scope, since=scope.start)
    samples, window = window_samples(daily, day, FORECAST_WINDOW_DAYS)
    fc = forecast_when(samples, remaining, trials=FORECAST_TRIALS, seed=0,
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


@transaction.atomic
def save_benefit(access: Access, data: dict[str, Any], benefit: Benefit | None = None,
                 actor: Any = None) -> Benefit:  # fmt: skip
    """Create or change a benefit: description, outcome, rationale, kpi (id), disbenefit and
    points: [(date, value, milestone id or None)] (replacing the stored ones when given)."""
    from leadline.workspaces.models import Role

    access.require(Role.MEMBER)
    ws = access.workspace
    b = benefit or Benefit(workspace=ws)
    description = str(data.get("description", b.description) or "").strip()
    if not description or len(description) > 300:
        raise ValidationError({"description": "Describe the benefit (at most 300 characters)."})
    b.description = description
    for field in ("outcome", "rationale"):
        text = str(data.get(field, getattr(b, field)) or "").strip()
        if len(text) > 2000:
            raise ValidationError({field: "At most 2,000 characters."})
        setattr(b, field, text)
    if "kpi" in data or benefit is None:
        b.kpi = _in_workspace(Kpi, ws, "kpi", [data.get("kpi")])[0] if data.get("kpi") else None  # type: ignore[assignment]
        if b.kpi_id is None:
            raise ValidationError({"kpi": "Choose the KPI that measures it."})
    b.disbenefit = bool(data.get("disbenefit", b.disbenefit))
    b.save()
    if "points" in data:
        day = today(ws)
        milestones = {m.pk: m for m in Milestone.objects.filter(workspace=ws)}
        points = []
        for n, (d, v, m) in enumerate(data["points"] or []):
            pd = _date(d, f"points[{n}].date", day)
            pv = _number(v, f"points[{n}].value")
            if m not in (None, "") and int(m) not in milestones:
                raise ValidationError({f"points[{n}].milestone": f"No milestone {m} in this "
                                                                 "workspace."})  # fmt: skip
            points.append(BenefitPoint(workspace=ws, benefit=b, day=pd, value=pv,
                                       milestone=milestones.get(int(m)) if m not in (None, "") else None))  # type: ignore[misc]  # fmt: skip
        if len({p.day for p in points}) != len(points):
            raise ValidationError({"points": "One expected value per date."})
        b.points.all().delete()
        BenefitPoint.objects.bulk_create(points)
    audit(ws, actor, "updated" if benefit else "created", b, f"Saved benefit {b.description}")
    return b


def benefit_in(workspace: Workspace, pk: int) -> Benefit:
    b = Benefit.objects.filter(workspace=workspace, pk=pk).first()
    if b is None:
        raise Http404("No such benefit")
    return b


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


def benefit_out(b: Benefit, slips: dict[int, int], day: date) -> BenefitOut:
    raw = [(p.day, p.value, p.milestone_id) for p in b.points.order_by("day")]
    expected = [(d, v) for d, v, _ in raw]
    moved = curves.shifted(raw, slips)
    kpi = b.kpi
    return {
        "id": b.pk, "description": b.description, "outcome": b.outcome, "rationale": b.rationale,
        "kpi": kpi.pk, "kpi_name": kpi.name, "unit": kpi.unit, "direction": kpi.direction,
        "disbenefit": b.disbenefit,
        "expected": [{"date": d, "value": v, "milestone": m} for d, v, m in raw],
        "shifted": _points(moved), "actual": _points(_series(kpi, day)),
        "at_risk": None if b.disbenefit else curves.at_risk(expected, moved, kpi.direction),
        "at_risk_unit": f"{kpi.unit or 'units'} × days",
    }  # fmt: skip


def roadmap(workspace: Workspace, day: date) -> BenefitsRoadmapOut:
    """The benefits roadmap as of ``day``: each milestone's forecast and each benefit's
    expected, shifted and actual values and the value at risk."""
    milestones = [milestone_forecast(workspace, m, day)
                  for m in Milestone.objects.filter(workspace=workspace)]  # fmt: skip
    slips = {m["id"]: m["slip_days"] for m in milestones}
    benefits = [benefit_out(b, slips, day) for b in
                Benefit.objects.filter(workspace=workspace).select_related("kpi")]  # fmt: skip
    return {"workspace": workspace.slug, "as_of": day, "definitions": ROADMAP_DEFINITIONS,
            "milestones": milestones, "benefits": benefits}  # fmt: skip
