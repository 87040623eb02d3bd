"""Engine input frames (the contract the DB loader and the generators produce) and builders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from leadline.records import WorkItemRecord

UTC_US = pl.Datetime("us", "UTC")
ITEMS_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.Int64(),
    "key": pl.Utf8(),
    "team": pl.Utf8(),
    "type": pl.Utf8(),
    "created": UTC_US,
}
TRANSITIONS_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.Int64(),
    "at": UTC_US,
    "status": pl.Utf8(),
}
FLAGS_SCHEMA: dict[str, pl.DataType] = {"item_id": pl.Int64(), "start": UTC_US, "end": UTC_US}
SPRINT_CHANGES_SCHEMA: dict[str, pl.DataType] = {
    "item_id": pl.Int64(),
    "sprint": pl.Utf8(),
    "at": UTC_US,
    "added": pl.Boolean(),
}


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError(f"naive datetime {dt!r}: records must be timezone-aware")
    return dt.astimezone(UTC)


def frames_from_records(
    items: Iterable[WorkItemRecord], *, team: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (items, transitions) frames; item ids are 1.. in input order.

    The status an item was created in is entered at ``created`` (the first transition's
    ``from_status``, else the current status), unless a transition already sits at ``created``.
    ``team`` defaults to the record's project. Naive datetimes are rejected.
    """
    rows_i: dict[str, list[object]] = {k: [] for k in ITEMS_SCHEMA}
    rows_t: dict[str, list[object]] = {k: [] for k in TRANSITIONS_SCHEMA}
    for n, rec in enumerate(items, start=1):
        created = _utc(rec.created)
        rows_i["item_id"].append(n)
        rows_i["key"].append(rec.key)
        rows_i["team"].append(team if team is not None else rec.project)
        rows_i["type"].append(rec.type)
        rows_i["created"].append(created)
        trs = sorted(rec.transitions, key=lambda t: _utc(t.at))
        initial = (trs[0].from_status if trs else rec.status) or (trs[0].to_status if trs else "")
        if initial and not (trs and _utc(trs[0].at) <= created):
            rows_t["item_id"].append(n)
            rows_t["at"].append(created)
            rows_t["status"].append(initial)
        for t in trs:
            rows_t["item_id"].append(n)
            rows_t["at"].append(_utc(t.at))
            rows_t["status"].append(t.to_status)
    items_df = pl.DataFrame(rows_i, schema=ITEMS_SCHEMA)
    trans_df = pl.DataFrame(rows_t, schema=TRANSITIONS_SCHEMA).sort(
        "item_id", "at", maintain_order=True
    )
    return items_df, trans_df


def flags_from_records(items: Iterable[WorkItemRecord]) -> pl.DataFrame:
    """Return the flag periods frame (item_id, start, end); ids follow frames_from_records."""
    rows: dict[str, list[object]] = {k: [] for k in FLAGS_SCHEMA}
    for n, rec in enumerate(items, start=1):
        for f in rec.flags:
            rows["item_id"].append(n)
            rows["start"].append(_utc(f.start))
            rows["end"].append(_utc(f.end) if f.end else None)
    return pl.DataFrame(rows, schema=FLAGS_SCHEMA)


def sprint_changes_from_records(items: Iterable[WorkItemRecord]) -> pl.DataFrame:
    """Return sprint change events (item_id, sprint, at, added); ids follow frames_from_records."""
    rows: dict[str, list[object]] = {k: [] for k in SPRINT_CHANGES_SCHEMA}
    for n, rec in enumerate(items, start=1):
        for c in rec.sprint_changes:
            rows["item_id"].append(n)
            rows["sprint"].append(c.sprint)
            rows["at"].append(_utc(c.at))
            rows["added"].append(c.added)
    return pl.DataFrame(rows, schema=SPRINT_CHANGES_SCHEMA)


def check_frames(items: pl.DataFrame, transitions: pl.DataFrame) -> None:
    """Raise ValueError when a frame lacks a contract column or has the wrong type."""
    for name, frame, schema in (
        ("items", items, ITEMS_SCHEMA),
        ("transitions", transitions, TRANSITIONS_SCHEMA),
    ):
        for col, dtype in schema.items():
            if col not in frame.columns:
                raise ValueError(f"{name} frame lacks column {col!r}")
            if frame.schema[col] != dtype:
                raise ValueError(f"{name}.{col} is {frame.schema[col]}, expected {dtype}")


def local_date(expr: pl.Expr, tz: str) -> pl.Expr:
    """Return the calendar date of a UTC datetime expression in time zone ``tz``."""
    if tz == "UTC":
        return expr.dt.date()
    return expr.dt.convert_time_zone(tz).dt.date()


def as_date(value: date | datetime, tz: str = "UTC") -> date:
    """Return the calendar date of ``value`` in ``tz`` (dates pass through unchanged)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("as_of must be timezone-aware or a date")
        from zoneinfo import ZoneInfo

        return value.astimezone(ZoneInfo(tz)).date()
    return value


def end_of_day(day: date, tz: str = "UTC") -> datetime:
    """Return the midnight after ``day`` in ``tz``, as a UTC datetime."""
    return datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(tz)).astimezone(UTC)


def history_as_of(
    items: pl.DataFrame, transitions: pl.DataFrame, as_of: date, tz: str = "UTC"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the history as it stood at the end of ``as_of`` (midnight after it, in ``tz``).

    Items created later are left out, and so are later transitions: a finish, reopening or
    move after the as-of date must not show in figures for that date.
    """
    cut = end_of_day(as_of, tz)
    kept = items.filter(pl.col("created") < cut)
    later = (pl.col("at") < cut) & pl.col("item_id").is_in(kept.get_column("item_id").implode())
    return kept, transitions.filter(later)
