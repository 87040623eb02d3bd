"""Working agreements: versions, diffs, acknowledgements, and the stakeholder's signed link."""

from __future__ import annotations

import pytest
from django.core import signing

from leadline.agreements import services as agreements
from leadline.agreements.models import Acknowledgement, WorkingAgreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(world):
    a = agreements.get_or_create_agreement(world.access, world.teams["checkout"], "stakeholders")
    a.stakeholders.set([world.people["Sam"]])
    agreements.save_version(
        world.access, a, {"channels": "Slack #checkout", "cadence": "Daily stand-up"}
    )
    return a


def test_each_edit_is_a_new_version_and_the_diff_shows_what_changed(world, agreement, client_for):
    assert agreements.save_version(world.access, agreement, {"channels": "Slack #checkout"}) is None
    v2 = agreements.save_version(
        world.access, agreement, {"cadence": "Daily stand-up\nRetro fortnightly"}, note="retro"
    )
    assert v2.number == 2 and v2.channels == "Slack #checkout"
    sections = {s["field"]: s for s in agreements.diff(agreement.versions.get(number=1), v2)}
    assert sections["cadence"]["rows"] == [
        {"op": "equal", "old_no": 1, "new_no": 1, "old": [("Daily stand-up", False)],
         "new": [("Daily stand-up", False)]},
        {"op": "insert", "old_no": None, "new_no": 2, "old": [],
         "new": [("Retro fortnightly", True)]},
    ]  # fmt: skip
    assert not sections["channels"]["changed"]
    html = client_for(world.viewer).get(f"/w/acme/agreements/{agreement.pk}/diff/").content.decode()
    assert "Retro fortnightly" in html and "---" not in html and "@@" not in html


def test_the_diff_is_side_by_side_and_marks_the_changed_words(world, agreement, client_for):
    agreements.save_version(
        world.access, agreement, {"cadence": "Weekly stand-up\nRetro fortnightly"}
    )
    rows = agreements.side_by_side(["Daily stand-up", "Demo"], ["Weekly stand-up", "Demo", "X"])
    assert rows[0]["op"] == "replace"
    assert rows[0]["old"] == [("Daily", True), (" stand-up", False)]
    assert rows[0]["new"] == [("Weekly", True), (" stand-up", False)]
    assert [r["op"] for r in rows] == ["replace", "equal", "insert"]
    assert agreements.side_by_side(["Gone"], [])[0] == {
        "op": "delete", "old_no": 1, "new_no": None, "old": [("Gone", True)], "new": [],
    }  # fmt: skip
    html = client_for(world.viewer).get(f"/w/acme/agreements/{agreement.pk}/diff/").content.decode()
    row = html.split('data-op="replace"')[1].split("</tr>")[0]
    assert (
        '<span class="marker" aria-hidden="true">−</span><span class="sr-only">Removed: </span>'
        in row
    )
    assert "<del>Daily</del> stand-up" in row and "<ins>Weekly</ins> stand-up" in row
    assert '<span class="sr-only">Added: </span>' in html.split('data-op="insert"')[1]


def test_who_has_not_acknowledged_the_latest_version_is_visible(world, agreement, client_for):
    client = client_for(world.member)
    assert (
        client.post(f"/w/acme/agreements/{agreement.pk}/", {"action": "acknowledge"}).status_code
        == 302
    )
    status = agreements.acknowledgement_status(agreement)
    assert [p.name for p in status["acknowledged"]] == ["Mo"]
    assert [p.name for p in status["pending"]] == ["Cy", "Di", "Sam"]
    # A new version needs acknowledging again.
    agreements.save_version(world.access, agreement, {"norms": "Be kind"})
    assert "Mo" in [p.name for p in agreements.acknowledgement_status(agreement)["pending"]]
    html = client_for(world.viewer).get("/w/acme/agreements/").content.decode()
    assert '<span class="badge warn">Mo</span>' in html


def test_a_stakeholder_link_shows_only_that_agreement_and_acknowledges_it(world, agreement, client):
    other = agreements.get_or_create_agreement(world.access, world.teams["mobile"])
    agreements.save_version(world.access, other, {"channels": "SECRET mobile channel"})
    _, token = agreements.make_link(world.access, agreement, world.people["Sam"])
    url = f"/w/acme/agreements/link/{token}/"
    html = client.get(url).content.decode()  # no account
    assert "Slack #checkout" in html and "SECRET" not in html and "For Sam" in html
    assert client.post(url).status_code == 302
    ack = Acknowledgement.objects.get()
    assert ack.person == world.people["Sam"] and ack.via_link
    assert "You acknowledged version 1" in client.get(url).content.decode()
    # The link opens no other page of the workspace.
    assert client.get(f"/w/acme/agreements/{other.pk}/").status_code == 302  # to sign-in


def test_a_tampered_or_foreign_stakeholder_link_is_404(world, agreement, client, make_workspace):
    _, token = agreements.make_link(world.access, agreement, world.people["Sam"])
    tampered = client.get(f"/w/acme/agreements/link/{token[:-2]}xx/")
    assert tampered.status_code == 404
    assert "check that you copied the whole link" in tampered.content.decode()
    forged = signing.dumps(
        {"a": agreement.pk, "p": world.people["Sam"].pk, "w": agreement.workspace_id}, salt="other"
    )
    assert client.get(f"/w/acme/agreements/link/{forged}/").status_code == 404
    make_workspace("Beta")
    assert client.get(f"/w/beta/agreements/link/{token}/").status_code == 404
    assert client.post(f"/w/beta/agreements/link/{token}/").status_code == 404
    assert client.get("/w/acme/agreements/link/short/").status_code == 404
    assert not Acknowledgement.objects.exists()


def test_leads_make_links_on_the_agreement_page(world, agreement, client_for):
    response = client_for(world.owner).post(
        f"/w/acme/agreements/{agreement.pk}/", {"action": "link", "person": world.people["Sam"].pk}
    )
    assert "/w/acme/agreements/link/" in response.content.decode()
    member = client_for(world.member).post(
        f"/w/acme/agreements/{agreement.pk}/", {"action": "link", "person": world.people["Sam"].pk}
    )
    assert member.status_code == 403


def test_the_api_saves_versions_and_lists_acknowledgements(world, api_for):
    import json

    api = api_for(world.member)
    body = {"team": "platform", "sections": {"channels": "#platform"}}
    response = api.post(
        "/api/v1/workspaces/acme/agreements", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201
    data = response.json()
    assert data["version"] == 1 and data["pending"] == ["Bo"]
    assert WorkingAgreement.objects.get().team.slug == "platform"
