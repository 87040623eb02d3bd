"""The KPIs are metrics of the before/after analysis: ``kpi:<id>`` reads the KPI's values."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from leadline.impact import series
from leadline.impact import services as impact
from leadline.outcomes import values


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 6, 15), tick=False):
        yield


def test_an_entered_kpi_is_analysed_before_and_after_a_change(ow):
    kpi = ow.kpi("Hand-off delay", [ow.product, ow.it], unit="days", direction="lower")
    start = date(2026, 1, 1)
    # Weekly values: 10, 11 and 12 days before 1 March, 2 and 3 days from then on.
    rows = []
    for week in range(20):
        day = start + timedelta(weeks=week)
        rows.append((day.isoformat(), (10 + week % 3) if day < date(2026, 3, 1) else 2 + week % 2))
    values.record_values(ow.access, kpi, rows)
    key = f"kpi:{kpi.pk}"
    assert (key, "KPI: Hand-off delay (days)") in [
        (m.key, m.label) for m in series.choices(ow.workspace)
    ]
    got = impact.before_after(ow.workspace, metric=key, at=date(2026, 3, 1), end=date(2026, 6, 1))
    assert got["before"]["n"] == 9 and got["after"]["n"] == 11
    assert got["before"]["median"] == 11 and got["after"]["median"] == 3
    assert got["shift"]["estimate"] < -7


def test_another_workspaces_kpi_is_not_a_metric_here(ow):
    theirs = ow.kpi("Ours")
    assert series.get(ow.workspace, f"kpi:{theirs.pk}") is not None
    assert series.get(ow.other, f"kpi:{theirs.pk}") is None
