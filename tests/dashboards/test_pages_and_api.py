"""Dashboard pages, their JSON twins and CSV downloads: content, shape and access."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.test import Client

from leadline.workspaces.models import Role

PAGES = ["delivery/", "delivery/dora/", "delivery/portfolio/", "forecasts/"]
APIS = ["flow", "dora", "forecast/when", "forecast/how-many", "portfolio"]
JAN = "start=2026-01-01&end=2026-01-20"


def _csv(response) -> list[dict[str, str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_with_charts_definitions_and_quality_notes(small, client_for, path):
    workspace, team, user = small
    response = client_for(user).get(f"/w/{workspace.slug}/{path}?{JAN}&team={team.slug}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="metrics-charts"' in html and "vega-embed.min.js" in html
    # Nothing loads from another host (the product runs offline); a bare "cdn" search matched
    # random CSRF tokens.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    charts = json.loads(html.split('id="metrics-charts" type="application/json">')[1].split("<")[0])
    assert charts and all(spec["description"] for spec in charts.values())


def test_flow_page_states_definitions_and_links_the_quality_page(small, client_for):
    workspace, team, user = small
    html = client_for(user).get(f"/w/{workspace.slug}/delivery/?{JAN}").content.decode()
    assert "whole calendar days inclusive" in html
    assert html.count("data-quality-note") >= 8
    assert f"/w/{workspace.slug}/delivery/quality/" in html
    assert 'data-tab="delivery"' in html


def test_an_empty_workspace_says_what_to_do(make_user, make_workspace, client_for):
    user = make_user("new")
    workspace = make_workspace("Empty", {user: Role.LEAD})
    for path in ("delivery/", "delivery/dora/"):
        html = client_for(user).get(f"/w/{workspace.slug}/{path}").content.decode()
        assert "data-empty-state" in html
        assert f"/w/{workspace.slug}/delivery/data/" in html


def test_flow_csv_lists_cycle_times_and_aging(small, client_for):
    workspace, _, user = small
    client = client_for(user)
    rows = _csv(client.get(f"/w/{workspace.slug}/delivery/?{JAN}&format=csv"))
    assert [(r["key"], r["cycle_time_days"]) for r in rows] == [("T-1", "1"), ("T-2", "5")]
    aging = _csv(client.get(f"/w/{workspace.slug}/delivery/?{JAN}&format=csv&table=aging"))
    assert [(r["key"], r["age_days"], r["stage"]) for r in aging] == [("T-3", "14", "In Progress")]


def test_dora_portfolio_and_forecast_csvs(small, client_for):
    workspace, _, user = small
    client = client_for(user)
    monthly = _csv(client.get(f"/w/{workspace.slug}/delivery/dora/?{JAN}&format=csv"))
    assert monthly[0]["month"] == "2026-01-01" and monthly[0]["production_deployments"] == "3"
    by_service = _csv(
        client.get(f"/w/{workspace.slug}/delivery/dora/?{JAN}&format=csv&table=service")
    )
    assert by_service[0]["service"] == "api"
    teams = _csv(client.get(f"/w/{workspace.slug}/delivery/portfolio/?{JAN}&format=csv"))
    assert teams[0]["team"] == "team-a" and teams[0]["wip"] == "1"
    fc = _csv(client.get(f"/w/{workspace.slug}/forecasts/?end=2026-01-20&format=csv"))
    assert [r["percentile"] for r in fc] == ["50", "70", "85", "95"]


def test_bad_filters_are_reported_not_fatal(small, client_for):
    workspace, _, user = small
    response = client_for(user).get(f"/w/{workspace.slug}/delivery/?start=yesterday")
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()


def test_flow_api_shape(small, api_for):
    workspace, team, user = small
    response = api_for(user).get(
        f"/api/v1/workspaces/{workspace.slug}/metrics/flow?team={team.slug}&{JAN}&type=Story"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["headline"]["wip"] == 1 and data["percentiles"]["p85"] == 5
    assert data["start"] == "2026-01-01" and data["types"] == ["Story"]
    for key in ("cfd", "wip_daily", "throughput_weekly", "cycle_times", "aging",
                "percentile_trend", "flow_efficiency", "blocked", "quality", "definitions"):  # fmt: skip
        assert key in data


def test_dora_forecast_and_portfolio_apis(small, api_for):
    workspace, _, user = small
    api = api_for(user)
    base = f"/api/v1/workspaces/{workspace.slug}/metrics"
    dora = api.get(f"{base}/dora?{JAN}&window=48").json()
    assert dora["window_hours"] == 48 and dora["range"]["failed_deployments"] == 2
    assert len(dora["trend"]) == 1 and dora["by_team"][0]["team"] == "team-a"
    when = api.get(f"{base}/forecast/when?items=3&end=2026-01-20&trials=500").json()
    assert when["when"]["items"] == 3 and "how_many" not in when
    assert when["inputs"]["trials"] == 500 and when["inputs"]["window_days"] == 84
    how = api.get(f"{base}/forecast/how-many?by=2026-01-30&end=2026-01-20&trials=500").json()
    assert how["how_many"]["days"] == 10 and "when" not in how
    folio = api.get(f"{base}/portfolio?{JAN}&sort=-wip").json()
    assert folio["sort"] == "wip" and folio["descending"] is True


def test_api_rejects_bad_parameters(small, api_for):
    workspace, _, user = small
    api = api_for(user)
    base = f"/api/v1/workspaces/{workspace.slug}/metrics"
    assert api.get(f"{base}/flow?team=nobody").status_code == 422
    assert api.get(f"{base}/flow?start=2026-02-01&end=2026-01-01").status_code == 422
    assert api.get(f"{base}/forecast/how-many?by=2020-01-01").status_code == 422


def test_metrics_endpoints_are_in_the_openapi(small, api_for):
    _, _, user = small
    paths = api_for(user).get("/api/v1/openapi.json").json()["paths"]
    for name in APIS:
        assert f"/api/v1/workspaces/{{workspace}}/metrics/{name}" in paths


@pytest.mark.parametrize("path", PAGES)
def test_pages_of_another_workspace_are_404_and_anonymous_is_sent_to_sign_in(
    small, make_user, client_for, path
):
    workspace, _, _ = small
    stranger = make_user("stranger")
    assert client_for(stranger).get(f"/w/{workspace.slug}/{path}").status_code == 404
    response = Client().get(f"/w/{workspace.slug}/{path}")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", APIS)
def test_api_of_another_workspace_is_404_and_anonymous_is_401(small, make_user, api_for, name):
    workspace, _, _ = small
    url = f"/api/v1/workspaces/{workspace.slug}/metrics/{name}"
    assert api_for(make_user("stranger")).get(url).status_code == 404
    assert Client().get(url).status_code == 401


def test_demo_dashboards_render_for_a_team_and_for_all(demo, client_for):
    client = client_for(demo.user)
    for path in PAGES:
        for team in ("checkout", ""):
            response = client.get(f"/w/demo/{path}?team={team}")
            assert response.status_code == 200, path
            assert "data-empty-state" not in response.content.decode(), path
