"""CSV import for anything without an API: work items, transitions, deployments, incidents."""

from leadline.connectors.csv.reader import (
    CsvFormatError,
    CsvReader,
    CsvRowError,
    RejectedRow,
    dated_statuses,
    read_csv,
    read_work_items,
)
from leadline.connectors.csv.spec import KINDS, Column, columns, columns_markdown, template

__all__ = [
    "KINDS",
    "Column",
    "CsvFormatError",
    "CsvReader",
    "CsvRowError",
    "RejectedRow",
    "columns",
    "columns_markdown",
    "dated_statuses",
    "read_csv",
    "read_work_items",
    "template",
]
