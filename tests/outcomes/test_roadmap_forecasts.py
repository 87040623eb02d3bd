"""The roadmap runs the Monte Carlo engine once per milestone, not per benefit, reads the
throughput once per set of teams, and reuses the answer until the milestone or the delivery data
changes; the figures are the same as computed afresh."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache

from leadline.outcomes import plans, roadmap, values
from leadline.workspaces.services import access_for
from tests.epic_data import AS_OF, build_epic_workspace


@pytest.fixture
def counted(monkeypatch):
    """Count the engine's forecasts and the throughput reads (the real functions still run)."""
    import leadline.dashboards.forecasts as dashboards
    import leadline.flow as flow

    calls = {"forecast": 0, "throughput": 0}
    real_forecast, real_throughput = flow.forecast_when, dashboards.daily_throughput

    def forecast_when(*args, **kwargs):
        calls["forecast"] += 1
        return real_forecast(*args, **kwargs)

    def daily_throughput(*args, **kwargs):
        calls["throughput"] += 1
        return real_throughput(*args, **kwargs)

    monkeypatch.setattr(flow, "forecast_when", forecast_when)
    monkeypatch.setattr(dashboards, "daily_throughput", daily_throughput)
    return calls


def test_each_milestone_is_forecast_once_and_the_answer_is_reused(make_user, make_workspace,
                                                                  counted):  # fmt: skip
    ws, lead = build_epic_workspace(make_user, make_workspace)
    access = access_for(lead, ws.slug)
    kpi = values.save_kpi(access, {"name": "Orders a day"})
    first = plans.create_milestone(access, {"name": "Checkout", "epic_key": "E-1", "teams":
                                            ["alpha"], "target_date": AS_OF + timedelta(days=2)})  # fmt: skip
    second = plans.create_milestone(access, {"name": "Mobile", "epic_key": "E-3", "teams":
                                             ["alpha"], "target_date": AS_OF + timedelta(days=9)})  # fmt: skip
    for n in range(4):  # four benefits hanging on both milestones
        plans.create_benefit(access, {"description": f"Benefit {n}", "kpi": kpi.pk, "points": [
            (AS_OF + timedelta(days=5), n, first.pk), (AS_OF + timedelta(days=20), n + 9,
                                                       second.pk)]})  # fmt: skip
    data = roadmap.roadmap(ws, AS_OF)
    assert counted == {"forecast": 2, "throughput": 1}  # one per milestone; one team set
    assert [m["remaining"] for m in data["milestones"]] == [3, 3]
    assert data["milestones"][0]["slip_days"] > 0 and len(data["benefits"]) == 4
    # The next page, a milestone's page and a benefit's page reuse the answers.
    assert roadmap.roadmap(ws, AS_OF) == data
    roadmap.milestone_detail(ws, first, AS_OF)
    benefit = roadmap.benefit_detail(ws, roadmap.benefit_in(ws, data["benefits"][0]["id"]), AS_OF)
    assert benefit["milestones"] == data["milestones"]
    assert counted == {"forecast": 2, "throughput": 1}
    # The same figures as computed from nothing.
    cache.clear()
    assert roadmap.roadmap(ws, AS_OF) == data
    assert counted == {"forecast": 4, "throughput": 2}
    # Changing one milestone forecasts that one again; another day or new delivery data, all.
    plans.update_milestone(access, second, {"target_date": AS_OF + timedelta(days=30)})
    assert roadmap.roadmap(ws, AS_OF)["milestones"][1]["slip_days"] == 0
    assert counted["forecast"] == 5
    roadmap.roadmap(ws, AS_OF + timedelta(days=1))
    assert counted["forecast"] == 7
    from leadline.delivery.models import StatusMapping

    StatusMapping.objects.filter(workspace=ws, status="Cancelled").update(category="done")
    roadmap.roadmap(ws, AS_OF)
    assert counted["forecast"] == 9
