"""The KPIs as metrics of the before/after analysis (:mod:`leadline.impact`): one key
``kpi:<id>`` per KPI of the workspace, read from its entered values or its computed source over
the analysis's days. Registered when imported (named in :class:`OutcomesConfig.ready`)."""

from __future__ import annotations

from collections.abc import Sequence

from leadline.impact import series
from leadline.workspaces.models import Workspace

from .models import ENTERED, Kpi
from .sources import SOURCES, SourceQuery

PREFIX = "kpi:"


def kpi_choices(workspace: Workspace) -> list[tuple[str, str]]:
    """Every KPI of the workspace as ``(kpi:<id>, "KPI: name")``, by name."""
    return [
        (f"{PREFIX}{k.pk}", f"KPI: {k.name}" + (f" ({k.unit})" if k.unit else ""))
        for k in Kpi.objects.filter(workspace=workspace).order_by("name", "pk")
    ]


def kpi_points(scope: series.SeriesScope, key: str) -> Sequence[series.Point]:
    """The KPI's observations within the scope's days: its entered values, or its computed
    source's series for the KPI's own teams (all teams when it names none). The analysis's
    team does not narrow a KPI: a KPI says whose it is."""
    kpi = Kpi.objects.get(workspace=scope.workspace, pk=int(key.removeprefix(PREFIX)))
    if kpi.source == ENTERED:
        rows = kpi.values.filter(day__gte=scope.start, day__lte=scope.end).order_by("day")
        return [(v.day, float(v.value)) for v in rows]
    source = SOURCES.get(kpi.source)
    if source is None:
        return []
    query = SourceQuery(scope.workspace, tuple(kpi.teams.order_by("name")), scope.start, scope.end)
    return [(d, float(v)) for d, v in source.series(query)]


def register() -> None:
    series.register_family(
        PREFIX,
        choices=kpi_choices,
        fn=kpi_points,
        kind="series",
        definition="A KPI's values by date: entered values, or its computed source's series "
        "(see Outcomes).",
    )


register()
