"""Who may see and act on the Radar: members read, leads and owners act, viewers read only,
other workspaces are not found; pages and API answer from the same services."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from leadline.radar import engine
from leadline.radar.models import Finding


@pytest.fixture
def finding(world):
    from leadline.raid.models import RaidItem

    RaidItem.objects.create(
        workspace=world.workspace, kind="risk", title="Vendor API rate limits",
        owner=world.people["Bo"], created_at=timezone.now() - timedelta(days=20),
    )  # fmt: skip
    engine.run(world.workspace, timezone.now())
    return Finding.objects.get(workspace=world.workspace, rule="risk_unmitigated")


def _client(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def test_the_page_and_its_json_twin_list_the_finding(world, finding):
    c = _client(world.viewer)
    page = c.get(f"/w/{world.workspace.slug}/radar/")
    assert page.status_code == 200
    assert "Vendor API rate limits" in page.content.decode()
    assert 'rel="alternate"' in page["Link"]
    api = c.get(f"/api/v1/workspaces/{world.workspace.slug}/radar")
    item = api.json()["items"][0]
    assert item["rule"] == "risk_unmitigated"
    assert item["subject"]["kind"] == "raid"
    assert item["talk_to"] == [{"kind": "person", "name": "Bo (owner)"}]
    detail = c.get(f"/w/{world.workspace.slug}/radar/{finding.pk}/")
    assert detail.status_code == 200 and "raised" in detail.content.decode()
    rules = c.get(f"/w/{world.workspace.slug}/radar/rules/")
    assert rules.status_code == 200 and "Risk without a mitigation plan" in rules.content.decode()


def test_viewers_and_members_cannot_act_leads_can(world, finding):
    url = f"/api/v1/workspaces/{world.workspace.slug}/radar/{finding.pk}"
    assert _client(world.viewer).post(url + "/acknowledge").status_code == 403
    assert _client(world.member).post(url + "/acknowledge").status_code == 403
    ok = _client(world.owner).post(url + "/acknowledge")
    assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
    fb = _client(world.member).post(
        url + "/feedback", json.dumps({"useful": True}), content_type="application/json"
    )
    assert fb.status_code == 200 and fb.json()["useful"] == 1
    assert (
        _client(world.viewer)
        .post(url + "/feedback", json.dumps({"useful": True}), content_type="application/json")
        .status_code
        == 403
    )


def test_dismiss_needs_a_reason(world, finding):
    url = f"/api/v1/workspaces/{world.workspace.slug}/radar/{finding.pk}/dismiss"
    c = _client(world.owner)
    assert (
        c.post(url, json.dumps({"reason": ""}), content_type="application/json").status_code == 422
    )
    r = c.post(url, json.dumps({"reason": "Board accepted it"}), content_type="application/json")
    assert r.json()["status"] == "dismissed" and r.json()["dismissed_reason"] == "Board accepted it"
    assert r.json()["history"][-1]["action"] == "dismissed"


def test_another_workspace_is_not_found(world, finding, make_user, make_workspace):
    stranger = make_user("eve")
    make_workspace("Other", {stranger: "owner"})
    c = _client(stranger)
    assert c.get(f"/api/v1/workspaces/{world.workspace.slug}/radar").status_code == 404
    assert c.get(f"/w/{world.workspace.slug}/radar/{finding.pk}/").status_code == 404


def test_bad_filters_name_the_field(world, finding):
    r = _client(world.viewer).get(f"/api/v1/workspaces/{world.workspace.slug}/radar?severity=huge")
    assert r.status_code == 422 and "severity" in r.content.decode()
