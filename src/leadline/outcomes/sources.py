"""Computed KPI sources: figures Leadline computes from its own data, by name.

A KPI whose ``source`` is a key of :data:`SOURCES` takes its values from that source instead of
entered values. Each source returns a series of (day, value) over a range for the KPI's teams
(all teams when it names none). Other apps add their own the same way, from their
``AppConfig.ready``::

    from leadline.outcomes.sources import computed_source

    @computed_source("pulse_safety", label="Psychological safety", unit="0-1",
                     direction="higher", definition="…")
    def pulse_safety(q: SourceQuery) -> list[tuple[date, float]]:
        ...

The series are monthly (one point per calendar month, dated its first day) unless the source
says otherwise; the sources below reuse the dashboards' services (flow, DORA, forecasts, all
cached per version of the data) and the decision log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median
from typing import Any

from leadline.workspaces.models import Team, Workspace

Point = tuple[date, float]


@dataclass(frozen=True)
class SourceQuery:
    """What a source is asked: a workspace, its teams (empty: all), a range [start, end]."""

    workspace: Workspace
    teams: tuple[Team, ...]
    start: date
    end: date


@dataclass(frozen=True)
class ComputedSource:
    key: str
    label: str
    unit: str
    direction: str
    definition: str
    series: Callable[[SourceQuery], list[Point]]


SOURCES: dict[str, ComputedSource] = {}


def computed_source(
    key: str, *, label: str, unit: str, direction: str, definition: str
) -> Callable[[Callable[[SourceQuery], list[Point]]], Callable[[SourceQuery], list[Point]]]:
    """Register a computed source under ``key`` (a second registration replaces the first)."""
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")

    def register(
        func: Callable[[SourceQuery], list[Point]],
    ) -> Callable[[SourceQuery], list[Point]]:
        SOURCES[key] = ComputedSource(key, label, unit, direction, definition, func)
        return func

    return register


def choices() -> list[tuple[str, str]]:
    """The sources a KPI may take, for forms: ("entered", …) first, then by label."""
    return [("entered", "Entered values (page, CSV, API)")] + sorted(
        ((k, f"Computed: {s.label} ({s.unit})") for k, s in SOURCES.items()),
        key=lambda c: c[1],
    )


# --- The dashboards' figures -------------------------------------------------------------


def _scope(q: SourceQuery, start: date | None = None, end: date | None = None) -> Any:
    from leadline.dashboards.scope import Scope

    team = q.teams[0] if len(q.teams) == 1 else None
    teams = q.teams if len(q.teams) > 1 else ()
    return Scope(q.workspace, team, start or q.start, end or q.end, (), teams)


def _month(day: date) -> date:
    return day.replace(day=1)


def _dora(field: str) -> Callable[[SourceQuery], list[Point]]:
    def series(q: SourceQuery) -> list[Point]:
        from leadline.dashboards.dora import dora

        out = []
        for row in dora(_scope(q))["trend"]:
            figure: Any = dict(row).get(field) or {}
            value = figure.get("value")
            if value is not None:
                out.append((row["month"], float(value)))
        return out

    return series


for _key, _label, _unit, _direction, _definition in (
    ("deployment_frequency", "Deployment frequency", "days/week", "higher",
     "Days with at least one successful production deployment, per week, per calendar month "
     "(DORA page)."),
    ("lead_time_for_changes", "Lead time for changes", "hours", "lower",
     "Median hours from a change's first commit to its production deployment, per calendar "
     "month (DORA page)."),
    ("change_failure_rate", "Change failure rate", "share", "lower",
     "Share of production deployments that caused a failure (an incident or an unplanned fix "
     "within the DORA page's window), per calendar month."),
    ("recovery_time", "Failed deployment recovery time", "hours", "lower",
     "Median hours from a failed deployment to its recovery, per calendar month (DORA page)."),
    ("downtime_per_release", "Downtime per release", "hours", "lower",
     "Incident hours attributed to production deployments, per release, per calendar month "
     "(DORA page)."),
):  # fmt: skip
    computed_source(_key, label=_label, unit=_unit, direction=_direction,
                    definition=_definition)(_dora(_key))  # fmt: skip


def _flow(q: SourceQuery) -> Any:
    from leadline.dashboards.services import flow

    return flow(_scope(q), quality=False)


@computed_source(
    "cycle_time_p85", label="Cycle time P85", unit="days", direction="lower",
    definition="85th percentile of the cycle time of items finished in the 4 weeks before the "
    "last weekly window end of each calendar month (flow page's percentile trend).",
)  # fmt: skip
def cycle_time_p85(q: SourceQuery) -> list[Point]:
    last: dict[date, float] = {}
    for row in _flow(q).get("percentile_trend", []):
        last[_month(row["window_end"])] = float(row["p85"])
    return sorted(last.items())


@computed_source(
    "throughput", label="Throughput", unit="items/week", direction="higher",
    definition="Items finished per week, averaged over the weeks starting in each calendar month "
    "(flow page's weekly throughput).",
)  # fmt: skip
def throughput(q: SourceQuery) -> list[Point]:
    weeks: dict[date, list[int]] = {}
    for row in _flow(q).get("throughput_weekly", []):
        weeks.setdefault(_month(row["week"]), []).append(int(row["count"]))
    return [(m, round(sum(c) / len(c), 2)) for m, c in sorted(weeks.items())]


@computed_source(
    "flow_efficiency", label="Flow efficiency", unit="share", direction="higher",
    definition="Pooled flow efficiency (working time / cycle time) of the items finished in each "
    "calendar quarter, dated the quarter's first day (flow page).",
)  # fmt: skip
def flow_efficiency(q: SourceQuery) -> list[Point]:
    from leadline.dashboards.services import flow

    out = []
    start = date(q.start.year, 3 * ((q.start.month - 1) // 3) + 1, 1)
    while start <= q.end:
        nxt = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
        end = min(q.end, nxt - timedelta(days=1))
        pooled = flow(_scope(q, start, end), quality=False).get("flow_efficiency", {}).get("pooled")
        if pooled is not None:
            out.append((start, float(pooled)))
        start = nxt
    return out


@computed_source(
    "forecast_calibration", label="Forecast calibration gap", unit="share", direction="lower",
    definition="How far the hit rate of past 85 % 'when' forecasts (the forecast page's "
    "backtest) is from 0.85: |hit rate − 0.85|; one point, as of the end of the range.",
)  # fmt: skip
def forecast_calibration(q: SourceQuery) -> list[Point]:
    from leadline.dashboards.forecasts import forecast

    run: Any = forecast(_scope(q), backtest=True)
    for row in (run.get("backtest") or {}).get("calibration", []):
        if row["question"] == "when" and row["percentile"] == 85 and row["hit_rate"] is not None:
            return [(q.end, round(abs(float(row["hit_rate"]) - 0.85), 3))]
    return []


@computed_source(
    "decision_latency", label="Decision latency", unit="hours", direction="lower",
    definition="Median hours from a decision's logging to its outcome, of the decisions decided "
    "in each calendar month (the decision log; the KPI's teams' decisions when it names teams).",
)  # fmt: skip
def decision_latency(q: SourceQuery) -> list[Point]:
    from leadline.decisions.models import Decision

    rows = Decision.objects.filter(
        workspace=q.workspace, decided_at__date__gte=q.start, decided_at__date__lte=q.end
    ).exclude(decided_at=None)
    if q.teams:
        rows = rows.filter(team__in=q.teams)
    months: dict[date, list[float]] = {}
    for created, decided in rows.values_list("created_at", "decided_at"):
        if decided is None:
            continue
        months.setdefault(_month(decided.date()), []).append(
            (decided - created).total_seconds() / 3600
        )
    return [(m, round(median(v), 1)) for m, v in sorted(months.items())]
