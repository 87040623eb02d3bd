"""Every bulk read of a scope's delivery data, straight into Polars frames.

One :class:`ScopeFilter` says which rows belong to the scope (a workspace, optionally some of its
teams, item types or epics); each reader turns it into the same SQL condition. Rows never come
through ORM objects: one query per frame, read in bulk (:mod:`.reader`), timestamps parsed
column-wise (ARCHITECTURE.md, "Data paths"). Only placeholders are interpolated into the SQL
below; values go in the parameters.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db import connection

from leadline.flow.frames import UTC_US

from .reader import DATETIME, NULLABLE_TEXT, read_frame

if TYPE_CHECKING:
    from leadline.workspaces.models import Team, Workspace


def ts(column: str) -> str:
    """Return SQL selecting timestamp ``column`` cheaply: stored text (SQLite) or epoch µs.

    Going through the driver's datetime objects costs a Python object per value; the engine
    wants a column, so the parsing happens once, vectorised, in Polars.
    """
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM {column}) * 1000000)::bigint"
    return f"CAST({column} AS TEXT)"


@dataclass(frozen=True, slots=True)
class ScopeFilter:
    """Which rows a scope reads: the workspace's, of these teams (none: every team), of these
    item types and children of these epics (none: all)."""

    workspace_id: int
    team_ids: tuple[int, ...] = ()
    types: tuple[str, ...] = ()
    epic_keys: tuple[str, ...] = ()

    @classmethod
    def of(
        cls,
        workspace: Workspace,
        team: Team | None = None,
        *,
        teams: Sequence[Team] = (),
        types: Sequence[str] = (),
        epic_keys: Sequence[str] = (),
    ) -> ScopeFilter:
        """Return the filter of a workspace, its ``team`` or ``teams``, ``types`` and epics."""
        ids = tuple(t.pk for t in teams) or ((team.pk,) if team is not None else ())
        return cls(workspace.pk, ids, tuple(types), tuple(epic_keys))

    def rows(self, alias: str) -> tuple[str, list[Any]]:
        """Return the SQL condition (and parameters) on a table with workspace and team ids."""
        where, params = f"{alias}.workspace_id = %s", [self.workspace_id]
        if len(self.team_ids) == 1:
            where += f" AND {alias}.team_id = %s"
        elif self.team_ids:
            where += f" AND {alias}.team_id IN ({', '.join(['%s'] * len(self.team_ids))})"
        return where, params + list(self.team_ids)

    def items(self, alias: str = "i") -> tuple[str, list[Any]]:
        """Return the SQL condition (and parameters) selecting the scope's work items."""
        where, params = self.rows(alias)
        for column, values in (("type", self.types), ("epic_key", self.epic_keys)):
            if values:
                where += f" AND {alias}.{column} IN ({', '.join(['%s'] * len(values))})"
                params += list(values)
        return where, params


@dataclass(frozen=True)
class History:
    """A scope's stored histories as frames: what the engine and the quality checks read.

    ``items``: item_id, key, team (slug or ""), type, created, source.
    ``transitions``: item_id, seq, at, from_status (None where unknown), to_status; ordered by
    item and position in the item's history.
    """

    items: pl.DataFrame
    transitions: pl.DataFrame

    def for_teams(self, *slugs: str) -> History:
        """Return the part of this history that belongs to the teams ``slugs``."""
        items = self.items.filter(pl.col("team").is_in(slugs))
        return History(
            items, self.transitions.join(items.select("item_id"), on="item_id", how="semi")
        )


def read_items(scope: ScopeFilter) -> pl.DataFrame:
    """Read the scope's items (item_id, key, team slug or "", type, created, source)."""
    where, params = scope.items()
    return read_frame(
        f"SELECT i.id, i.key, COALESCE(t.slug, ''), i.type, {ts('i.created')}, i.source "  # noqa: S608 - only placeholders are interpolated
        f"FROM delivery_workitem i LEFT JOIN workspaces_team t ON t.id = i.team_id WHERE {where}",
        params,
        {"item_id": pl.Int64, "key": pl.Utf8, "team": pl.Utf8, "type": pl.Utf8,
         "created": DATETIME, "source": pl.Utf8},
    )  # fmt: skip


def read_transitions(scope: ScopeFilter) -> pl.DataFrame:
    """Read the scope's items' stored moves (item_id, seq, at, from_status, to_status)."""
    where, params = scope.items()
    return read_frame(
        f"SELECT x.item_id, x.seq, {ts('x.at')}, COALESCE(x.from_status, ''), x.to_status "  # noqa: S608 - only placeholders are interpolated
        f"FROM delivery_transition x JOIN delivery_workitem i ON i.id = x.item_id WHERE {where}",
        params,
        {"item_id": pl.Int64, "seq": pl.Int64, "at": DATETIME, "from_status": NULLABLE_TEXT,
         "to_status": pl.Utf8},
    )  # fmt: skip


def read_history(scope: ScopeFilter) -> History:
    """Read the scope's items and transitions with two bulk reads."""
    items, transitions = read_items(scope), read_transitions(scope)
    # Sorting here, not in SQL: Polars sorts 50k rows faster than the database hands them over.
    return History(items.sort("item_id"), transitions.sort("item_id", "seq"))


def read_titles(scope: ScopeFilter) -> pl.DataFrame:
    """Read the titles of the scope's items (item_id, title): what a chart's tooltip names."""
    where, params = scope.items()
    sql = f"SELECT i.id, i.title FROM delivery_workitem i WHERE {where}"  # noqa: S608 - only placeholders are interpolated
    return read_frame(sql, params, {"item_id": pl.Int64, "title": pl.Utf8})


def read_flags(scope: ScopeFilter) -> pl.DataFrame:
    """Read the blocked (flagged) periods of the scope's items (``end`` None while open)."""
    where, params = scope.items()
    start, end = ts("f.start"), ts('f."end"')  # "end" is a keyword in SQL
    sql = (
        f"SELECT f.item_id, {start}, {end} FROM delivery_flagperiod f "  # noqa: S608 - only placeholders are interpolated
        f"JOIN delivery_workitem i ON i.id = f.item_id WHERE {where}"
    )
    return read_frame(sql, params, {"item_id": pl.Int64, "start": DATETIME, "end": DATETIME})


def read_sprint_changes(scope: ScopeFilter) -> pl.DataFrame:
    """Read the sprint entries and exits of the scope's items (item_id, sprint, at, added)."""
    where, params = scope.items()
    sql = (
        f"SELECT c.item_id, c.sprint, {ts('c.at')}, CASE WHEN c.added THEN 1 ELSE 0 END "  # noqa: S608 - only placeholders are interpolated
        f"FROM delivery_sprintchange c JOIN delivery_workitem i ON i.id = c.item_id WHERE {where}"
    )
    frame = read_frame(
        sql, params, {"item_id": pl.Int64, "sprint": pl.Utf8, "at": DATETIME, "added": pl.Int64}
    )
    return frame.with_columns(pl.col("added").cast(pl.Boolean))


def read_rank_changes(scope: ScopeFilter) -> pl.DataFrame:
    """Read when the scope's items were re-ranked or re-prioritised (item_id, at)."""
    where, params = scope.items()
    sql = (
        f"SELECT r.item_id, {ts('r.at')} FROM delivery_rankchange r "  # noqa: S608 - only placeholders are interpolated
        f"JOIN delivery_workitem i ON i.id = r.item_id WHERE {where}"
    )
    return read_frame(sql, params, {"item_id": pl.Int64, "at": DATETIME})


def _fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _aware(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):  # SQLite returns text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


DEPLOYMENT_COLUMNS = ("id", "service", "team", "environment", "status", "finished") + (
    "is_production",
    "unplanned",
)


def read_delivery(scope: ScopeFilter) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Read the scope's (deployments, changes, incidents) in the engine's DORA contract.

    A change's deployment is the first successful production deployment listing it in its
    change ids (an id listed by several deployments ships with the first).
    """
    where, params = scope.rows("d")
    deployments = _fetch(
        "SELECT d.external_id, d.service, COALESCE(t.slug, ''), d.environment, d.status, "  # noqa: S608 - only placeholders are interpolated
        "d.finished, d.is_production, d.unplanned, d.change_ids FROM delivery_deployment d "
        f"LEFT JOIN workspaces_team t ON t.id = d.team_id WHERE {where} "
        "AND d.finished IS NOT NULL ORDER BY d.finished",
        params,
    )
    dep_rows: dict[str, list[Any]] = {k: [] for k in DEPLOYMENT_COLUMNS}
    shipped: dict[str, str] = {}
    for ext, service, team, env, status, finished, prod, unplanned, change_ids in deployments:
        for key, value in zip(
            dep_rows,
            (ext, service, team, env, status, _aware(finished), bool(prod), bool(unplanned)),
            strict=True,
        ):
            dep_rows[key].append(value)
        ids = json.loads(change_ids) if isinstance(change_ids, str) else (change_ids or [])
        if prod and status == "success":
            for change in ids:
                shipped.setdefault(str(change), ext)
    dep_schema: dict[str, Any] = {
        "id": pl.Utf8, "service": pl.Utf8, "team": pl.Utf8, "environment": pl.Utf8,
        "status": pl.Utf8, "finished": UTC_US, "is_production": pl.Boolean,
        "unplanned": pl.Boolean,
    }  # fmt: skip
    dep_frame = pl.DataFrame(dep_rows, schema=dep_schema)
    where_c, params_c = scope.rows("c")
    changes = [
        (ext, _aware(first), _aware(merged), shipped.get(ext))
        for ext, first, merged in _fetch(
            f"SELECT c.external_id, c.first_commit_at, c.merged FROM delivery_change c WHERE {where_c}",  # noqa: S608 - only placeholders are interpolated
            params_c,
        )
    ]
    change_frame = pl.DataFrame(
        changes,
        schema={
            "id": pl.Utf8,
            "first_commit_at": UTC_US,
            "merged": UTC_US,
            "deployment_id": pl.Utf8,
        },
        orient="row",
    )
    where_i, params_i = scope.rows("n")
    incidents = [
        (ext, service, team, _aware(started), _aware(resolved), dep, title)
        for ext, service, team, started, resolved, dep, title in _fetch(
            "SELECT n.external_id, n.service, COALESCE(t.slug, ''), n.started, n.resolved, "  # noqa: S608 - only placeholders are interpolated
            "n.deployment_id, n.title FROM delivery_incident n LEFT JOIN workspaces_team t "
            f"ON t.id = n.team_id WHERE {where_i} ORDER BY n.started",
            params_i,
        )
    ]
    incident_frame = pl.DataFrame(
        incidents,
        schema={
            "id": pl.Utf8,
            "service": pl.Utf8,
            "team": pl.Utf8,
            "started": UTC_US,
            "resolved": UTC_US,
            "deployment_id": pl.Utf8,
            "title": pl.Utf8,
        },  # fmt: skip
        orient="row",
    )
    return dep_frame, change_frame, incident_frame


def count_releases(scope: ScopeFilter) -> int:
    """Count the scope's releases (tags and releases, deployed or not)."""
    where, params = scope.rows("r")
    sql = f"SELECT COUNT(*) FROM delivery_release r WHERE {where}"  # noqa: S608 - only placeholders are interpolated
    return int(_fetch(sql, params)[0][0])
