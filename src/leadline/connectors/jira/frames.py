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

from leadline.connectors.jira import decode as _decode
from leadline.connectors.jira.decode import (  # noqa: F401 (re-exported)
    _DECODER,
    _LIST_DECODER,
    Packed,
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


def _strings(values: list[str] | list[str | None] | Packed) -> pl.Series:
    """Return a string column (a list, or NUL-joined by a prefetch child) as a Series."""
    if not isinstance(values, Packed):
        return pl.Series(values, dtype=pl.Utf8)
    if not values.n:
        return pl.Series([], dtype=pl.Utf8)
    out = pl.Series([values.joined], dtype=pl.Utf8).str.split(_decode._SEP).explode()
    if values.nulls:
        out = out.scatter(values.nulls, None)
    return out


def _timestamps(values: list[str] | Packed) -> pl.Series | None:
    """Parse Jira timestamps to UTC; return None when any value is not one."""
    if isinstance(values, Packed):
        packed = None if values.nulls else _packed_fixed_width_us(values)
        if packed is None:
            return _timestamps(values.values())  # type: ignore[arg-type]
        fast: np.ndarray | None = packed
    else:
        fast = _fixed_width_us(values)
    if fast is not None:
        return pl.Series(fast, dtype=pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    raw = pl.Series(values if isinstance(values, list) else values.values(), dtype=pl.Utf8)
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
    return _fixed_width_bytes(arr.view(np.uint8).reshape(len(values), 29))


def _packed_fixed_width_us(values: Packed) -> np.ndarray | None:
    """``_fixed_width_us`` of a NUL-joined column: each value must be 28 bytes then a NUL."""
    raw = (values.joined + _decode._SEP).encode()
    if len(raw) != 29 * values.n:
        return None
    return _fixed_width_bytes(np.frombuffer(raw, dtype=np.uint8).reshape(values.n, 29))


def _fixed_width_bytes(b: np.ndarray) -> np.ndarray | None:
    """Microseconds of rows of 29 bytes: a timestamp's 28 ASCII bytes then a NUL."""
    ok = (b[:, 28] == 0) & ((b[:, 23] == ord("+")) | (b[:, 23] == ord("-")))
    for pos, char in _SEPARATORS.items():
        ok &= b[:, pos] == ord(char)
    # Digits as small integers (uint8 wraps below "0", so one bound checks both sides).
    d = b[:, _DIGITS] - np.uint8(ord("0"))
    ok &= (d <= 9).all(axis=1)
    if not ok.all():
        return None
    col = [d[:, i].astype(np.int64) for i in range(len(_DIGITS))]
    year = col[0] * 1000 + col[1] * 100 + col[2] * 10 + col[3]
    month, day = col[4] * 10 + col[5], col[6] * 10 + col[7]
    hour, minute, second = col[8] * 10 + col[9], col[10] * 10 + col[11], col[12] * 10 + col[13]
    millis = col[14] * 100 + col[15] * 10 + col[16]
    off_h, off_m = col[17] * 10 + col[18], col[19] * 10 + col[20]
    off = off_h * 3600 + off_m * 60
    off = np.where(b[:, 23] == ord("-"), -off, off)
    if not ((month >= 1) & (month <= 12)).all():
        return None
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    dim = _MONTH_DAYS[month - 1] + ((month == 2) & leap)
    valid = (year >= 1) & (day >= 1) & (day <= dim) & (hour < 24) & (minute < 60) & (second < 60)
    valid &= (off_h < 24) & (off_m < 60)
    if not valid.all():
        return None
    # Days from the civil date (Howard Hinnant's algorithm), then seconds, then microseconds.
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    secs = days * 86400 + hour * 3600 + minute * 60 + second - off
    micros: np.ndarray = secs * 1_000_000 + millis * 1000
    return micros


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


_Strings = list[str] | Packed
_Nullable = list[str | None] | Packed


def _frames(
    keys: _Strings,
    teams: _Strings,
    types: _Strings,
    created: _Strings,
    current: _Strings,
    categories: dict[str, str],
    t_idx: list[int],
    t_at: _Strings,
    t_hid: _Nullable,
    t_from: _Nullable,
    t_to: _Nullable,
) -> JiraFrames | None:
    created_at = _timestamps(created)
    change_at = _timestamps(t_at)
    if created_at is None or change_at is None:
        return None
    n = _decode._length(keys)
    ids = pl.int_range(1, n + 1, dtype=pl.Int64, eager=True)
    items = pl.DataFrame(
        {
            "item_id": ids,
            "key": _strings(keys),
            "team": _strings(teams),
            "type": _strings(types),
            "created": created_at,
        },
        schema=ITEMS_SCHEMA,
    )
    changes = (
        pl.DataFrame(
            {
                "item_id": pl.Series(t_idx, dtype=pl.Int64) + 1,
                "at": change_at,
                # The connector's rules: ids sort numerically (non-numbers as 0), an empty
                # from-status counts as none, an empty to-status is "".
                "hid": _strings(t_hid).cast(pl.Int64, strict=False).fill_null(0),
                "from": _strings(t_from).replace("", None),
                "status": _strings(t_to).fill_null(""),
            }
        )
        .with_row_index("seq")
        .sort("item_id", "at", "hid", "seq")
    )
    first = changes.group_by("item_id").agg(
        pl.col("at").first().alias("first_at"), pl.col("from").first().alias("first_from")
    )
    opening = (
        items.select("item_id", "created", current=_strings(current))
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


def read_jira_reference(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, str]]:
    """Read a Jira export through the connector's records: the reference for
    :func:`read_jira_frames`, and the path that words every error precisely.

    Returns the engine frames and each current status's category. Raises JiraExportError for an
    unreadable export and UnicodeDecodeError for a file that is not UTF-8.
    """
    from leadline.connectors.jira.export import _issues, read_export
    from leadline.connectors.jira.mapping import category_from_status
    from leadline.flow.frames import frames_from_records

    records = list(read_export(path))
    cats: dict[str, str] = {}
    for _, issue, _names in _issues(path):
        status = (issue.get("fields") or {}).get("status") or {}
        category = category_from_status(status)
        if category is not None and status.get("name"):
            cats.setdefault(str(status["name"]), str(category))
    items, trans = frames_from_records(records)
    return items, trans, cats
