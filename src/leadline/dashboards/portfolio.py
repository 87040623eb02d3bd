"""Portfolio figures: every team of the workspace side by side over one date range.

The workspace's items are loaded once and grouped by team (one engine pass, not one per team);
each team's data-quality check runs on its part of that same load; DORA figures are grouped by
the deployments' team.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, cast

import polars as pl

from leadline import defaults
from leadline.delivery.quality import cached_quality_report, data_version
from leadline.delivery.services import (
    History,
    engine_frames,
    load_history,
    without_epics,
    workflow_for,
)
from leadline.flow.definitions import DEFINITIONS
from leadline.flow.dora import classify
from leadline.flow.frames import history_as_of

from .caching import cached_by_data
from .dora import dora_version, load_delivery
from .results.portfolio import PortfolioOut
from .scope import Scope
from .services import day_options, round_or_none

PORTFOLIO_DAYS = defaults.PORTFOLIO_DAYS  # the last 12 weeks (leadline.defaults)

COLUMNS = [
    ("team", "Team"),
    ("wip", "WIP now"),
    ("throughput_per_week", "Throughput / week"),
    ("cycle_time_p85", "Cycle time p85 (days)"),
    ("deployment_frequency", "Deployment days / week"),
    ("change_failure_rate", "Change failure rate"),
    ("quality_findings", "Data-quality findings"),
]


@cached_by_data(
    "portfolio", lambda scope: data_version(scope.workspace) + dora_version(scope.workspace)
)
def portfolio(scope: Scope, *, sort: str = "team", descending: bool = False) -> PortfolioOut:
    """Return one row per team over [start, end] (as of end), sorted by ``sort``, plus weekly
    throughput and daily WIP per team for small multiples.

    Teams without data show zeros and None; an unknown ``sort`` column sorts by team name.
    """
    from leadline.flow import cycle_times, dora_metrics, percentiles, stage_dates, throughput, wip

    workspace = scope.workspace
    teams = list(workspace.teams.all())
    loaded = [load_history(workspace, None, list(scope.types) or None)]
    options = day_options(workspace)
    items, transitions = history_as_of(*engine_frames(loaded[0]), scope.end, options.tz)
    if not scope.types:
        items, transitions, _ = without_epics(workspace, items, transitions)
    workflow = workflow_for(workspace)
    rows: dict[str, dict[str, Any]] = {
        t.slug: {
            "team": t.slug,
            "name": t.name,
            "wip": 0,
            "throughput_per_week": 0.0,
            "finished": 0,
            "cycle_time_p85": None,
            "deployment_frequency": None,
            "deployment_frequency_tier": None,
            "change_failure_rate": None,
            "change_failure_rate_tier": None,
            "quality_findings": 0,
        }  # fmt: skip
        for t in teams
    }
    weekly: list[dict[str, Any]] = []
    wip_daily: list[dict[str, Any]] = []
    if not items.is_empty():
        dates = stage_dates(items, transitions, workflow, options, strict=False)
        cycle = cycle_times(dates, options).filter(
            pl.col("finished_date").is_between(scope.start, scope.end)
        )
        tp = throughput(
            dates, scope.end, start=scope.start, period="week", by="team", options=options
        )
        wips = wip(
            items, transitions, workflow, scope.end, start=scope.start, strict=False,
            options=options,
        )  # fmt: skip
        n_weeks = max(tp.get_column("week").n_unique(), 1)
        for row in tp.group_by("team").agg(pl.col("count").sum()).to_dicts():
            if row["team"] in rows:
                rows[row["team"]]["finished"] = row["count"]
                rows[row["team"]]["throughput_per_week"] = round(row["count"] / n_weeks, 1)
        for row in percentiles(cycle, by="team").to_dicts():
            if row["team"] in rows:
                rows[row["team"]]["cycle_time_p85"] = row["p85"]
        for row in wips.filter(pl.col("day") == scope.end).to_dicts():
            if row["team"] in rows:
                rows[row["team"]]["wip"] = row["wip"]
        weekly = tp.filter(pl.col("team") != "").to_dicts()
        wip_daily = wips.filter(pl.col("team") != "").select("team", "day", "wip").to_dicts()
    deployments, changes, incidents = load_delivery(replace(scope, team=None, teams=()))
    dora = dora_metrics(deployments, changes, incidents, scope.start, scope.end, by="team")
    for row in dora.to_dicts():
        if row.get("team") in rows:
            target = rows[row["team"]]
            freq = row.get("deployment_days_per_week")
            cfr = row.get("change_failure_rate")
            target["deployment_frequency"] = round_or_none(freq, 2)
            # The tier of the figure shown (deployment days per week), not of the median week.
            target["deployment_frequency_tier"] = classify("deployment_frequency", freq)
            target["change_failure_rate"] = round_or_none(cfr, 3)
            target["change_failure_rate_tier"] = classify("change_failure_rate", cfr)

    def everything() -> History:  # each team's quality report covers all its item types
        if scope.types and len(loaded) == 1:
            loaded.append(load_history(workspace))
        return loaded[-1]

    for team in teams:
        part: Callable[[], History] = partial(lambda slug: everything().for_teams(slug), team.slug)
        report = cached_quality_report(workspace, team, history=part)
        rows[team.slug]["quality_findings"] = report["findings"]
    key = sort if sort in dict(COLUMNS) else "team"
    ordered = sorted(
        rows.values(),
        key=lambda r: (r[key] is None, r[key] if r[key] is not None else 0),
        reverse=descending,
    )
    if descending:  # keep teams without a value last either way
        ordered = [r for r in ordered if r[key] is not None] + [
            r for r in ordered if r[key] is None
        ]
    result: dict[str, Any] = {
        "workspace": workspace.slug,
        "start": scope.start,
        "end": scope.end,
        "as_of": scope.end,
        "sort": key,
        "descending": descending,
        "columns": [{"key": k, "label": label} for k, label in COLUMNS],
        "definitions": {
            "wip": DEFINITIONS["wip"],
            "throughput": DEFINITIONS["throughput"],
            "cycle_time": DEFINITIONS["cycle_time"],
            "deployment_frequency": DEFINITIONS["deployment_frequency"],
            "change_failure_rate": DEFINITIONS["change_failure_rate"].format(
                window=str(defaults.FAILURE_WINDOW_HOURS)
            ),
        },
        "teams": ordered,
        "throughput_weekly": weekly,
        "wip_daily": wip_daily,
    }
    return cast(PortfolioOut, result)  # rows are filled column by column above
