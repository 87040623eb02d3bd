"""Open an imported text file in the right encoding, or say exactly why it cannot be read.

Accepted without being asked: UTF-8, with or without a byte-order mark, and UTF-16 with a
byte-order mark (what some spreadsheets write as "Unicode"). Any other encoding (Latin-1,
Windows-1252...) must be named by the person importing (``--encoding`` on the command line):
guessing would silently turn "Café" into "CafÃ©". A file that is not text at all (an Excel
workbook, a zip, a PDF) is named as such.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BINARY = (
    (b"PK\x03\x04", "an Excel workbook or a zip file"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
)
HINT = (
    "save it as UTF-8 (in a spreadsheet: 'CSV UTF-8'), or name its encoding on the command "
    "line (for example `--encoding cp1252` for Windows Western European, `--encoding latin-1`)"
)


class EncodingProblem(ValueError):
    """The file is not text in the expected encoding; the message names file, line and column."""


@dataclass(frozen=True, slots=True)
class BadByte:
    """Where a file stops decoding: 1-based line and column, the byte, the line's text before."""

    line: int
    column: int
    byte: int
    before: str


def check_encoding(encoding: str) -> str:
    """Return the codec's canonical name; raise EncodingProblem for one Python does not know."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise EncodingProblem(
            f"unknown encoding {encoding!r} (use utf-8, utf-16, cp1252, latin-1...)"
        ) from None


def codec_for(path: Path, encoding: str | None = None) -> str:
    """Return the codec to read ``path`` with: the one named, else from its byte-order mark.

    Raise EncodingProblem when the file is a known binary format.
    """
    with path.open("rb") as raw:
        return _codec(raw.read(8), path.name, encoding)


def _codec(head: bytes, name: str, encoding: str | None) -> str:
    for magic, what in _BINARY:
        if head.startswith(magic):
            raise EncodingProblem(f"{name} is {what}, not a text file: save it as CSV (UTF-8)")
    if encoding:
        return check_encoding(encoding)
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    return "utf-8"


def open_text(path: Path, encoding: str | None = None) -> TextIO:
    """Open ``path`` for reading text (newlines kept for the csv module) in its codec."""
    return path.open(newline="", encoding=codec_for(path, encoding))


def find_bad_byte(path: Path, codec: str) -> BadByte | None:
    """Return where ``path`` first fails to decode with ``codec`` (None when it decodes)."""
    if codecs.lookup(codec).name.startswith("utf-16"):
        return _bad_byte(path.read_bytes(), codec)
    with path.open("rb") as raw:
        return _bad_byte(raw, codec)


def _bad_byte(data: bytes | Iterable[bytes], codec: str) -> BadByte | None:
    if codecs.lookup(codec).name.startswith("utf-16"):
        # Lines cannot be split on b"\n" in UTF-16: report the character offset instead.
        whole = data if isinstance(data, bytes) else b"".join(data)
        try:
            whole.decode(codec)
        except UnicodeDecodeError as error:
            return BadByte(1, error.start // 2 + 1, error.object[error.start], "")
        return None
    line_codec = "utf-8" if codec == "utf-8-sig" else codec
    lines = data.splitlines(keepends=True) if isinstance(data, bytes) else data
    for number, line in enumerate(lines, start=1):
        if number == 1 and codec == "utf-8-sig":
            line = line.removeprefix(codecs.BOM_UTF8)
        try:
            line.decode(line_codec)
        except UnicodeDecodeError as error:
            before = line[: error.start].decode(line_codec, errors="replace")
            return BadByte(number, len(before) + 1, line[error.start], before)
    return None


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode an uploaded file's bytes like :func:`open_text` would read it from disk.

    Raise EncodingProblem naming ``name``, the line and the column of the first foreign byte.
    """
    codec = _codec(data[:8], name, encoding)
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise EncodingProblem(_describe(name, codec, _bad_byte(data, codec))) from None


def describe(path: Path, codec: str, field: Callable[[str], str] | None = None) -> str:
    """Describe the first byte of ``path`` that ``codec`` cannot decode, for a person.

    ``field`` names the field a line's text before the bad byte ends in (", field 'title'").
    """
    return _describe(path.name, codec, find_bad_byte(path, codec), field)


def _describe(
    name: str, codec: str, bad: BadByte | None, field: Callable[[str], str] | None = None
) -> str:
    label = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16"}.get(codec, codec)
    if bad is None:  # the error came from elsewhere; still say what to do
        return f"{name}: not readable as {label} text; {HINT}"
    where = field(bad.before) if field and bad.line > 1 else ""
    return (
        f"{name} line {bad.line}, column {bad.column}{where}: byte 0x{bad.byte:02x} is not "
        f"{label} text (the file is in another encoding, or not text at all); {HINT}"
    )


def count_lines(
    path: Path, encoding: str | None = None, field: Callable[[str], str] | None = None
) -> int:
    """Count the lines of ``path`` while checking that all of it decodes.

    Raise EncodingProblem naming the line and column of the first byte that does not (and the
    field, with ``field`` as in :func:`describe`).
    """
    codec = codec_for(path, encoding)
    try:
        with path.open(encoding=codec, newline="") as handle:
            return sum(1 for _ in handle)
    except UnicodeDecodeError:
        raise EncodingProblem(describe(path, codec, field)) from None
