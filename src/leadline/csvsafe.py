"""The one CSV writer: every CSV Leadline writes goes through here, with formula cells made inert.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return can hide one), so a RAID title ``=cmd|' /C calc'!A0`` or a work
item key ``=1+1`` must not reach a download as is (OWASP "CSV injection"). Such a text cell is
written with a single quote in front, which spreadsheets show as text and never evaluate.

Plain numbers are left alone (``-1``, ``+2.5``, ``-3e-4``): they are not formulas, and numeric
columns must stay byte-for-byte comparable with other tools. A cell that already starts with
quotes before such a character gets one more quote, so reading a Leadline file back with
:func:`restore` (the CSV imports do) gives exactly what was written, quotes included.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_PLAIN_NUMBER = re.compile(_NUMBER + r"\Z")
# The same rule as :func:`_needs_quote`, for Polars' regex engine (text columns of a frame).
_TRIGGER_RE = r"^'*[=+\-@\t\r]"
_NUMBER_RE = rf"^'*{_NUMBER}$"


def _needs_quote(text: str) -> bool:
    bare = text.lstrip(QUOTE)
    return bare[:1] in TRIGGERS and _PLAIN_NUMBER.match(bare) is None


def neutralise(value: Any) -> Any:
    """Return a text cell with a quote in front when a spreadsheet would run it as a formula.

    Anything that is not a string (numbers, dates, None) is returned unchanged, and so are plain
    numbers written as text.
    """
    if isinstance(value, str) and value and _needs_quote(value):
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """Undo :func:`neutralise` on a cell read back from a CSV file (one quote, only where added).

    A quote in front of anything that would not have been neutralised (``'hello``) is kept.
    """
    if text.startswith(QUOTE) and _needs_quote(text[1:]):
        return text[1:]
    return text


class Writer:
    """A ``csv.writer`` whose every cell is neutralised."""

    def __init__(self, out: IO[str] | Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row of cells."""
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write each row of ``rows``."""
        for row in rows:
            self.writerow(row)


def writer(out: IO[str] | Any, **options: Any) -> Writer:
    """Return a CSV writer over ``out`` (a text file, an HttpResponse...) that neutralises cells."""
    return Writer(out, **options)


def to_text(header: Sequence[str], rows: Iterable[Iterable[Any]], **options: Any) -> str:
    """Return a header and rows as CSV text, cells neutralised (``csv.writer`` options apply)."""
    out = io.StringIO()
    w = writer(out, **options)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with its text columns neutralised; numeric and date columns untouched."""
    import polars as pl

    text = [name for name, dtype in frame.schema.items() if dtype in (pl.String, pl.Categorical)]
    if not text:
        return frame
    return frame.with_columns(
        pl.when(
            pl.col(name).cast(pl.String).str.contains(_TRIGGER_RE)
            & ~pl.col(name).cast(pl.String).str.contains(_NUMBER_RE)
        )
        .then(pl.lit(QUOTE) + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in text
    )


def write_frame(frame: pl.DataFrame, path: str | Path, **options: Any) -> None:
    """Write a Polars frame as CSV (``write_csv`` options pass through), text cells neutralised."""
    neutralise_frame(frame).write_csv(path, **options)
