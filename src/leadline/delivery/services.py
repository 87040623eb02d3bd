"""Delivery services: workflows from the stored mappings, and loading data for the engine.

Transitions never come through ORM objects: every bulk read of a scope is in :mod:`.frames`,
one SQL query per frame filtered in the database, straight into Polars (ARCHITECTURE.md,
"Data paths").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from leadline import defaults
from leadline.records import StageCategory
from leadline.workspaces.models import Team, Workspace

from .frames import History, ScopeFilter, read_history
from .models import StatusMapping, WorkItem

if TYPE_CHECKING:
    import polars as pl

    from leadline.flow.workflow import Workflow

CATEGORY_ORDER = {"backlog": 0, "active": 1, "done": 2, "removed": 3}


def workflow_for(workspace: Workspace, sources: list[str] | None = None) -> Workflow:
    """Build the engine's workflow from the workspace's status mappings (unmapped left out).

    Every mapped status is its own stage, ordered backlog → active → done (removed last), then
    by the position the tracker gave it, so cumulative flow reads like the team's board.
    """
    from leadline.flow.workflow import Stage, Workflow

    rows = StatusMapping.objects.filter(workspace=workspace).exclude(category=None)
    if sources:
        rows = rows.filter(source__in=sources)
    seen: dict[str, StatusMapping] = {}
    for row in rows:
        seen.setdefault(row.status, row)  # the same name in two sources maps once
    ordered = sorted(seen.values(), key=lambda m: (CATEGORY_ORDER[m.category or ""], m.position))
    if not ordered:
        return Workflow((Stage("Done", StageCategory.DONE, ("Done",)),))
    return Workflow(
        tuple(
            Stage(m.status, StageCategory(m.category or ""), (m.status,), m.waiting)
            for m in ordered
        )
    )


def load_history(
    workspace: Workspace, team: Team | None = None, types: list[str] | None = None
) -> History:
    """Load a workspace's (or a team's) items and transitions with two bulk reads."""
    return read_history(ScopeFilter.of(workspace, team, types=types or ()))


def engine_frames(history: History) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (items, transitions) in the engine's contract from a loaded history.

    Each item's transitions start with its creation (entering its first recorded status), so
    items created straight into an active status are started at creation.
    """
    import polars as pl

    items, transitions = history.items, history.transitions
    # Where the source's first change starts from a status (Jira's changelog does), the item
    # sat in that status from creation: add that entry.
    created = (
        transitions.filter((pl.col("seq") == 0) & pl.col("from_status").is_not_null())
        .select("item_id", "from_status")
        .join(items.select("item_id", "created"), on="item_id")
        .select(
            "item_id",
            pl.col("created").alias("at"),
            pl.col("from_status").alias("status"),
            pl.lit(-1, dtype=pl.Int64).alias("seq"),
        )
    )
    moves = transitions.select("item_id", "at", pl.col("to_status").alias("status"), "seq")
    transitions = (
        pl.concat([created, moves]).sort(["item_id", "at", "seq"]).select("item_id", "at", "status")
    )
    return items.drop("source"), transitions


def load_frames(
    workspace: Workspace, team: Team | None = None, types: list[str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Load (items, transitions) frames in the engine's contract for a workspace or a team."""
    return engine_frames(load_history(workspace, team, types))


def epic_keys(workspace: Workspace) -> list[str]:
    """Return the keys that items of the workspace name as their epic."""
    rows = WorkItem.objects.filter(workspace=workspace).exclude(epic_key="")
    return sorted(set(rows.values_list("epic_key", flat=True).distinct()))


def without_epics(
    workspace: Workspace, items: pl.DataFrame, transitions: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Leave out epics: items that other items of the workspace name as their epic.

    An epic stays open while its stories flow through it, for months; counted beside its own
    stories it would swamp WIP, ages and cycle times. Dashboards leave epics out unless item
    types are chosen explicitly. Returns (items, transitions, how many were left out).
    """
    import polars as pl

    keys = epic_keys(workspace)
    if not keys or items.is_empty():
        return items, transitions, 0
    kept = items.filter(~pl.col("key").is_in(keys))
    left_out = items.height - kept.height
    if not left_out:
        return items, transitions, 0
    return kept, transitions.join(kept.select("item_id"), on="item_id", how="semi"), left_out


def team_daily_throughput(
    workspace_slug: str,
    team_slug: str | None,
    as_of: date,
    window_days: int = defaults.WINDOW_DAYS,
) -> list[int]:
    """Return items finished per day over the ``window_days`` ending with ``as_of`` (zeros kept).

    Finished = the last entry into a done stage (PRODUCT.md); removed items never count.
    """
    import polars as pl

    from leadline.flow import StageOptions, history_as_of, stage_dates

    workspace = Workspace.objects.get(slug=workspace_slug)
    team = Team.objects.get(workspace=workspace, slug=team_slug) if team_slug else None
    tz = workspace.tz  # days run midnight to midnight there
    history = history_as_of(*load_frames(workspace, team), as_of, tz)
    items, transitions, _ = without_epics(workspace, *history)
    options = StageOptions(tz=tz)
    dates = stage_dates(items, transitions, workflow_for(workspace), options, strict=False)
    dates = dates.with_columns(pl.col("finished").dt.convert_time_zone(tz))
    start = as_of - timedelta(days=window_days - 1)  # the window ends with the as-of day
    counts = [0] * window_days
    for finished in dates.get_column("finished").drop_nulls().to_list():
        day = (finished.date() if isinstance(finished, datetime) else finished) - start
        if 0 <= day.days < window_days:
            counts[day.days] += 1
    return counts


def today(workspace: Workspace | None = None) -> date:
    """Return today's date where days are counted: the workspace's time zone, or
    ``LEADLINE_TIME_ZONE`` without one (the one place pages and commands read the clock)."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return datetime.now(ZoneInfo(workspace.tz if workspace else settings.TIME_ZONE)).date()
