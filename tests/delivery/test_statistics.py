"""A large import refreshes the planner statistics of the history tables; a small one does not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from leadline.delivery.imports import REFRESH_STATISTICS_ROWS, import_records
from leadline.delivery.models import Transition
from leadline.records import TransitionRecord, WorkItemRecord

pytestmark = pytest.mark.django_db


def _items(prefix: str, n: int) -> list[WorkItemRecord]:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        WorkItemRecord(
            source="csv",
            key=f"{prefix}-{k}",
            title="t",
            created=at,
            status="Done",
            transitions=[
                TransitionRecord(f"{prefix}-{k}", at + timedelta(days=1), "To Do", "Done")
            ],
        )  # fmt: skip
        for k in range(n)
    ]


def _analysed_rows() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE relname = 'delivery_transition'"
            )
            return max(int(cursor.fetchone()[0]), 0)
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return 0
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'delivery_transition'")
        row = cursor.fetchone()
        return int(row[0].split()[0]) if row else 0


def test_statistics_follow_a_large_import(make_workspace):
    ws = make_workspace("Stats")
    before = _analysed_rows()
    import_records(ws, _items("S", 10))
    assert _analysed_rows() == before  # a small import leaves the statistics alone
    import_records(ws, _items("L", REFRESH_STATISTICS_ROWS // 2 + 1))
    assert _analysed_rows() == Transition.objects.count() == 10 + REFRESH_STATISTICS_ROWS // 2 + 1
