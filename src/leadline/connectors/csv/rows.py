"""Reading a CSV file's raw rows and explaining the ones that cannot be read.

Shared by every CSV reader (delivery data, the RAID log): the header however badly the file
decodes, the field a bad byte falls in, and why the csv module refused a row, for a person.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from leadline.connectors import textfile

# The longest cell read (the csv module's default field limit): no column holds more, and a
# longer one is nearly always a missing closing quote that swallowed the rows after it.
MAX_CELL = 131_072


def header_of(path: Path, encoding: str | None = None) -> list[str]:
    """Return a CSV file's header cells, however badly the rest of the file decodes."""
    codec = textfile.codec_for(path, encoding)
    with path.open(newline="", encoding=codec, errors="replace") as handle:
        return next(csv.reader(handle), [])


def field_at(header: list[str], before: str) -> str:
    """Name the column a line's text ``before`` a bad byte ends in (", field 'title'")."""
    cells = next(csv.reader([before]), [""]) if before else [""]
    index = len(cells) - 1
    return f", field {header[index].strip()!r}" if index < len(header) else ""


class RowLines:
    """The file's lines, remembering those of the row being read (to explain a bad row)."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self.text: list[str] = []

    def __iter__(self) -> RowLines:
        return self

    def __next__(self) -> str:
        line = next(self._handle)
        self.text.append(line)
        return line


def unreadable(header: list[str], text: str, error: csv.Error) -> str:
    """Say which field of a row the csv module refused, and why, for a person."""
    limit = csv.field_size_limit()
    if "field limit" not in str(error):
        return f"not readable as CSV ({error}); the row was not imported"
    index, length, quoted = 0, 0, False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            index, length = index + 1, 0
            continue
        length += 1
        if length > limit:
            break
    name = header[index].strip() if index < len(header) else f"column {index + 1}"
    return too_long(name, limit)


def too_long(name: str, limit: int = 0) -> str:
    """Say that field ``name`` holds more than one cell can (``limit``, default MAX_CELL)."""
    return (
        f"field {name!r}: a value longer than {limit or MAX_CELL:,} characters, too long to be "
        "one cell (is a closing quote missing?); the row was not imported"
    )
