"""Bulk reads of a scope's item details the flow figures need beside its history: titles,
blocked (flagged) periods, sprint entries and exits, rank changes. One SQL query each."""

from __future__ import annotations

import polars as pl

from leadline.delivery.reader import DATETIME, read_frame
from leadline.delivery.services import item_filter, ts

from .scope import Scope


def load_titles(scope: Scope) -> pl.DataFrame:
    """Load the titles of the scope's items (item_id, title): what a chart's tooltip names."""
    where, params = item_filter(scope.workspace, None if scope.teams else scope.team)
    sql = f"SELECT i.id, i.title FROM delivery_workitem i WHERE {where}"  # noqa: S608 - only placeholders are interpolated
    return read_frame(sql, params, {"item_id": pl.Int64, "title": pl.Utf8})


def load_flags(scope: Scope) -> pl.DataFrame:
    """Load the blocked (flagged) periods of the scope's items (``end`` None while open)."""
    where, params = item_filter(scope.workspace, scope.team)
    start, end = ts("f.start"), ts('f."end"')  # "end" is a keyword in SQL
    sql = (
        f"SELECT f.item_id, {start}, {end} FROM delivery_flagperiod f "  # noqa: S608 - only placeholders are interpolated
        f"JOIN delivery_workitem i ON i.id = f.item_id WHERE {where}"
    )
    return read_frame(sql, params, {"item_id": pl.Int64, "start": DATETIME, "end": DATETIME})


def load_sprint_changes(scope: Scope) -> pl.DataFrame:
    """Load the sprint entries and exits of the scope's items (item_id, sprint, at, added)."""
    where, params = item_filter(scope.workspace, scope.team)
    sql = (
        f"SELECT c.item_id, c.sprint, {ts('c.at')}, CASE WHEN c.added THEN 1 ELSE 0 END "  # noqa: S608 - only placeholders are interpolated
        f"FROM delivery_sprintchange c JOIN delivery_workitem i ON i.id = c.item_id WHERE {where}"
    )
    frame = read_frame(
        sql, params, {"item_id": pl.Int64, "sprint": pl.Utf8, "at": DATETIME, "added": pl.Int64}
    )
    return frame.with_columns(pl.col("added").cast(pl.Boolean))


def load_rank_changes(scope: Scope) -> pl.DataFrame:
    """Load when the scope's items were re-ranked or re-prioritised (item_id, at)."""
    where, params = item_filter(scope.workspace, scope.team)
    sql = (
        f"SELECT r.item_id, {ts('r.at')} FROM delivery_rankchange r "  # noqa: S608 - only placeholders are interpolated
        f"JOIN delivery_workitem i ON i.id = r.item_id WHERE {where}"
    )
    return read_frame(sql, params, {"item_id": pl.Int64, "at": DATETIME})
