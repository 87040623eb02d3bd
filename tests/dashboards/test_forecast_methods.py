"""Every forecast states its method and the team's own track record: on the page, in the API
(typed fields) and the CLI, which agree; a bad method is named."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from leadline.cli import app
from leadline.flow.methods import METHODS, MIN_TRACK_RECORD
from tests.epic_data import AS_OF, END, build_epic_workspace


@pytest.fixture
def epic_ws(make_user, make_workspace):
    return build_epic_workspace(make_user, make_workspace)


def _api(api_for, user, workspace, path: str, query: str):
    url = f"/api/v1/workspaces/{workspace.slug}/metrics/forecast/{path}?{END}&{query}"
    return api_for(user).get(url)


@pytest.mark.parametrize("method", [None, *METHODS])
def test_the_api_states_the_method_and_the_track_record(epic_ws, api_for, method):
    workspace, user = epic_ws
    query = "trials=800&teams=alpha" + (f"&method={method}" if method else "")
    response = _api(api_for, user, workspace, "when", query)
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    name = method or "calibrated_blocks"
    assert data["method"] == {"name": name, "description": METHODS[name]}
    records = {r["question"]: r for r in data["track_record"]}
    assert set(records) == {"how_many", "when"}
    for record in records.values():
        assert record["percentile"] == 85
        if record["enough"]:
            assert record["forecasts"] >= MIN_TRACK_RECORD
            rate = round(record["hit_rate"] * 100)
            assert record["text"] == (
                f"On this team's last {record['forecasts']} forecasts, 85 % answers came true "
                f"{rate} % of the time ({name})."
            )
        else:
            assert record["hit_rate"] is None and "Too little history" in record["text"]
    how = _api(api_for, user, workspace, "how-many", query).json()
    assert how["method"]["name"] == name and len(how["track_record"]) == 2


def test_a_bad_method_is_named_by_the_api_and_the_page(epic_ws, api_for, client_for):
    workspace, user = epic_ws
    response = _api(api_for, user, workspace, "when", "method=magic")
    assert response.status_code == 422
    assert "method" in response.content.decode()
    page = client_for(user).get(f"/w/{workspace.slug}/forecasts/?{END}&trials=300&method=magic")
    assert page.status_code == 200
    text = page.content.decode()
    assert "must be one of calibrated_blocks" in text
    assert 'data-method="calibrated_blocks"' in text  # the default is used instead


def test_the_page_shows_the_method_and_the_track_record(epic_ws, client_for):
    workspace, user = epic_ws
    client = client_for(user)
    page = client.get(f"/w/{workspace.slug}/forecasts/?{END}&trials=500&method=week_blocks")
    text = page.content.decode()
    assert 'data-method="week_blocks"' in text and METHODS["week_blocks"] in text
    assert 'data-track="when"' in text and 'data-track="how_many"' in text
    assert '<option value="week_blocks" selected>' in text


def test_the_cli_states_the_same_method_and_track_record_as_the_api(epic_ws, api_for):
    workspace, user = epic_ws
    result = CliRunner().invoke(app, [
        "forecast", "when", "--items", "17", "--workspace", workspace.slug, "--team", "alpha",
        "--trials", "800", "--as-of", AS_OF.isoformat(), "--json",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    api = _api(api_for, user, workspace, "when", "items=17&trials=800&teams=alpha").json()
    assert cli["method"] == api["method"]
    assert cli["track_record"] == next(r for r in api["track_record"] if r["question"] == "when")
    assert cli["percentiles"] == {
        str(p["percentile"]): p["days"] for p in api["when"]["percentiles"]
    }
