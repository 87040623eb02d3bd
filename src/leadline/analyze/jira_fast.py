"""Read a Jira search-response export straight into the engine's frames (no per-item records).

msgspec decodes only the fields the flow metrics need (unknown fields are skipped in C), and
timestamps are parsed column-wise by Polars. The rules are those of
``leadline.connectors.jira.mapping`` (histories sorted by time then numeric id, a leading
"created" transition into the first change's from-status or the current status, team = project
key); ``tests/test_analyze.py`` checks that both paths give identical frames. Anything this path
does not expect (JSON lines, odd types, unparseable timestamps) returns None so the caller uses
the reference path, which also produces the precise error message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from leadline.analyze import jira_decode as _decode
from leadline.analyze.jira_decode import (  # noqa: F401 (re-exported)
    _DECODER,
    _LIST_DECODER,
    _Issue,
    columns,
    decode_file,
    is_missing,
    take,
)
from leadline.flow.frames import ITEMS_SCHEMA, TRANSITIONS_SCHEMA, UTC_US

_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%z"


_columns = columns  # the column builder, for callers that decode themselves


@dataclass(frozen=True, slots=True)
class JiraFrames:
    """Engine frames read from an export, plus the Jira status category of each known status."""

    items: pl.DataFrame
    transitions: pl.DataFrame
    categories: dict[str, str]


def _timestamps(values: list[str]) -> pl.Series | None:
    """Parse Jira timestamps to UTC; return None when any value is not one."""
    fast = _fixed_width_us(values)
    if fast is not None:
        return pl.Series(fast, dtype=pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    raw = pl.Series(values, dtype=pl.Utf8)
    parsed = raw.str.to_datetime(_FORMAT, time_unit="us", strict=False)
    if parsed.null_count():
        zulu = raw.str.replace(r"Z$", "+0000").str.to_datetime(
            _FORMAT, time_unit="us", strict=False
        )
        parsed = parsed.fill_null(zulu)
        if parsed.null_count():
            return None
    return parsed.dt.convert_time_zone("UTC")


_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22, 24, 25, 26, 27]
_SEPARATORS = {4: b"-", 7: b"-", 10: b"T", 13: b":", 16: b":", 19: b"."}
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def _fixed_width_us(values: list[str]) -> np.ndarray | None:
    """Return microseconds since the epoch for Jira's own ``2023-01-10T16:06:27.376+0000`` shape.

    Vectorised over bytes (chrono's strptime was 10x slower here). None when any value has
    another shape or an impossible date or time, so the general parser (and its errors) apply.
    """
    if not values:
        return np.zeros(0, dtype=np.int64)
    try:
        arr = np.array(values, dtype="S29")
    except UnicodeEncodeError:
        return None
    b = arr.view(np.uint8).reshape(len(values), 29)
    ok = (b[:, 28] == 0) & ((b[:, 23] == ord("+")) | (b[:, 23] == ord("-")))
    for pos, char in _SEPARATORS.items():
        ok &= b[:, pos] == ord(char)
    d = b[:, _DIGITS].astype(np.int64) - ord("0")
    ok &= ((d >= 0) & (d <= 9)).all(axis=1)
    if not ok.all():
        return None
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month, day = d[:, 4] * 10 + d[:, 5], d[:, 6] * 10 + d[:, 7]
    hour, minute, second = (
        d[:, 8] * 10 + d[:, 9],
        d[:, 10] * 10 + d[:, 11],
        d[:, 12] * 10 + d[:, 13],
    )
    millis = d[:, 14] * 100 + d[:, 15] * 10 + d[:, 16]
    off = (d[:, 17] * 10 + d[:, 18]) * 3600 + (d[:, 19] * 10 + d[:, 20]) * 60
    off = np.where(b[:, 23] == ord("-"), -off, off)
    if not ((month >= 1) & (month <= 12)).all():
        return None
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    dim = _MONTH_DAYS[month - 1] + ((month == 2) & leap)
    valid = (year >= 1) & (day >= 1) & (day <= dim) & (hour < 24) & (minute < 60) & (second < 60)
    valid &= (d[:, 17] * 10 + d[:, 18] < 24) & (d[:, 19] * 10 + d[:, 20] < 60)
    if not valid.all():
        return None
    # Days from the civil date (Howard Hinnant's algorithm), then seconds, then microseconds.
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    secs = days * 86400 + hour * 3600 + minute * 60 + second - off
    return secs * 1_000_000 + millis * 1000


def read_jira_frames(path: str | Path) -> JiraFrames | None:
    """Return frames for a search response or a list of issues; None for anything unusual.

    Unusual means: JSON lines, a value of an unexpected type, an issue without key, created or
    status, or a timestamp that is not ISO with an offset. The caller then reads the file with
    ``read_export``, which names the file, issue and field of the problem.
    """
    cols = _decode.take(path)
    if is_missing(cols):
        cols = decode_file(path)
    if cols is None:
        return None
    return _frames(*cols)


def _frames(
    keys: list[str],
    teams: list[str],
    types: list[str],
    created: list[str],
    current: list[str],
    categories: dict[str, str],
    t_idx: list[int],
    t_at: list[str],
    t_hid: list[str | None],
    t_from: list[str | None],
    t_to: list[str | None],
) -> JiraFrames | None:
    created_at = _timestamps(created)
    change_at = _timestamps(t_at)
    if created_at is None or change_at is None:
        return None
    n = len(keys)
    ids = pl.int_range(1, n + 1, dtype=pl.Int64, eager=True)
    items = pl.DataFrame(
        {"item_id": ids, "key": keys, "team": teams, "type": types, "created": created_at},
        schema=ITEMS_SCHEMA,
    )
    changes = (
        pl.DataFrame(
            {
                "item_id": pl.Series(t_idx, dtype=pl.Int64) + 1,
                "at": change_at,
                # The connector's rules: ids sort numerically (non-numbers as 0), an empty
                # from-status counts as none, an empty to-status is "".
                "hid": pl.Series(t_hid, dtype=pl.Utf8).cast(pl.Int64, strict=False).fill_null(0),
                "from": pl.Series(t_from, dtype=pl.Utf8).replace("", None),
                "status": pl.Series(t_to, dtype=pl.Utf8).fill_null(""),
            }
        )
        .with_row_index("seq")
        .sort("item_id", "at", "hid", "seq")
    )
    first = changes.group_by("item_id").agg(
        pl.col("at").first().alias("first_at"), pl.col("from").first().alias("first_from")
    )
    opening = (
        items.select("item_id", "created", current=pl.Series(current, dtype=pl.Utf8))
        .join(first, on="item_id", how="left")
        .select(
            "item_id",
            at=pl.min_horizontal("created", "first_at").cast(UTC_US),
            status=pl.coalesce(pl.col("first_from"), pl.col("current")),
            pos=pl.lit(0, pl.UInt32),
        )
    )
    moves = changes.select(
        "item_id", "at", "status", pos=pl.int_range(1, pl.len() + 1, dtype=pl.UInt32)
    )
    transitions = (
        pl.concat([opening, moves])
        .sort("item_id", "pos")
        .select(list(TRANSITIONS_SCHEMA))
        .cast(TRANSITIONS_SCHEMA)  # type: ignore[arg-type]
    )
    return JiraFrames(items, transitions, categories)
