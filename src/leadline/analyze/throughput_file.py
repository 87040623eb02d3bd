"""Read a throughput file for forecasts: one daily count per line, or one finish date per line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from leadline import defaults

_INT = re.compile(r"[+-]?\d+")
# Anything a reader could take for a number: 3.5, -2, 1e3, .5, 1,000 (not a date: 2024-03-01).
_NUMBER_LIKE = re.compile(r"[+-]?(\d[\d_,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SEPARATORS = re.compile(r"[;,\t|]|\s+")


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


def _number_like(text: str) -> bool:
    if _NUMBER_LIKE.fullmatch(text):
        return True
    try:
        float(text)  # nan, inf, 1_000 ...
    except ValueError:
        return False
    return True


def _is_header(text: str) -> bool:
    """A header names its column in words ("count", "finished"): letters, no number or date."""
    if _number_like(text) or _as_date(text) is not None:
        return False
    if any(_number_like(p) or _as_date(p) is not None for p in _values(text)):
        return False  # "3;x" is a bad row, not a header
    return any(c.isalpha() for c in text)


def _values(text: str) -> list[str]:
    return [p for p in _SEPARATORS.split(text.strip().strip(",;")) if p]


def _several(shown: str, n: int, text: str) -> ThroughputFileError | None:
    """Return the error for a line holding several values (None for a single value)."""
    parts = _values(text)
    if len(parts) < 2 or (_as_date(text) is not None):
        return None
    return ThroughputFileError(
        f"{shown} line {n}: {text!r} holds {len(parts)} values; expected one value per line "
        "(one daily count or one finish date)"
    )


def read_throughput(
    path: str | Path,
    *,
    window_days: int | None = defaults.WINDOW_DAYS,
    as_of: date | None = None,
    as_of_option: str = "as_of",
) -> Throughput:
    """Return the last ``window_days`` daily counts of a file (zero days included); with
    ``window_days=None`` every day: all counts, or the dates from the first one to ``as_of``.

    Counts: one non-negative whole number per line, oldest first; the last ``window_days``
    lines are used (fewer when the file is shorter). Dates: one finish date (ISO) per line,
    counted per day over the ``window_days`` days ending ``as_of`` (default: the last date).
    The first line is a header only when it is words (no number, no date); blank lines are
    skipped. Raise ThroughputFileError naming the file (as given) and the line of anything
    else, and for ``as_of`` with a file of counts, which has no dates to end a window at
    (``as_of_option`` names the option in that message).
    """
    shown = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise ThroughputFileError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise ThroughputFileError(f"{shown}: is a folder, not a file") from None
    except UnicodeDecodeError as error:
        raise ThroughputFileError(f"{shown}: not UTF-8 text ({error.reason})") from None
    rows = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    if rows and _is_header(rows[0][1]):
        rows = rows[1:]
    if not rows:
        raise ThroughputFileError(f"{shown}: no daily counts or finish dates in the file")
    first_n, first = rows[0]
    if (several := _several(shown, first_n, first)) is not None:
        raise several
    if _INT.fullmatch(first) or _number_like(first):
        if as_of is not None:
            raise ThroughputFileError(
                f"{as_of_option} needs a file of finish dates: {shown} holds daily counts, "
                "which have no dates (the window is its last lines)"
            )
        return _counts(shown, rows, window_days)
    if _as_date(first) is None:
        raise ThroughputFileError(
            f"{shown} line {first_n}: {first!r} is not a number or a date "
            "(expected one daily count or one finish date per line)"
        )
    return _dates(shown, rows, window_days, as_of)


def _counts(shown: str, rows: list[tuple[int, str]], window_days: int | None) -> Throughput:
    counts = []
    for n, text in rows:
        if not _INT.fullmatch(text):
            if (several := _several(shown, n, text)) is not None:
                raise several
            what = "a whole number" if _number_like(text) else "a number"
            raise ThroughputFileError(
                f"{shown} line {n}: {text!r} is not {what} (expected one daily count per line)"
            )
        value = int(text)
        if value < 0:
            raise ThroughputFileError(f"{shown} line {n}: a daily count cannot be negative")
        counts.append(value)
    return Throughput(counts[-window_days:] if window_days else counts, "counts", None, len(rows))


def _dates(
    shown: str, rows: list[tuple[int, str]], window_days: int | None, as_of: date | None
) -> Throughput:
    days = []
    for n, text in rows:
        day = _as_date(text)
        if day is None:
            if (several := _several(shown, n, text)) is not None:
                raise several
            raise ThroughputFileError(
                f"{shown} line {n}: {text!r} is not a date (expected one finish date per "
                "line, YYYY-MM-DD)"
            )
        days.append(day)
    end = as_of or max(days)
    if window_days is None:
        window_days = max((end - min(days)).days + 1, 1)
    begin = end - timedelta(days=window_days - 1)
    samples = [0] * window_days
    for day in days:
        if begin <= day <= end:
            samples[(day - begin).days] += 1
    return Throughput(samples, "dates", (begin, end), len(rows))
