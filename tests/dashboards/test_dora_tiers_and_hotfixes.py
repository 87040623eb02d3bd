"""DORA pages on a fortnightly team with one hotfix: tier of the figure shown, hotfix = failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leadline.dashboards.dora import dora
from leadline.dashboards.portfolio import portfolio
from leadline.dashboards.scope import parse_scope
from leadline.delivery.models import Deployment
from leadline.flow.dora import classify
from leadline.workspaces.models import Role, Team

RANGE = {"start": "2026-01-01", "end": "2026-06-30"}  # 27 Monday-started weeks
FIRST = datetime(2026, 1, 7, 11, tzinfo=UTC)
RELEASES = 13  # every 14 days from 7 Jan to 24 Jun


@pytest.fixture
def fortnightly(make_user: Any, make_workspace: Any) -> Any:
    """A team releasing "api" every 14 days; the 4th release is followed by a hotfix 2 h later."""
    workspace = make_workspace("Fortnightly", {make_user("lead"): Role.LEAD})
    team = Team.objects.create(workspace=workspace, name="Team F", slug="team-f")
    common = {"workspace": workspace, "team": team, "source": "github", "service": "api",
              "environment": "production", "status": "success", "is_production": True}  # fmt: skip
    for n in range(RELEASES):
        Deployment.objects.create(**common, external_id=f"r{n}", finished=FIRST + timedelta(14 * n))
    hotfixed = FIRST + timedelta(days=14 * 3)
    Deployment.objects.create(
        **common, external_id="hotfix", finished=hotfixed + timedelta(hours=2), unplanned=True
    )
    return workspace


def test_fortnightly_releases_are_medium_and_tier_matches_the_figure(fortnightly):
    data = dora(parse_scope(fortnightly, None, RANGE))
    freq = data["range"]["deployment_frequency"]
    assert freq["value"] == round(RELEASES / 27, 3)  # 0.481: the median week had none
    assert freq["tier"] == "medium"
    for row in [data["range"], data["recent"], *data["trend"], *data["by_service"],
                *data["by_team"]]:  # fmt: skip
        shown = row["deployment_frequency"]
        assert shown["tier"] == classify("deployment_frequency", shown["value"])
    team = portfolio(parse_scope(fortnightly, None, RANGE))["teams"][0]
    assert team["deployment_frequency"] == 0.48 and team["deployment_frequency_tier"] == "medium"


def test_a_hotfix_counts_as_a_failure_of_the_release_it_fixes(fortnightly):
    data = dora(parse_scope(fortnightly, None, RANGE))
    whole = data["range"]
    assert whole["production_deployments"] == RELEASES + 1 and whole["failed_deployments"] == 1
    assert whole["change_failure_rate"]["value"] == round(1 / (RELEASES + 1), 3)
    assert whole["rework_rate"]["value"] == round(1 / (RELEASES + 1), 3)
    assert whole["recovery_time"]["value"] is None  # no incident: nothing to resolve
    failed = {d["id"]: d["failed"] for d in data["timeline"]["deployments"]}
    assert failed["r3"] is True and failed["hotfix"] is False
    assert sum(failed.values()) == 1
    team = portfolio(parse_scope(fortnightly, None, RANGE))["teams"][0]
    assert team["change_failure_rate"] == round(1 / (RELEASES + 1), 3)
    narrow = dora(parse_scope(fortnightly, None, RANGE), window_hours=1)
    assert narrow["range"]["failed_deployments"] == 0  # the hotfix came 2 h later
