"""The home page's delivery section: work in progress older than its team's norm.

The norm is the team's 85th-percentile cycle time over the Flow page's default range (the last
26 weeks), so an item listed here is one the team's own Flow page marks at risk. All teams are
computed in one pass over the workspace and cached per day and version of the data: the home
page reads the cache (see :mod:`leadline.web.today`).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.core.cache import cache
from django.urls import reverse

from leadline.delivery.models import WorkItem
from leadline.delivery.quality import data_version
from leadline.delivery.services import workflow_for
from leadline.web.today import Focus, TodayEntry, TodaySection, source, web_url
from leadline.workspaces.models import Workspace

from .scope import FLOW_DAYS, Scope
from .services import day_options, scoped_frames

SHOWN = 8
NORM = 85  # the percentile an item's age is compared with


def aging_past_norm(workspace: Workspace, as_of: date) -> list[dict[str, Any]]:
    """Return in-progress items older than their team's 85th-percentile cycle time as of
    ``as_of`` (key, team slug, stage, age_days, norm_days), oldest relative to the norm first.

    Teams with no item finished in the range have no norm, so none of their items is listed.
    """
    version = data_version(workspace)
    raw = repr(("aging-norm", workspace.pk, as_of.isoformat(), version)).encode()
    key = "today:" + hashlib.sha256(raw).hexdigest()[:40]
    rows: list[dict[str, Any]] | None = cache.get(key)
    if rows is None:
        rows = _compute(workspace, as_of)
        cache.set(key, rows, timeout=24 * 3600)
    return rows


def _compute(workspace: Workspace, as_of: date) -> list[dict[str, Any]]:
    from leadline.flow import aging_wip, cycle_times, stage_dates

    scope = Scope(workspace, None, as_of - timedelta(days=FLOW_DAYS - 1), as_of)
    items, transitions, _ = scoped_frames(scope)
    if items.is_empty():
        return []
    options = day_options(workspace)
    dates = stage_dates(items, transitions, workflow_for(workspace), options, strict=False)
    cycle = cycle_times(dates, options).filter(
        pl.col("finished_date").is_between(scope.start, scope.end)
    )
    norm = f"p{NORM}"
    aging = aging_wip(dates, cycle, as_of, by="team", risk_percentile=NORM, options=options)
    late = aging.filter(pl.col("at_risk")).with_columns(
        (pl.col("age_days") / pl.col(norm)).alias("ratio")
    )
    return (
        late.sort(["ratio", "age_days"], descending=True)
        .select("key", "team", "stage", "age_days", pl.col(norm).alias("norm_days"))
        .to_dicts()
    )


@source(40, "aging")
def aging(focus: Focus) -> TodaySection | None:
    """Items aging past their team's norm, for the teams in focus; no section without data."""
    ws = focus.access.workspace
    if not WorkItem.objects.filter(workspace=ws).exists():
        return None  # nothing imported: the Delivery area says how to start
    slugs = {t.slug for t in focus.teams}
    rows = [r for r in aging_past_norm(ws, focus.today) if focus.everything or r["team"] in slugs]
    shown = rows[:SHOWN]
    found: dict[str, dict[str, Any]] = {
        key: {"title": title, "url": url}
        for key, title, url in WorkItem.objects.filter(
            workspace=ws, key__in=[r["key"] for r in shown]
        ).values_list("key", "title", "url")
    }
    teams = dict(ws.teams.values_list("slug", "name"))
    flow = reverse("delivery", args=[ws.slug])
    entries = []
    for r in shown:
        item = found.get(r["key"], {})
        norm = r["norm_days"]
        stage = f" ({r['stage']})" if r["stage"] else ""
        entries.append(
            TodayEntry(
                kind="aging",
                title=f"{r['key']} {item.get('title') or ''}".strip(),
                detail=f"{r['age_days']} days in progress{stage}; "
                f"{teams.get(r['team'], r['team'])}'s {NORM}th percentile is "
                f"{norm:g} day{'s' if norm != 1 else ''}.",
                url=f"{flow}?team={r['team']}" if r["team"] else flow,
                external_url=web_url(item.get("url")),
                team=teams.get(r["team"]),
            )
        )
    return TodaySection(
        key="aging", title="Aging past the team's norm",
        lede=f"Work in progress older than its team's {NORM}th-percentile cycle time "
        f"(last {FLOW_DAYS // 7} weeks): it is taking longer than {NORM} % of finished items did.",
        count=len(rows), entries=entries,
        more_url=flow + (f"?team={focus.teams[0].slug}" if len(focus.teams) == 1 else ""),
        more_label="The Flow page", empty="Nothing is older than its team's norm.",
    )  # fmt: skip
