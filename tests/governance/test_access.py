"""Role checks: viewers cannot edit (403 on pages and API); other workspaces' items are 404."""

from __future__ import annotations

import json

import pytest

from leadline.agreements import services as agreements
from leadline.changes import services as changes
from leadline.decisions import services as decisions
from leadline.decisions.models import Decision
from leadline.raid import services as raid
from leadline.raid.models import RaidItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(world):
    risk = raid.create_item(world.access, "risk", {"title": "r"})
    decision = decisions.create_decision(world.access, "d", domains=["Architecture"])
    agreement = agreements.get_or_create_agreement(world.access, world.teams["checkout"])
    cr = changes.create_change_request(
        world.access, title="c", team=world.teams["checkout"], added_items=1
    )
    return risk, decision, agreement, cr


def test_a_viewer_can_read_but_gets_403_on_every_write_page(world, items, client_for):
    risk, decision, agreement, cr = items
    client = client_for(world.viewer)
    for url in [
        "/w/acme/raid/",
        f"/w/acme/raid/{risk.pk}/",
        "/w/acme/decisions/",
        f"/w/acme/decisions/{decision.pk}/",
        "/w/acme/decisions/who-decides/",
        "/w/acme/agreements/",
        f"/w/acme/agreements/{agreement.pk}/",
        "/w/acme/changes/",
        f"/w/acme/changes/{cr.pk}/",
        "/w/acme/raid/dependencies/",
        "/w/acme/raid/alerts/",
        "/w/acme/notifications/",
        "/w/acme/raid/export.csv",
    ]:
        assert client.get(url).status_code == 200, url
    writes = [
        ("/w/acme/raid/new/", {"kind": "risk", "title": "x"}),
        (f"/w/acme/raid/{risk.pk}/", {"action": "materialise"}),
        ("/w/acme/decisions/", {"title": "x"}),
        (f"/w/acme/decisions/{decision.pk}/", {"action": "decide", "decision": "x"}),
        ("/w/acme/decisions/framework/", {"name": "x"}),
        ("/w/acme/agreements/", {"team": world.teams["mobile"].pk, "scope": "team"}),
        (f"/w/acme/agreements/{agreement.pk}/", {"action": "edit", "channels": "x"}),
        ("/w/acme/changes/", {"title": "x"}),
        (f"/w/acme/changes/{cr.pk}/", {"outcome": "approve"}),
        ("/w/acme/raid/alerts/", {"action": "evaluate"}),
        ("/w/acme/raid/import/", {}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    assert client.get("/w/acme/notifications/channels/").status_code == 403
    assert RaidItem.objects.count() == 1 and Decision.objects.count() == 1


def test_a_viewer_gets_403_from_the_write_api(world, items, api_for):
    risk, decision, _, cr = items
    api = api_for(world.viewer)
    for url, body in [
        ("/api/v1/workspaces/acme/raid", {"kind": "risk", "title": "x"}),
        ("/api/v1/workspaces/acme/decisions", {"title": "x"}),
        (f"/api/v1/workspaces/acme/decisions/{decision.pk}/decide", {"decision": "x"}),
        (f"/api/v1/workspaces/acme/raid/{risk.pk}/materialise", {}),
        ("/api/v1/workspaces/acme/changes", {"title": "x", "team": "checkout", "added_items": 1}),
        (f"/api/v1/workspaces/acme/changes/{cr.pk}/resolve", {"outcome": "approve"}),
        ("/api/v1/workspaces/acme/agreements", {"team": "checkout"}),
        ("/api/v1/workspaces/acme/escalate", {}),
    ]:
        assert (
            api.post(url, json.dumps(body), content_type="application/json").status_code == 403
        ), url
    patch = api.patch(
        f"/api/v1/workspaces/acme/raid/{risk.pk}",
        json.dumps({"title": "y"}),
        content_type="application/json",
    )
    assert patch.status_code == 403
    assert api.get("/api/v1/workspaces/acme/decisions").status_code == 200


def test_another_workspaces_items_are_404_in_pages_and_api(
    world, items, make_user, make_workspace, client_for, api_for
):
    risk, decision, agreement, cr = items
    eve = make_user("eve")
    make_workspace("Other", {eve: "owner"})
    client = client_for(eve)
    for url in [
        "/w/acme/raid/",
        f"/w/acme/raid/{risk.pk}/",
        f"/w/acme/decisions/{decision.pk}/",
        f"/w/acme/agreements/{agreement.pk}/",
        f"/w/acme/changes/{cr.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    # Pks from acme under eve's own workspace are 404 too.
    for url in [
        f"/w/other/raid/{risk.pk}/",
        f"/w/other/decisions/{decision.pk}/",
        f"/w/other/agreements/{agreement.pk}/",
        f"/w/other/changes/{cr.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    api = api_for(eve)
    for url in [
        "/api/v1/workspaces/acme/decisions",
        "/api/v1/workspaces/acme/raid",
        f"/api/v1/workspaces/other/raid/{risk.pk}",
        f"/api/v1/workspaces/other/decisions/{decision.pk}",
        f"/api/v1/workspaces/other/changes/{cr.pk}",
    ]:
        assert api.get(url).status_code == 404, url
    other_decision = api.post(
        "/api/v1/workspaces/other/decisions",
        json.dumps({"title": "mine"}),
        content_type="application/json",
    ).json()
    # Another workspace's decision in the body reads exactly as one that does not exist.
    answers = [
        api.post(
            f"/api/v1/workspaces/other/decisions/{other_decision['id']}/supersede",
            json.dumps({"superseded_by": pk}),
            content_type="application/json",
        )
        for pk in (decision.pk, 10**9)
    ]
    assert [r.status_code for r in answers] == [422, 422]
    messages = [r.json()["errors"]["superseded_by"][0] for r in answers]
    assert messages[0] == messages[1].replace(str(10**9), str(decision.pk))


def test_the_openapi_description_lists_the_governance_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/workspaces/{workspace}/decisions",
        "/api/v1/workspaces/{workspace}/decisions/{decision_id}/decide",
        "/api/v1/workspaces/{workspace}/decisions/{decision_id}/supersede",
        "/api/v1/workspaces/{workspace}/raid",
        "/api/v1/workspaces/{workspace}/raid/{item_id}",
        "/api/v1/workspaces/{workspace}/agreements",
        "/api/v1/workspaces/{workspace}/changes",
        "/api/v1/workspaces/{workspace}/changes/{change_id}/resolve",
    ]:
        assert path in paths, path
