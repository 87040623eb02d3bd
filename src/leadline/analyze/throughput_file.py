"""Read a throughput file for forecasts: one daily count per line, or one finish date per line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

_INT = re.compile(r"[+-]?\d+")


class ThroughputFileError(ValueError):
    """The throughput file cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Throughput:
    """Daily counts (oldest first) of the window, what the file held, and the window's dates."""

    samples: list[int]
    kind: str  # "counts" | "dates"
    window: tuple[date, date] | None
    lines_read: int


def _as_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def read_throughput(
    path: str | Path, *, window_days: int = 84, as_of: date | None = None
) -> Throughput:
    """Return the last ``window_days`` daily counts of a file (zero days included).

    Counts: one non-negative whole number per line, oldest first; the last ``window_days``
    lines are used (fewer when the file is shorter). Dates: one finish date (ISO) per line,
    counted per day over the ``window_days`` days ending ``as_of`` (default: the last date).
    A first line that is neither is taken as a header; blank lines are skipped. Raise
    ThroughputFileError naming the line of anything else.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise ThroughputFileError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise ThroughputFileError(f"{path.name}: not UTF-8 text ({error.reason})") from None
    rows = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    if rows and not _INT.fullmatch(rows[0][1]) and _as_date(rows[0][1]) is None:
        rows = rows[1:]  # a header line
    if not rows:
        raise ThroughputFileError(f"{path.name}: no daily counts or finish dates in the file")
    first_n, first = rows[0]
    if not _INT.fullmatch(first) and _as_date(first) is None:
        raise ThroughputFileError(
            f"{path.name} line {first_n}: {first!r} is not a number or a date "
            "(expected one daily count or one finish date per line)"
        )
    if _INT.fullmatch(first):
        counts = []
        for n, text in rows:
            if not _INT.fullmatch(text):
                raise ThroughputFileError(
                    f"{path.name} line {n}: {text!r} is not a number "
                    "(expected one daily count per line)"
                )
            value = int(text)
            if value < 0:
                raise ThroughputFileError(f"{path.name} line {n}: a daily count cannot be negative")
            counts.append(value)
        return Throughput(counts[-window_days:], "counts", None, len(rows))
    days = []
    for n, text in rows:
        day = _as_date(text)
        if day is None:
            raise ThroughputFileError(
                f"{path.name} line {n}: {text!r} is not a date (expected one finish date per "
                "line, YYYY-MM-DD)"
            )
        days.append(day)
    end = as_of or max(days)
    begin = end - timedelta(days=window_days - 1)
    samples = [0] * window_days
    for day in days:
        if begin <= day <= end:
            samples[(day - begin).days] += 1
    return Throughput(samples, "dates", (begin, end), len(rows))
