"""The dashboards' CSV downloads make formula-like keys and types inert."""

from __future__ import annotations

import csv
import io

import pytest


@pytest.mark.django_db
def test_metrics_csv_downloads_neutralise_a_formula_key(small, client_for):
    from leadline.delivery.models import WorkItem

    workspace, _, user = small
    WorkItem.objects.filter(workspace=workspace, key="T-1").update(key="=1+1", type="@Story")
    text = client_for(user).get(
        f"/w/{workspace.slug}/delivery/?start=2026-01-01&end=2026-01-20&format=csv"
    )
    rows = list(csv.DictReader(io.StringIO(text.content.decode())))
    assert [r["key"] for r in rows] == ["'=1+1", "T-2"]
    assert rows[0]["type"] == "'@Story"
