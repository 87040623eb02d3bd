"""The cached data-quality report follows the data: an import or a mapping edit refreshes it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadline.delivery.imports import import_records
from leadline.delivery.models import StatusMapping
from leadline.delivery.quality import cached_quality_report
from leadline.records import TransitionRecord, WorkItemRecord

pytestmark = pytest.mark.django_db


def _item(key: str, *statuses: str) -> WorkItemRecord:
    at = [datetime(2025, 1, d, tzinfo=UTC) for d in range(1, len(statuses) + 1)]
    return WorkItemRecord(
        source="csv", key=key, title=key, created=at[0], status=statuses[-1],
        transitions=[TransitionRecord(key, t, None, s) for t, s in zip(at, statuses, strict=True)],
    )  # fmt: skip


def test_the_cached_report_changes_when_data_or_mappings_change(make_workspace):
    ws = make_workspace("Cache")
    import_records(ws, [_item("A-1", "Todo", "Done")])
    first = cached_quality_report(ws)
    assert first["items"] == 1
    unmapped = next(c for c in first["checks"] if c["check"] == "unmapped_statuses")
    assert unmapped["count"] == 2
    import_records(ws, [_item("A-2", "Todo", "Done")])
    assert cached_quality_report(ws)["items"] == 2
    StatusMapping.objects.filter(workspace=ws, status="Done").update(category="done", edited=True)
    after = cached_quality_report(ws)
    assert next(c for c in after["checks"] if c["check"] == "unmapped_statuses")["count"] == 1


def test_a_cached_dashboard_is_recomputed_after_an_import(make_workspace):
    from leadline.dashboards import services
    from leadline.dashboards.scope import parse_scope

    ws = make_workspace("Flow cache")
    import_records(ws, [_item("B-1", "Todo", "Done")])
    StatusMapping.objects.filter(workspace=ws, status="Done").update(category="done")
    StatusMapping.objects.filter(workspace=ws, status="Todo").update(category="backlog")
    scope = parse_scope(ws, None, {"start": "2024-12-01", "end": "2025-02-01"})
    first = services.flow(scope, quality=False)
    assert services.flow(scope, quality=False) == first  # served from the cache
    import_records(ws, [_item("B-2", "Todo", "Done"), _item("B-3", "Todo", "Done")])
    again = services.flow(scope, quality=False)
    assert again != first
    assert again == services.compute_flow(scope)
