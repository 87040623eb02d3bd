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
    return pl.Series([values.joined], dtype=pl.Utf8).str.split(_decode._SEP).explode()


def _timestamps(values: list[str] | Packed) -> pl.Series | None:
    """Parse Jira timestamps to UTC; return None when any value is not one."""
    if isinstance(values, Packed):
        packed = _packed_fixed_width_us(values)
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


# A Jira timestamp's shape: digits where the "0"s are, then the NUL that ends it in a row.
_SHAPE = b"0000-00-00T00:00:00.000+0000\x00"
_TEMPLATE = np.frombuffer(_SHAPE, dtype=np.uint8)
# The most each byte may exceed the shape's byte by: 9 for a digit, none for the separators,
# and at the offset's sign 2 ("-" is "+" + 2; "," between them is rejected on its own).
_LIMIT = np.array([9 if c == ord("0") else 0 for c in _SHAPE], dtype=np.uint8)
_LIMIT[23] = ord("-") - ord("+")
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


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
    """Microseconds of rows of 29 bytes: a timestamp's 28 ASCII bytes then a NUL.

    Whole-matrix checks and int32 arithmetic on a few columns (wider types and per-column
    checks made this the slowest step of reading a large export); int64 only for the result.
    """
    d = b - _TEMPLATE  # uint8 wraps below the shape's byte, so one bound checks both sides
    if (d > _LIMIT).any() or (d[:, 23] == 1).any():
        return None

    def number(at: int, width: int) -> np.ndarray:
        value: np.ndarray = d[:, at].astype(np.int32)
        for k in range(at + 1, at + width):
            value *= 10
            value += d[:, k]
        return value

    year, month, day = number(0, 4), number(5, 2), number(8, 2)
    hour, minute, second = number(11, 2), number(14, 2), number(17, 2)
    millis, off_h, off_m = number(20, 3), number(24, 2), number(26, 2)
    if not ((month >= 1) & (month <= 12)).all():
        return None
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    dim = _MONTH_DAYS[month - 1] + ((month == 2) & leap)
    valid = (year >= 1) & (day >= 1) & (day <= dim) & (hour < 24) & (minute < 60) & (second < 60)
    valid &= (off_h < 24) & (off_m < 60)
    if not valid.all():
        return None
    off = off_h * 3600 + off_m * 60
    off = np.where(d[:, 23] != 0, -off, off)  # the sign byte is "-"
    # Days from the civil date (Howard Hinnant's algorithm), then seconds, then microseconds.
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    secs = hour * 3600 + minute * 60 + second - off
    micros: np.ndarray = days.astype(np.int64) * 86_400_000_000
    micros += secs.astype(np.int64) * 1_000_000 + millis * 1000
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
_Nullable = list[str] | list[str | None] | Packed


def _frames(
    keys: _Strings,
    teams: _Strings,
    types: _Strings,
    created: _Strings,
    current: _Strings,
    categories: dict[str, str],
    t_idx: list[int] | np.ndarray,
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
        )
    )
    names = list(TRANSITIONS_SCHEMA)
    both = pl.concat([opening.select(names), changes.select(names)]).cast(
        TRANSITIONS_SCHEMA  # type: ignore[arg-type]
    )
    transitions = both.select(pl.all().gather(_interleaved(n, changes.get_column("item_id"))))
    return JiraFrames(items, transitions, categories)


def _interleaved(n: int, move_items: pl.Series) -> pl.Series:
    """Return the row order that puts each item's opening row before its moves.

    The rows are the ``n`` items' opening rows (item 1 to n), then the moves, sorted by item:
    a permutation, cheaper than sorting the concatenated rows by item and position.
    """
    ids = move_items.to_numpy()
    dest = np.empty(n + len(ids), dtype=np.int64)  # where each row goes
    dest[:n] = np.searchsorted(ids, np.arange(1, n + 1), side="left") + np.arange(n)
    dest[n:] = np.arange(len(ids)) + ids
    order = np.empty_like(dest)
    order[dest] = np.arange(len(dest))
    return pl.Series(order)


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
