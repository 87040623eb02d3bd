"""The DORA page's figure for several services is the median of theirs, and says so."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from statistics import median

import pytest

from leadline.dashboards.dora import dora
from leadline.dashboards.scope import Scope
from leadline.delivery.models import Deployment
from leadline.workspaces.models import Role, Team

END = date(2026, 3, 29)  # a Sunday
START = END - timedelta(days=89)  # the cards read the last 90 days


@pytest.fixture
def services(make_user, make_workspace):
    """Two teams, four services: daily, weekly, fortnightly and fortnightly on other days."""
    user = make_user("lead")
    workspace = make_workspace("Services", {user: Role.LEAD})
    a = Team.objects.create(workspace=workspace, name="Web", slug="web")
    b = Team.objects.create(workspace=workspace, name="Apps", slug="apps")
    for service, team, every, offset in (
        ("shop", a, 1, 0), ("api", a, 7, 1), ("app", b, 14, 2), ("bff", b, 14, 9),
    ):  # fmt: skip
        day = START + timedelta(days=offset)
        while day <= END:
            if every > 1 or day.weekday() < 5:
                Deployment.objects.create(
                    workspace=workspace, team=team, source="github",
                    external_id=f"{service}-{day}", service=service, environment="production",
                    status="success", finished=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
                    is_production=True,
                )  # fmt: skip
            day += timedelta(days=every)
    return workspace, user


def test_the_workspace_figure_is_the_median_of_its_services(services):
    workspace, _ = services
    data = dora(Scope(workspace, None, START, END))
    per_service = {r["service"]: r["deployment_frequency"]["value"] for r in data["by_service"]}
    assert len(set(per_service.values())) == 4
    recent = data["recent"]["deployment_frequency"]
    assert data["recent"]["start"] == START  # the cards and the tables cover the same days here
    assert recent["value"] == pytest.approx(median(per_service.values()), abs=0.001)
    assert recent["services"] == 4
    assert recent["value"] <= max(per_service.values())
    assert recent["pooled"] > recent["value"]  # any service: nearly every weekday
    per_team = {r["team"]: r["deployment_frequency"] for r in data["by_team"]}
    assert per_team["web"]["value"] == pytest.approx(
        (per_service["shop"] + per_service["api"]) / 2, abs=0.001
    )
    assert per_team["apps"]["value"] == pytest.approx(
        (per_service["app"] + per_service["bff"]) / 2, abs=0.001
    )
    assert per_team["apps"]["tier"] == "medium" and per_team["web"]["tier"] == "high"
    # Between its teams, not above both (pooling the days would read nearly every weekday).
    assert per_team["apps"]["value"] < recent["value"] < per_team["web"]["value"]
    assert recent["tier"] == "medium" and recent["pooled"] > 4.5


def test_the_page_says_how_the_workspace_figure_is_made(services, client_for):
    workspace, user = services
    page = (
        client_for(user)
        .get(f"/w/{workspace.slug}/delivery/dora/?start={START}&end={END}")
        .content.decode()
    )
    assert "The median of 4 services" in page
    assert "a team or several teams show the median of their services" in page
