"""Bulk reads (JSON built inside SQLite, COPY on PostgreSQL) give the same frames as the cursor."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from polars.testing import assert_frame_equal

from leadline.delivery.imports import import_records
from leadline.delivery.models import StatusMapping
from leadline.delivery.reader import cursor_only
from leadline.delivery.services import load_frames, load_history
from leadline.records import TransitionRecord, WorkItemRecord

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
ODD = ['In "QA", again', "Done\nreally", "Ärger, ünd Ñ", "", "Done"]
COLUMNAR = {"sqlite": "via sqlite-json", "postgresql": "via postgresql-copy"}


def _items(n: int) -> list[WorkItemRecord]:
    out = []
    for k in range(n):
        at = T0 + timedelta(hours=k, microseconds=k % 3 * 1234)
        late = k >= n - 5  # only the last items know where their first change came from
        statuses = ["To Do", ODD[k % len(ODD)] or "To Do", "Done"]
        out.append(
            WorkItemRecord(
                source="jira",
                key=f"ODD-{k}",
                title=f'Title, with "quotes"\nand a line {k}' if k % 2 else f"plain {k}",
                created=at,
                type="Bug" if k % 3 else "Story",
                status=statuses[-1],
                transitions=[
                    TransitionRecord(f"ODD-{k}", at + timedelta(days=d), prev, s)
                    for d, (prev, s) in enumerate(
                        zip([("Backlog" if late else None), *statuses], statuses, strict=False)
                    )
                ],
            )
        )
    return out


def _read_both(ws, caplog, **kwargs):
    with caplog.at_level(logging.DEBUG, logger="leadline.delivery.reader"):
        fast = load_history(ws, **kwargs)
    with cursor_only():
        slow = load_history(ws, **kwargs)
    return fast, slow


def test_columnar_and_cursor_reads_give_identical_histories(make_workspace, caplog):
    ws = make_workspace("Columnar")
    # Over a thousand rows, the first ~1,200 "from" statuses missing: every path must still see
    # one text column with its gaps.
    import_records(ws, _items(1_205))
    fast, slow = _read_both(ws, caplog)
    assert COLUMNAR[connection.vendor] in caplog.text
    assert fast.items.height == 1_205 and fast.transitions.height == 3 * 1_205
    assert_frame_equal(fast.items, slow.items)
    assert_frame_equal(fast.transitions, slow.transitions)
    assert fast.transitions.get_column("from_status").null_count() == 1_200
    assert "ODD-1" in set(fast.items.get_column("key"))
    assert set(ODD[:3]) <= set(fast.transitions.get_column("to_status"))
    first = fast.transitions.row(0, named=True)
    assert first["at"] == T0 and first["from_status"] is None
    fast_types, slow_types = _read_both(ws, caplog, types=["Story"])
    assert fast_types.items.height == 402
    assert_frame_equal(fast_types.transitions, slow_types.transitions)


def test_an_empty_scope_reads_as_empty_frames_with_their_columns(make_workspace, caplog):
    ws = make_workspace("Empty columnar")
    fast, slow = _read_both(ws, caplog)
    assert fast.items.is_empty() and fast.transitions.is_empty()
    assert fast.items.schema == slow.items.schema
    assert fast.transitions.schema == slow.transitions.schema
    items, transitions = load_frames(ws)
    assert items.is_empty() and transitions.is_empty()


def test_the_dashboard_and_quality_page_read_columnar(
    make_user, make_workspace, client_for, caplog
):
    user = make_user("columnar-lead")
    ws = make_workspace("Columnar pages", {user: "lead"})
    import_records(ws, _items(40))
    StatusMapping.objects.filter(workspace=ws, status="Done").update(category="done")
    StatusMapping.objects.filter(workspace=ws, status="To Do").update(category="active")
    client = client_for(user)
    with caplog.at_level(logging.DEBUG, logger="leadline.delivery.reader"):
        page = client.get(f"/w/{ws.slug}/delivery/?start=2025-02-01&end=2025-06-30")
    assert page.status_code == 200
    assert COLUMNAR[connection.vendor] in caplog.text
    text = page.content.decode()
    assert "40 items; check:" in text  # the quality note beside the metrics
    report = client.get(f"/api/v1/workspaces/{ws.slug}/quality").json()
    assert report["items"] == 40 and report["transitions"] == 120
