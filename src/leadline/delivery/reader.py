"""Read a query's rows into a Polars frame without a Python object per value.

ARCHITECTURE.md, "Data paths": rows through a plain cursor cost a Python object per value, so
analytics reads hand the rows over in bulk, on Django's own connection (so they see the current
transaction like any other query):

- SQLite: the query's rows are turned into JSON inside SQLite, one object per line
  (``group_concat(json_object(...))``), and parsed by Polars' NDJSON reader.
- PostgreSQL: ``COPY (query) TO STDOUT`` in CSV, parsed by Polars' CSV reader.
- Anything else, or if the bulk read fails: the cursor.

Not ADBC's SQLite driver, although it hands over Arrow directly: it links its own copy of
SQLite, and two copies of SQLite in one process release each other's POSIX file locks, which
corrupts the database (sqlite.org, "How To Corrupt An SQLite Database File", 2.2.1); the test
suite saw exactly that ("database disk image is malformed").

The paths give identical frames (``tests/delivery/test_reader.py``). Columns are declared in a
schema: a Polars dtype, :data:`DATETIME` (stored text on SQLite or epoch µs on PostgreSQL, as
:func:`leadline.delivery.services.ts` selects them) or :data:`NULLABLE_TEXT`, text where ``''``
is read as missing (queries select such columns as ``COALESCE(column, '')``).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import polars as pl
from django.db import connection

log = logging.getLogger(__name__)

DATETIME = "datetime"
NULLABLE_TEXT = "text?"
Schema = dict[str, Any]
_bulk: ContextVar[bool] = ContextVar("bulk", default=True)


@contextmanager
def cursor_only() -> Iterator[None]:
    """Read through the plain cursor inside this block (to compare the paths)."""
    token = _bulk.set(False)
    try:
        yield
    finally:
        _bulk.reset(token)


def read_frame(sql: str, params: list[Any], schema: Schema) -> pl.DataFrame:
    """Run ``sql`` (``%s`` placeholders, values in ``params``) and return its rows as a frame."""
    frame, path = None, "cursor"
    if _bulk.get() and connection.vendor == "sqlite":
        frame, path = _sqlite_json(sql, params, schema), "sqlite-json"
    elif _bulk.get() and connection.vendor == "postgresql":
        frame, path = _postgres_copy(sql, params, schema), "postgresql-copy"
    if frame is None:
        frame, path = _cursor(sql, params, schema), "cursor"
    log.debug("read %d rows via %s", frame.height, path)
    if frame.is_empty():
        return pl.DataFrame(schema=empty_schema(schema))
    return frame.rename(dict(zip(frame.columns, schema, strict=True))).with_columns(
        _cast(name, dtype, frame.schema[column])
        for (name, dtype), column in zip(schema.items(), frame.columns, strict=True)
    )


def empty_schema(schema: Schema) -> dict[str, Any]:
    """Return the Polars schema of a frame read with ``schema``."""
    return {k: _dtype(v) for k, v in schema.items()}


def _dtype(declared: Any) -> Any:
    if declared == DATETIME:
        return pl.Datetime("us", "UTC")
    if declared == NULLABLE_TEXT:
        return pl.Utf8
    return declared


def _cast(name: str, declared: Any, actual: Any) -> pl.Expr:
    column = pl.col(name)
    if declared == DATETIME:
        if actual == pl.Utf8:  # SQLite's stored text, e.g. "2024-05-01 09:30:00.123456"
            column = column.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_zone="UTC", time_unit="us")
        else:  # epoch microseconds
            column = column.cast(pl.Int64).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        return column.alias(name)
    if declared == NULLABLE_TEXT:
        column = column.cast(pl.Utf8)
        return pl.when(column == "").then(None).otherwise(column).alias(name)
    return column.cast(declared).alias(name)


def _cursor(sql: str, params: list[Any], schema: Schema) -> pl.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame()
    return pl.DataFrame(rows, schema=list(schema), orient="row")


def _sqlite_json(sql: str, params: list[Any], schema: Schema) -> pl.DataFrame | None:
    names = [f"c{n}" for n in range(len(schema))]
    pairs = ", ".join(f"'{name}', {name}" for name in names)
    # One JSON object per row, a line each (json_object escapes newlines inside values).
    wrapped = (
        f"WITH q({', '.join(names)}) AS ({sql}) "  # noqa: S608 - only our own column names
        f"SELECT group_concat(json_object({pairs}), char(10)) FROM q"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(wrapped, params)
            (document,) = cursor.fetchone()
    except Exception as exc:  # e.g. an SQLite without JSON, or a result too big for one string
        log.warning("bulk read failed, using the cursor instead: %s", exc)
        return None
    if document is None:  # no rows
        return pl.DataFrame()
    types = {
        name: (pl.Utf8 if declared in (DATETIME, NULLABLE_TEXT) else declared)
        for name, declared in zip(names, schema.values(), strict=True)
    }
    return pl.read_ndjson(document.encode(), schema=types)


def _postgres_copy(sql: str, params: list[Any], schema: Schema) -> pl.DataFrame:
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
        with cursor.cursor.copy(copy_sql, params) as copy:
            for chunk in copy:
                buffer.write(chunk)
    if not buffer.tell():
        return pl.DataFrame()
    buffer.seek(0)
    text = {name: pl.Utf8 for name, d in schema.items() if d in (pl.Utf8, NULLABLE_TEXT)}
    return pl.read_csv(
        buffer,
        has_header=False,
        new_columns=list(schema),
        schema_overrides=text,
    )
