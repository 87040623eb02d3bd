"""Benefit curves move with a slipping milestone (time frozen): the shift is the milestone's
forecast slip, and the benefit at risk is the area between the two curves."""

from __future__ import annotations

from datetime import date, timedelta

import time_machine

from leadline.outcomes import curves, plans, roadmap, values
from leadline.outcomes.models import Benefit, BenefitPoint, Kpi, Milestone
from leadline.workspaces.services import access_for
from tests.epic_data import AS_OF, build_epic_workspace


def test_a_whole_curve_delayed_by_s_days_loses_s_times_its_rise():
    expected = [(date(2026, 1, 1), 0.0), (date(2026, 1, 11), 100.0)]
    moved = curves.shifted([(d, v, 7) for d, v in expected], {7: 5})
    assert moved == [(date(2026, 1, 6), 0.0), (date(2026, 1, 16), 100.0)]
    assert curves.at_risk(expected, moved, "higher") == 500.0
    # Lower is better: a fall delayed is value lost the other way round.
    falling = [(date(2026, 1, 1), 10.0), (date(2026, 1, 3), 2.0)]
    assert curves.at_risk(falling, curves.shifted([(d, v, 1) for d, v in falling], {1: 3}),
                          "lower") == 24.0  # fmt: skip
    # Points tied to no milestone, or to one on time, stay where they are.
    assert curves.shifted([(date(2026, 1, 1), 1.0, None), (date(2026, 1, 2), 2.0, 1)], {1: 0}) == [
        (date(2026, 1, 1), 1.0), (date(2026, 1, 2), 2.0)]  # fmt: skip


def test_the_expected_curve_moves_with_a_slipping_milestone(make_user, make_workspace):
    ws, lead = build_epic_workspace(make_user, make_workspace)
    access = access_for(lead, ws.slug)
    with time_machine.travel(AS_OF + timedelta(hours=12), tick=False):
        kpi = values.save_kpi(access, {"name": "Orders a day", "unit": "orders"})
        on_time = Milestone.objects.create(workspace=ws, name="Login", epic_key="E-2",
                                           target_date=AS_OF + timedelta(days=1))  # fmt: skip
        # E-1 has 3 items left and Alpha finishes one every other day: not by tomorrow.
        late = Milestone.objects.create(workspace=ws, name="Checkout revamp", epic_key="E-1",
                                        target_date=AS_OF + timedelta(days=1))  # fmt: skip
        late.teams.set(ws.teams.filter(slug="alpha"))
        b = Benefit.objects.create(workspace=ws, description="More orders", kpi=kpi)
        points = [(AS_OF, 100.0, on_time), (AS_OF + timedelta(days=5), 150.0, late),
                  (AS_OF + timedelta(days=30), 200.0, late)]  # fmt: skip
        for d, v, m in points:
            BenefitPoint.objects.create(workspace=ws, benefit=b, day=d, value=v, milestone=m)
        data = roadmap.roadmap(ws, AS_OF)
    ms = {m["name"]: m for m in data["milestones"]}
    assert ms["Login"]["remaining"] == 0 and ms["Login"]["slip_days"] == 0
    late_fc = ms["Checkout revamp"]
    assert late_fc["remaining"] == 3 and late_fc["forecast_85"] > late.target_date
    slip = (late_fc["forecast_85"] - late.target_date).days
    assert late_fc["slip_days"] == slip > 0 and late_fc["probability"] < 0.5
    [benefit] = data["benefits"]
    assert [p["date"] for p in benefit["shifted"]] == [
        AS_OF, AS_OF + timedelta(days=5 + slip), AS_OF + timedelta(days=30 + slip)]  # fmt: skip
    expected = [(d, v) for d, v, _ in points]
    moved = [(p["date"], p["value"]) for p in benefit["shifted"]]
    assert benefit["at_risk"] == curves.at_risk(expected, moved, "higher") > 0
    # Everything from day 5 on arrives `slip` days late: at least slip × (200 - 150) is lost.
    assert benefit["at_risk"] >= slip * 50


def test_a_disbenefit_has_no_benefit_at_risk(ow):
    kpi = ow.kpi("Coordination hours", direction="lower")
    m = Milestone.objects.create(workspace=ow.workspace, name="M", item_keys=["X-1"],
                                 target_date=date(2030, 1, 1))  # fmt: skip
    plans.create_benefit(ow.access, {"description": "More releases to coordinate", "kpi": kpi.pk,
                                      "disbenefit": True,
                                      "points": [("2029-01-01", 30, None), ("2030-01-01", 40, m.pk)]})  # fmt: skip
    [b] = roadmap.roadmap(ow.workspace, date(2026, 6, 1))["benefits"]
    assert b["disbenefit"] and b["at_risk"] is None
    assert Kpi.objects.get(pk=kpi.pk).benefits.count() == 1
