"""Bad input to the delivery data API is a 4xx naming the field, and changes nothing."""

from __future__ import annotations

import json

import pytest

from leadline.delivery.models import Connection, StatusMapping
from leadline.workspaces.services import access_for, create_team

from .test_api import API
from .test_pages import URLCONF

pytestmark = pytest.mark.urls(URLCONF)


@pytest.fixture
def api_ws(make_user, make_workspace, api_for):
    lead = make_user("lead")
    ws = make_workspace("Api", {lead: "lead"})
    team = create_team(access_for(lead, ws.slug), "Core", actor=lead)
    return ws, team, api_for(lead), None


@pytest.mark.parametrize("body", ["[null, null]", "{}", '"done"', '{"category": "done", "x": 1}'])
def test_a_status_patch_that_is_not_a_change_is_refused_and_not_marked_edited(api_ws, body):
    ws, _, lead, _ = api_ws
    mapping = StatusMapping.objects.create(workspace=ws, source="jira", status="Doing")
    response = lead.patch(f"{API}/{ws.slug}/statuses/{mapping.pk}", body,
                          content_type="application/json")  # fmt: skip
    assert response.status_code == 422 and response.json()["errors"]
    mapping.refresh_from_db()
    assert mapping.edited is False and mapping.category is None


def test_connection_fields_are_bounded_by_their_columns(api_ws):
    ws, _, lead, _ = api_ws
    body = {"kind": "git", "name": "n" * 201, "target": "/srv/repo"}
    response = lead.post(f"{API}/{ws.slug}/connections", json.dumps(body),
                         content_type="application/json")  # fmt: skip
    assert response.status_code == 422 and "name" in response.json()["errors"]
    assert not Connection.objects.exists()


@pytest.mark.parametrize("limit", ["0", "1001", "99999999999999999999"])
def test_list_limits_out_of_range_are_a_422(api_ws, limit):
    ws, _, lead, _ = api_ws
    response = lead.get(f"{API}/{ws.slug}/items?limit={limit}")
    assert response.status_code == 422 and "limit" in response.json()["errors"]


def test_a_parameter_declared_once_given_twice_is_a_422_naming_it(api_ws):
    ws, _, lead, _ = api_ws
    response = lead.get(f"{API}/{ws.slug}/items?status=Done&status=Open")
    assert response.status_code == 422 and "status" in response.json()["errors"]
