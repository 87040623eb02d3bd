"""Flow dashboard figures: load a scope's frames once, run the pure engine, return the typed
dicts of :mod:`.results.flow` (dates stay ``date`` objects; the API's encoder and the CSV writer
both take them).

Pages, the API and CSV downloads call these functions and nothing else, so the three always agree.
A dashboard is cached per scope and version of the data (:func:`flow`); computing it is two
bulk reads and a few Polars passes over the scope's own rows (:func:`compute_flow`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, cast

import polars as pl
from django.core.cache import cache

from leadline.delivery.frames import (
    History,
    read_history,
)
from leadline.delivery.models import Sprint, WorkItem
from leadline.delivery.quality import cached_quality_report, data_version, quality_note
from leadline.delivery.services import engine_frames, load_history, without_epics, workflow_for
from leadline.flow.definitions import DEFINITIONS
from leadline.flow.frames import UTC_US, end_of_day
from leadline.flow.metrics import DEFAULT_PERCENTILES
from leadline.flow.report import SCOPE, cut_history
from leadline.flow.workflow import StageOptions, Workflow
from leadline.workspaces.models import Workspace

from .loaders import load_flags, load_rank_changes, load_sprint_changes, load_titles, scope_filter
from .results.flow import (
    FlowBlocked,
    FlowDefinitions,
    FlowEfficiency,
    FlowFigures,
    FlowOut,
    FlowPlanChurn,
    FlowQuality,
    FlowReopened,
)
from .scope import Scope

ITEM_TIME_COLUMNS = (
    "key", "title", "type", "team", "started", "finished", "finished_date", "cycle_time_days",
    "lead_time_days",
)  # fmt: skip


def day_options(workspace: Workspace) -> StageOptions:
    """PRODUCT.md's conventions (first commitment, whole calendar days inclusive), with days
    running midnight to midnight in the workspace's time zone (:attr:`Workspace.tz`)."""
    return StageOptions(tz=workspace.tz)


def day_cut(day: date, workspace: Workspace) -> datetime:
    """Return the midnight after ``day`` in the time zone days are counted in, as UTC."""
    return end_of_day(day, workspace.tz)


def pct_dict(frame: pl.DataFrame) -> dict[str, float | None]:
    """Return {"p50": v, ...} from a one-row percentiles frame (None where there is no data)."""
    row = frame.row(0, named=True) if frame.height else {}
    return {f"p{p}": row.get(f"p{p}") for p in DEFAULT_PERCENTILES}


def scoped_frames(
    scope: Scope, history: History | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Load (items, transitions, epics left out) for the scope, with a constant ``scope``
    column on items.

    The history is taken as it stood at the end of the as-of date (``scope.end``): later items
    and moves are left out. Without chosen item types, epics are left out
    (:func:`without_epics`). ``history``, when given, is the scope's already loaded history
    (see :func:`flow`).
    """
    if history is None:
        history = read_history(scope_filter(scope))
    items, transitions = engine_frames(history)
    left_out: list[int] = []

    def keep(items: pl.DataFrame, transitions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        items, transitions, n = without_epics(scope.workspace, items, transitions)
        left_out.append(n)
        return items, transitions

    items, transitions = cut_history(
        items, transitions, scope.end, scope.workspace.tz, None if scope.types else keep
    )
    return items, transitions, sum(left_out)


def item_types(scope: Scope) -> list[str]:
    """Return the item types present in the workspace (for the type filter)."""
    rows = WorkItem.objects.filter(workspace=scope.workspace).exclude(type="")
    return sorted(set(rows.values_list("type", flat=True).distinct()))


def quality_summary(
    scope: Scope, *, version: str | None = None, history: Callable[[], History] | None = None
) -> FlowQuality:
    """Return the data-quality note shown beside each metric, and the findings count.

    The note covers the scope's team (or teams together; the whole workspace for all teams),
    items of every type.
    """
    slugs = [t.slug for t in scope.teams]
    part = history
    if history is not None and slugs:
        part = lambda: history().for_teams(*slugs)  # noqa: E731
    report = cached_quality_report(
        scope.workspace, scope.team, teams=scope.teams, version=version, history=part
    )
    return {"note": quality_note(report), "findings": report["findings"], "items": report["items"]}


def round_or_none(value: float | None, digits: int = 1) -> float | None:
    """Return ``value`` rounded, or None for no value or NaN (never NaN in JSON)."""
    return None if value is None or value != value else round(float(value), digits)


def flow(scope: Scope, *, quality: bool = True) -> FlowOut:
    """Return every flow metric of the scope, computed once per version of the data.

    The result is cached under the scope and :func:`data_version` (which changes with every
    import and mapping edit), so a dashboard is computed once and then served from the cache
    until the data behind it changes. When both the figures and the quality note must be
    computed for a whole team (no type filter), they share one load of its history.
    """
    version = data_version(scope.workspace, scope.team)
    key_parts = (
        scope.workspace.pk,
        scope.team.pk if scope.team else None,
        tuple(t.pk for t in scope.teams),
        scope.start.isoformat(),
        scope.end.isoformat(),
        scope.types,
        version,
    )
    key = "flow:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()[:40]
    loaded: list[History] = []

    def history() -> History:
        if not loaded:
            loaded.append(load_history(scope.workspace, scope.team))
        return loaded[0]

    whole = not scope.types and not scope.teams  # the quality note's scope: one team, all types
    result: FlowOut | None = cache.get(key)
    if result is None:
        result = cast(FlowOut, compute_flow(scope, history=history() if whole else None))
        cache.set(key, result, timeout=24 * 3600)
    if quality:
        result["quality"] = quality_summary(scope, version=version, history=history)
    return result


def compute_flow(scope: Scope, history: History | None = None) -> FlowFigures:
    """Compute every flow metric of the scope over [start, end], as of ``end`` (no cache).

    Throughput, cycle times, percentiles, flow efficiency and blocked time count items finished
    in the range; WIP and aging are as of ``end``; aging compares ages with the range's cycle-time
    percentiles. With no items the figures are empty lists and None values.
    """
    from leadline.flow import blocked_time, flow_efficiency, percentile_trend, percentiles
    from leadline.flow.report import ReportOptions, flow_report

    items, transitions, epics_left_out = scoped_frames(scope, history)
    workflow = workflow_for(scope.workspace)
    result: dict[str, Any] = dict(_flow_head(scope, workflow, items.height))
    result["epics_left_out"] = epics_left_out
    if items.is_empty():
        return cast(FlowFigures, result)
    options = day_options(scope.workspace)
    report = flow_report(
        items, transitions, workflow, options, scope.end,
        ReportOptions(start=scope.start, lead_time_fallback=True), cut=False,
    )  # fmt: skip
    cycle, aging, counts, weekly = (
        report.cycle,
        report.aging,
        report.counts,
        report.throughput_weekly,
    )
    measure = report.measure
    column = measure.column  # cycle time, or lead time when the data has no starts
    pct = pct_dict(report.percentiles)
    lead_p85 = pct_dict(percentiles(cycle, "lead_time_days", by=None))["p85"]
    trend = percentile_trend(cycle, scope.end, every="1w", window="4w", column=column, by=SCOPE)
    efficiency = flow_efficiency(transitions, cycle.drop(SCOPE), workflow, strict=False)
    flags = blocked_time(load_flags(scope), scope.end, tz=options.tz)
    blocked = _blocked(scope, flags, cycle, aging)

    titles = load_titles(scope)
    cycle, aging = (
        f.join(titles, on="item_id", how="left", maintain_order="left").with_columns(
            pl.col("title").fill_null("")
        )
        for f in (cycle, aging)
    )
    n_weeks = max(weekly.height, 1)
    finished = int(weekly.get_column("count").sum()) if weekly.height else 0
    oldest = aging.row(0, named=True) if aging.height else None
    result.update(
        headline={
            "wip": aging.height,
            "throughput_per_week": round(finished / n_weeks, 1),
            "finished": finished,
            "cycle_time_p85": pct["p85"] if column == "cycle_time_days" else None,
            "lead_time_p85": lead_p85,
            "oldest_age_days": oldest["age_days"] if oldest else None,
            "oldest_key": oldest["key"] if oldest else None,
            "at_risk": int(aging.get_column("at_risk").sum()) if aging.height else 0,
        },
        measure={
            "name": measure.name,
            "finished": measure.finished,
            "started": measure.started,
            "note": measure.note,
        },
        percentiles={"count": cycle.height, **pct},
        percentile_trend=trend.drop(SCOPE).to_dicts(),
        throughput_weekly=weekly.drop(SCOPE).to_dicts(),
        wip_daily=counts.select("day", "wip", "arrivals", "departures").to_dicts(),
        cfd=counts.select("day", *workflow.names).to_dicts(),
        cycle_times=cycle.select(*ITEM_TIME_COLUMNS).sort("finished").to_dicts(),
        aging=aging.select(
            "key",
            "title",
            "type",
            "team",
            "stage",
            "started",
            "age_days",
            "beyond",
            "at_risk",
            *[f"p{p}" for p in DEFAULT_PERCENTILES],
        ).to_dicts(),  # fmt: skip
        flow_efficiency=_efficiency(efficiency),
        blocked=blocked,
        plan_churn=_plan_churn(scope, items),
        reopened=_reopened(scope, items, transitions, workflow),
    )
    return cast(FlowFigures, result)  # the frames' rows (to_dicts) are the declared rows


def _plan_churn(scope: Scope, items: pl.DataFrame) -> FlowPlanChurn:
    """Plan churn of the sprints that started in the range, from the scope's items' moves."""
    from leadline.flow import plan_churn

    empty: FlowPlanChurn = {
        "sprints": [], "committed": 0, "added": 0, "removed": 0, "reranks": 0, "churn": None,
    }  # fmt: skip
    cut = day_cut(scope.end, scope.workspace)
    changes = (
        load_sprint_changes(scope)
        .join(items.select("item_id"), on="item_id", how="semi")
        .filter(pl.col("at") < cut)
    )
    names = changes.get_column("sprint").unique().to_list()
    rows = (
        Sprint.objects.filter(workspace=scope.workspace, name__in=names, start__isnull=False)
        .filter(start__date__gte=scope.start, start__lt=cut)
        .order_by("start")
        .values_list("name", "start", "end")
    )
    by_name = {
        name: (start, end if end is None or end < cut else None) for name, start, end in rows
    }
    if not by_name:
        return empty
    sprints = pl.DataFrame(
        [(n, s, e) for n, (s, e) in by_name.items()],
        schema={"sprint": pl.Utf8, "start": UTC_US, "end": UTC_US},
        orient="row",
    )
    reranks = (
        load_rank_changes(scope)
        .join(items.select("item_id"), on="item_id", how="semi")
        .filter(pl.col("at") < cut)
    )
    per_sprint = plan_churn(changes, sprints, rank_changes=reranks)
    totals = per_sprint.select(pl.col("committed", "added", "removed", "reranks").sum()).row(
        0, named=True
    )
    committed = int(totals["committed"])
    return {
        "sprints": [
            {
                "sprint": r["sprint"],
                "start": r["start"].date(),
                "end": r["end"].date() if r["end"] else None,
                "committed": r["committed"],
                "added": r["added"],
                "removed": r["removed"],
                "reranks": r["reranks"],
                "churn": round_or_none(r["churn"], 3),
            }
            for r in per_sprint.iter_rows(named=True)
        ],
        "committed": committed,
        "added": int(totals["added"]),
        "removed": int(totals["removed"]),
        "reranks": int(totals["reranks"]),
        "churn": (
            round_or_none((totals["added"] + totals["removed"]) / committed, 3)
            if committed
            else None
        ),
    }


def _reopened(
    scope: Scope, items: pl.DataFrame, transitions: pl.DataFrame, workflow: Workflow
) -> FlowReopened:
    """Moves from done back to active or backlog in the range, most recent first."""
    from leadline.flow import reopened_items

    moves = (
        reopened_items(transitions, workflow, strict=False)
        .filter(
            pl.col("at")
            .dt.convert_time_zone(scope.workspace.tz)
            .dt.date()
            .is_between(scope.start, scope.end)
        )
        .join(items.select("item_id", "key"), on="item_id")
        .sort("at", descending=True)
    )
    return {
        "moves": moves.height,
        "items": moves.get_column("item_id").n_unique() if moves.height else 0,
        "recent": [
            {
                "key": r["key"],
                "at": r["at"],
                "from_stage": r["from_stage"],
                "to_stage": r["to_stage"],
            }
            for r in moves.head(10).iter_rows(named=True)
        ],
    }


def _flow_head(scope: Scope, workflow: Workflow, n_items: int) -> FlowFigures:
    return {
        **scope.named(),
        "start": scope.start,
        "end": scope.end,
        "as_of": scope.end,
        "types": list(scope.types),
        "items": n_items,
        "epics_left_out": 0,
        "stages": [
            {"name": s.name, "category": cast(Any, str(s.category)), "waiting": s.waiting}
            for s in workflow.stages
        ],
        "days": "inclusive",
        "percentile_method": "nearest-rank",
        "definitions": cast(FlowDefinitions, {k: DEFINITIONS[k] for k in FLOW_DEFINITIONS}),
        "headline": {
            "wip": 0,
            "throughput_per_week": 0.0,
            "finished": 0,
            "cycle_time_p85": None,
            "lead_time_p85": None,
            "oldest_age_days": None,
            "oldest_key": None,
            "at_risk": 0,
        },  # fmt: skip
        "measure": {"name": "cycle_time", "finished": 0, "started": 0, "note": ""},
        "percentiles": cast(Any, {"count": 0, **{f"p{p}": None for p in DEFAULT_PERCENTILES}}),
        "percentile_trend": [],
        "throughput_weekly": [],
        "wip_daily": [],
        "cfd": [],
        "cycle_times": [],
        "aging": [],
        "flow_efficiency": {
            "pooled": None,
            "median": None,
            "items": 0,
            "working_days": None,
            "waiting_days": None,
        },
        "blocked": {"items_blocked": 0, "blocked_days": 0, "share_blocked": None, "top": []},
        "plan_churn": {
            "sprints": [],
            "committed": 0,
            "added": 0,
            "removed": 0,
            "reranks": 0,
            "churn": None,
        },
        "reopened": {"moves": 0, "items": 0, "recent": []},
    }


FLOW_DEFINITIONS = (
    "wip", "throughput", "cycle_time", "lead_time", "percentiles", "age", "cfd", "flow_efficiency",
    "blocked_time", "histogram", "plan_churn", "reopened",
)  # fmt: skip


def _efficiency(per_item: pl.DataFrame) -> FlowEfficiency:
    if per_item.is_empty():
        return {
            "pooled": None, "median": None, "items": 0, "working_days": None, "waiting_days": None,
        }  # fmt: skip
    sums = per_item.select(
        pl.col("working", "waiting", "cycle_time").dt.total_microseconds().sum() / 86_400e6
    ).row(0, named=True)
    total = sums["cycle_time"]
    median = per_item.get_column("efficiency").median()
    return {
        "pooled": round_or_none(sums["working"] / total, 3) if total else None,
        "median": round_or_none(float(median), 3) if isinstance(median, int | float) else None,
        "items": per_item.height,
        "working_days": round_or_none(sums["working"]),
        "waiting_days": round_or_none(sums["waiting"]),
    }


def _blocked(
    scope: Scope, blocked: pl.DataFrame, cycle: pl.DataFrame, aging: pl.DataFrame
) -> FlowBlocked:
    keys = pl.concat(
        [cycle.select("item_id", "key", "stage"), aging.select("item_id", "key", "stage")]
        if "item_id" in aging.columns
        else [cycle.select("item_id", "key", "stage")]
    )
    finished = blocked.join(cycle.select("item_id"), on="item_id", how="semi")
    top = (
        blocked.join(keys, on="item_id", how="inner")
        .sort("blocked_days", descending=True)
        .head(10)
        .select("key", "stage", "blocked_days", "periods")
    )
    return {
        "items_blocked": finished.height,
        "blocked_days": int(finished.get_column("blocked_days").sum()) if finished.height else 0,
        "share_blocked": round_or_none(finished.height / cycle.height, 3) if cycle.height else None,
        "top": cast(list[Any], top.to_dicts()),
    }


def weekly_dates(start: date, end: date) -> list[date]:
    """Return the Mondays of the weeks overlapping [start, end]."""
    first = start - timedelta(days=start.weekday())
    return [first + timedelta(weeks=n) for n in range((end - first).days // 7 + 1)]
