"""Who may see and change what: pages and API, across workspaces and roles."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from leadline.workspaces.models import AuditEvent, Person, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_workspaces(make_user, make_workspace):
    alice, bob = make_user("alice"), make_user("bob")
    a = make_workspace("Alpha", {alice: "owner"})
    b = make_workspace("Beta", {bob: "owner"})
    Team.objects.create(workspace=b, slug="secret-team", name="Secret team")
    return alice, bob, a, b


def test_unauthenticated_api_calls_get_401():
    client = Client()
    assert client.get("/api/v1/workspaces").status_code == 401
    assert client.get("/api/v1/workspaces/anything/teams").status_code == 401


def test_an_unknown_token_gets_401(db):
    client = Client(HTTP_AUTHORIZATION="Bearer ll_000000000000notarealtokenatall")
    assert client.get("/api/v1/workspaces").status_code == 401


def test_unauthenticated_pages_redirect_to_sign_in(two_workspaces):
    response = Client().get("/w/alpha/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_api_lists_only_the_callers_workspaces(two_workspaces, api_for):
    alice, _, _, _ = two_workspaces
    data = api_for(alice).get("/api/v1/workspaces").json()
    assert [w["slug"] for w in data] == ["alpha"]
    assert data[0]["role"] == "owner"


def test_a_member_of_a_gets_404_for_b_in_the_api(two_workspaces, api_for):
    alice, _, _, _ = two_workspaces
    api = api_for(alice)
    for url in [
        "/api/v1/workspaces/beta",
        "/api/v1/workspaces/beta/teams",
        "/api/v1/workspaces/beta/people",
        "/api/v1/workspaces/beta/audit",
        "/api/v1/workspaces/beta/jobs",
    ]:
        assert api.get(url).status_code == 404, url
    response = api.post(
        "/api/v1/workspaces/beta/teams", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 404


def test_a_member_of_a_gets_404_for_b_in_pages(two_workspaces, client_for):
    alice, _, _, _ = two_workspaces
    client = client_for(alice)
    for path in [
        "/w/beta/",
        "/w/beta/people/",
        "/w/beta/delivery/",
        "/w/beta/audit/",
        "/w/beta/jobs/",
    ]:
        assert client.get(path).status_code == 404, path
    assert client.post("/w/beta/people/", {"action": "team", "name": "x"}).status_code == 404
    assert not Team.objects.filter(name="x").exists()


def test_another_workspaces_team_is_not_shown_in_the_switcher(two_workspaces, client_for):
    alice, _, _, _ = two_workspaces
    page = client_for(alice).get("/w/alpha/").content.decode()
    assert "Secret team" not in page
    assert "Beta" not in page


def test_a_viewer_cannot_change_anything(make_user, make_workspace, client_for, api_for):
    viewer = make_user("val")
    ws = make_workspace("Gamma", {viewer: "viewer"})
    client = client_for(viewer)
    assert client.get("/w/gamma/people/").status_code == 200
    assert client.post("/w/gamma/people/", {"action": "team", "name": "T"}).status_code == 403
    assert client.post("/w/gamma/people/", {"action": "person", "name": "P"}).status_code == 403
    assert client.post("/w/gamma/jobs/start/", {"kind": "demo.refresh"}).status_code == 403
    assert client.get("/w/gamma/members/", follow=True).status_code == 403
    api = api_for(viewer)
    post = lambda url, body: api.post(url, json.dumps(body), content_type="application/json")  # noqa: E731
    assert post("/api/v1/workspaces/gamma/teams", {"name": "T"}).status_code == 403
    assert post("/api/v1/workspaces/gamma/people", {"name": "P"}).status_code == 403
    assert post("/api/v1/workspaces/gamma/functions", {"name": "F"}).status_code == 403
    assert post("/api/v1/workspaces/gamma/jobs", {"kind": "demo.refresh"}).status_code == 403
    assert not Team.objects.filter(workspace=ws).exists()
    assert not Person.objects.filter(workspace=ws).exists()


def test_a_member_adds_people_but_not_teams(make_user, make_workspace, api_for):
    member = make_user("mia")
    make_workspace("Delta", {member: "member"})
    api = api_for(member)
    post = lambda url, body: api.post(url, json.dumps(body), content_type="application/json")  # noqa: E731
    response = post(
        "/api/v1/workspaces/delta/people",
        {"name": "Sam Sponsor", "kind": "stakeholder", "function": "Business"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "stakeholder"
    assert response.json()["function"] == "Business"
    assert post("/api/v1/workspaces/delta/teams", {"name": "T"}).status_code == 403


def test_a_lead_creates_a_team_and_the_audit_log_records_it(
    make_user, make_workspace, api_for, client_for
):
    lead = make_user("lee")
    make_workspace("Epsilon", {lead: "lead"})
    api = api_for(lead)
    response = api.post(
        "/api/v1/workspaces/epsilon/teams",
        json.dumps({"name": "Payments", "group": "Product"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["slug"] == "payments"
    event = AuditEvent.objects.get(summary="Created team Payments")
    assert event.actor_name == "lee"
    audit = api.get("/api/v1/workspaces/epsilon/audit").json()
    assert audit[0]["summary"] == "Created team Payments"
    page = client_for(lead).get("/w/epsilon/audit/").content.decode()
    assert "Created team Payments" in page


def test_a_person_cannot_be_put_in_another_workspaces_team(two_workspaces, api_for):
    alice, _, _, _ = two_workspaces
    response = api_for(alice).post(
        "/api/v1/workspaces/alpha/people",
        json.dumps({"name": "Eve", "teams": ["secret-team"]}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "secret-team" in response.content.decode()


def test_session_api_writes_need_csrf(make_user, make_workspace):
    owner = make_user("olga")
    make_workspace("Zeta", {owner: "owner"})
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get("/api/v1/workspaces").status_code == 200
    response = client.post(
        "/api/v1/workspaces/zeta/teams", json.dumps({"name": "T"}), content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert not Team.objects.filter(name="T").exists()
