"""Outcomes services: KPIs and their series, scorecards, and the checks every outcomes write
shares (numbers, dates, records of this workspace).

Saving KPIs and recording or importing their entered values are in :mod:`.values`; the
benefits roadmap (milestones, their forecasts, benefits) in :mod:`.roadmap`, and saving or
deleting milestones and benefits in :mod:`.plans`.

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

from django.core.exceptions import ValidationError
from django.http import Http404

from leadline import bounds
from leadline.workspaces.models import Function, Team, Workspace

from . import curves, silos
from .models import ENTERED, Kpi
from .results import KpiDetail, KpiOut, KpiScore, OutcomesPoint, ScorecardOut
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
