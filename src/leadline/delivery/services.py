"""Delivery services: workflows from the stored mappings, and loading data for the engine.

Transitions never come through ORM objects: they are read with one SQL query per frame, filtered
by workspace and team in the database, straight into Polars (ARCHITECTURE.md, "Data paths").
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection

from leadline.records import StageCategory
from leadline.workspaces.models import Team, Workspace

from .models import StatusMapping

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


def _scope(workspace: Workspace, team: Team | None, alias: str = "i") -> tuple[str, list[Any]]:
    where, params = f"{alias}.workspace_id = %s", [workspace.pk]
    if team is not None:
        where += f" AND {alias}.team_id = %s"
        params.append(team.pk)
    return where, params


def ts(column: str) -> str:
    """Return SQL selecting timestamp ``column`` cheaply: stored text (SQLite) or epoch µs.

    Going through the driver's datetime objects costs a Python object per value; the engine
    wants a column, so the parsing happens once, vectorised, in Polars.
    """
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
    return f"CAST({column} AS TEXT)"


def _frame(sql: str, params: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    import polars as pl

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame(schema=_empty(schema))
    frame = pl.DataFrame(rows, schema=list(schema), orient="row")
    casts = []
    for name, dtype in schema.items():
        if dtype == "datetime":
            column = pl.col(name)
            if frame.schema[name] == pl.Utf8:
                column = column.str.to_datetime(
                    "%Y-%m-%d %H:%M:%S%.f", time_zone="UTC", time_unit="us"
                )
            else:  # epoch microseconds
                column = column.cast(pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
            casts.append(column.alias(name))
        else:
            casts.append(pl.col(name).cast(dtype))
    return frame.with_columns(casts)


def _empty(schema: dict[str, Any]) -> dict[str, Any]:
    import polars as pl

    return {k: (pl.Datetime("us", "UTC") if v == "datetime" else v) for k, v in schema.items()}


def load_frames(
    workspace: Workspace, team: Team | None = None, types: list[str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Load (items, transitions) frames in the engine's contract for a workspace or a team.

    Each item's transitions start with its creation (entering its first recorded status), so
    items created straight into an active status are started at creation.
    """
    import polars as pl

    where, params = _scope(workspace, team)
    if types:
        where += f" AND i.type IN ({', '.join(['%s'] * len(types))})"
        params += types
    # Only placeholders are interpolated into the SQL below; values go in ``params``.
    items = _frame(
        f"SELECT i.id, i.key, COALESCE(t.slug, ''), i.type, {ts('i.created')}, i.title "
        f"FROM delivery_workitem i LEFT JOIN workspaces_team t ON t.id = i.team_id WHERE {where}",
        params,
        {"item_id": pl.Int64, "key": pl.Utf8, "team": pl.Utf8, "type": pl.Utf8,
         "created": "datetime", "title": pl.Utf8},
    )  # fmt: skip
    # One pass over the history: the first change's "from" status rides along (NULL elsewhere).
    transitions = _frame(
        f"SELECT x.item_id, {ts('x.at')}, x.to_status, x.seq, "
        "CASE WHEN x.seq = 0 THEN x.from_status END FROM delivery_transition x "
        f"JOIN delivery_workitem i ON i.id = x.item_id WHERE {where} ORDER BY x.item_id, x.seq",
        params,
        {"item_id": pl.Int64, "at": "datetime", "status": pl.Utf8, "seq": pl.Int64,
         "from_status": pl.Utf8},
    )  # fmt: skip
    first = transitions.filter(pl.col("from_status").is_not_null()).select("item_id", "from_status")
    # Where the source's first change starts from a status (Jira's changelog does), the item
    # sat in that status from creation: add that entry.
    created = (
        first.join(items.select("item_id", "created"), on="item_id")
        .select("item_id", pl.col("created").alias("at"), pl.col("from_status").alias("status"))
        .with_columns(pl.lit(-1, dtype=pl.Int64).alias("seq"))
    )
    transitions = (
        pl.concat([created, transitions.drop("from_status")])
        .sort(["item_id", "at", "seq"])
        .select("item_id", "at", "status")
    )
    return items, transitions


def team_daily_throughput(
    workspace_slug: str, team_slug: str | None, as_of: date, window_days: int = 84
) -> list[int]:
    """Return items finished per day over the ``window_days`` before ``as_of`` (zeros kept).

    Finished = the last entry into a done stage (PRODUCT.md); removed items never count.
    """
    from leadline.flow import stage_dates

    workspace = Workspace.objects.get(slug=workspace_slug)
    team = Team.objects.get(workspace=workspace, slug=team_slug) if team_slug else None
    items, transitions = load_frames(workspace, team)
    dates = stage_dates(items, transitions, workflow_for(workspace), strict=False)
    start = as_of - timedelta(days=window_days)
    counts = [0] * window_days
    for finished in dates.get_column("finished").drop_nulls().to_list():
        day = (finished.date() if isinstance(finished, datetime) else finished) - start
        if 0 <= day.days < window_days:
            counts[day.days] += 1
    return counts


def today() -> date:
    """Return today's date in UTC (the one place pages and commands read the clock)."""
    return datetime.now(UTC).date()
