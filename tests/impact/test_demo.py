"""The demo's change in ways of working: quarterly releases with 6-8 hours of downtime become
fortnightly ones with under an hour, and the change is detected within weeks of its
announcement."""

from __future__ import annotations

from datetime import date

import pytest

from leadline.impact import demo, services
from leadline.impact.models import Change


@pytest.mark.django_db
def test_the_demo_shows_releases_every_quarter_becoming_fortnightly_with_less_downtime():
    from leadline.delivery.demo import delivery_history
    from leadline.demo.builder import _base, demo_user

    ctx = _base(demo_user())
    delivery_history(ctx)
    demo.change_in_ways_of_working(ctx)
    demo.change_in_ways_of_working(ctx)  # idempotent
    change = Change.objects.get(workspace=ctx.workspace)
    team = ctx.teams["checkout"]

    every = services.before_after(
        ctx.workspace, metric="release_interval_days", team=team, change=change
    )
    assert 85 <= every["before"]["median"] <= 125  # every three to four months
    assert every["after"]["median"] == pytest.approx(14, abs=1)  # every two weeks
    assert every["test"]["p_value"] < 0.01
    detected = date.fromisoformat(every["detected_at"])
    assert 0 <= (detected - change.date).days <= 35  # within a few weeks of the announcement

    down = services.before_after(
        ctx.workspace, metric="downtime_per_release_hours", team=team, change=change
    )
    assert 6 <= down["before"]["median"] <= 8
    assert down["after"]["median"] < 1 and down["after"]["mean"] < 1
    assert down["shift"]["high"] < 0  # the whole interval is a fall
    assert abs((date.fromisoformat(down["detected_at"]) - change.date).days) <= 35
    # The same change read for every team: releases pooled per team say the same.
    pooled = services.before_after(ctx.workspace, metric="release_interval_days", change=change)
    assert 85 <= pooled["before"]["median"] <= 125 and pooled["after"]["median"] <= 15
    # And downtime, for every team and not only Checkout: 6-8 hours a release, then under one.
    everyone = services.before_after(
        ctx.workspace, metric="downtime_per_release_hours", change=change
    )
    assert everyone["before"]["n"] == 12 and 6 <= everyone["before"]["median"] <= 8
    assert everyone["after"]["median"] < 1 and everyone["after"]["mean"] < 1
    for slug in ("mobile", "platform", "data"):
        got = services.before_after(ctx.workspace, metric="downtime_per_release_hours",
                                    team=ctx.teams[slug], change=change)  # fmt: skip
        assert 6 <= got["before"]["median"] <= 8 and got["after"]["median"] < 1, slug
    # The flow and DORA series read the same history: after the change items finish sooner,
    # changes reach production sooner and production sees deployments on more days.
    faster = {}
    for key in ("cycle_time_days", "lead_time_for_changes_hours", "deployment_days_per_week",
                "throughput_per_week", "throughput_per_day"):  # fmt: skip
        got = services.before_after(ctx.workspace, metric=key, team=team, change=change)
        assert got["before"]["n"] > 0 and got["after"]["n"] > 0, key
        faster[key] = got["after"]["median"] < got["before"]["median"]
    assert faster["cycle_time_days"] and faster["lead_time_for_changes_hours"]
    assert not faster["deployment_days_per_week"]
