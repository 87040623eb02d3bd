"""Read a query's rows into a Polars frame through the database's columnar path.

ARCHITECTURE.md, "Data paths": rows through a plain cursor cost a Python object per value, so
analytics reads go columnar where the database allows it:

- SQLite: ADBC's SQLite driver on its own read connection returns Arrow, which Polars takes
  without a copy. A second connection only sees committed rows, so inside a transaction
  (``atomic`` blocks, and the test suite's per-test transactions) the cursor is used instead.
- PostgreSQL: ``COPY (query) TO STDOUT`` on Django's own connection, parsed by Polars' CSV
  reader: no second connection, and it sees the current transaction like any other query.
- Anything else, or if the columnar read fails: the cursor.

The three give identical frames (``tests/delivery/test_reader.py``). Columns are declared in a
schema: a Polars dtype, :data:`DATETIME` (stored text on SQLite or epoch µs on PostgreSQL, as
:func:`leadline.delivery.services.ts` selects them) or :data:`NULLABLE_TEXT`, which the query
must select as ``COALESCE(column, '')`` so every path sees one type (ADBC's SQLite driver infers
a column's type from its first rows) and which comes back with ``''`` read as missing.
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
_columnar: ContextVar[bool] = ContextVar("columnar", default=True)


@contextmanager
def cursor_only() -> Iterator[None]:
    """Read through the plain cursor inside this block (to compare the paths)."""
    token = _columnar.set(False)
    try:
        yield
    finally:
        _columnar.reset(token)


def read_frame(sql: str, params: list[Any], schema: Schema) -> pl.DataFrame:
    """Run ``sql`` (``%s`` placeholders, values in ``params``) and return its rows as a frame."""
    frame, path = None, "cursor"
    if _columnar.get() and connection.vendor == "sqlite" and not connection.in_atomic_block:
        frame, path = _sqlite_arrow(sql, params), "adbc-sqlite"
    elif _columnar.get() and connection.vendor == "postgresql":
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


def _placeholders(sql: str, style: str) -> str:
    parts = sql.split("%s")
    if any("%" in part for part in parts):
        raise ValueError("only %s placeholders may appear in a columnar query")
    out = parts[0]
    for n, part in enumerate(parts[1:], start=1):
        out += (f"${n}" if style == "numbered" else "?") + part
    return out


def _sqlite_arrow(sql: str, params: list[Any]) -> pl.DataFrame | None:
    path = str(connection.settings_dict["NAME"])
    if not path or path == ":memory:" or path.startswith("file:"):
        return None  # an in-memory database is only visible to Django's own connection
    try:
        import adbc_driver_sqlite.dbapi as adbc

        with adbc.connect(path, autocommit=True) as conn, conn.cursor() as cursor:
            cursor.execute(_placeholders(sql, "qmark"), parameters=tuple(params))
            return pl.DataFrame(cursor.fetch_arrow()).rechunk()
    except Exception as exc:  # the cursor still works; say why the fast path did not
        log.warning("columnar read failed, using the cursor instead: %s", exc)
        return None


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
