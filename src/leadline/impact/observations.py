"""Reading ``date,value`` observations from a CSV file, with errors naming the line and field.

Pure (no Django): the CLI reads files without a server. A header row ``date,value`` is
required (other columns are ignored); each later row is one observation: an ISO date
(YYYY-MM-DD; a date-time is cut to its day) and a number. Blank lines are skipped. Dates
before 1970 are accepted (published series such as the Nile's flow go back to the 1870s).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from leadline import bounds

MAX_ROWS = 200_000  # observations read from one file (a daily series of 500 years)


class ObservationError(ValueError):
    """A problem with the file: ``line`` (1-based, the header is line 1) and ``field``."""

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None):
        where = ", ".join(p for p in (f"line {line}" if line else "", field or "") if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.line = line
        self.field = field


@dataclass(frozen=True)
class Observations:
    dates: list[date]
    values: list[float]


def _date(text: str, line: int) -> date:
    value = text.strip()
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        raise ObservationError(
            f"{value!r} is not a date (YYYY-MM-DD)", line=line, field="date"
        ) from None
    if day > bounds.LATEST_DATE:  # earlier years are fine: published series go back centuries
        raise ObservationError(
            f"{day} is after {bounds.LATEST_DATE}, the last date Leadline accepts",
            line=line,
            field="date",
        )
    return day


def _value(text: str, line: int) -> float:
    value = text.strip()
    try:
        number = float(value)
    except ValueError:
        raise ObservationError(f"{value!r} is not a number", line=line, field="value") from None
    if not math.isfinite(number):
        raise ObservationError(f"{value!r} is not a finite number", line=line, field="value")
    return number


def parse(text: str) -> Observations:
    """Return the observations of CSV ``text`` (see the module); raise ObservationError."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    names = [h.strip().lower() for h in header or []]
    if "date" not in names or "value" not in names:
        raise ObservationError(
            "the first row must name the columns date and value", line=1, field="header"
        )
    di, vi = names.index("date"), names.index("value")
    dates: list[date] = []
    values: list[float] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(di, vi):
            missing = "date" if len(row) <= di else "value"
            raise ObservationError("missing", line=line, field=missing)
        dates.append(_date(row[di], line))
        values.append(_value(row[vi], line))
        if len(dates) > MAX_ROWS:
            raise ObservationError(f"more than {MAX_ROWS:,} rows", line=line)
    if not dates:
        raise ObservationError("no rows after the header", line=2)
    return Observations(dates, values)


def read(path: Path) -> Observations:
    """Return the observations of the CSV file at ``path``."""
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise ObservationError(f"{path} is not UTF-8 text") from None
    return parse(text)
