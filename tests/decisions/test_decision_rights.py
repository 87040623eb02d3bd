"""Who may decide: only the decider a decision was routed to (the person, the holders of the
role, the triage group), or an owner acting for them (recorded as such); others comment."""

from __future__ import annotations

import json

import pytest

from leadline.changes import services as changes
from leadline.decisions import services as decisions
from leadline.decisions.models import Decision, DecisionDomain
from leadline.workspaces.models import AuditEvent
from leadline.workspaces.services import set_membership

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def ann(world, make_user):
    """Ann (who decides user experience) gets an account: a member of the workspace."""
    user = make_user("ann")
    set_membership(world.workspace, user, "member")
    world.people["Ann"].user = user
    world.people["Ann"].save()
    return user


def test_a_member_cannot_decide_what_was_routed_to_someone_else(world, ann, client_for, api_for):
    d = decisions.create_decision(world.access, "Button colour", domains=["User experience"])
    page = client_for(world.member).get(f"/w/acme/decisions/{d.pk}/").content.decode()
    assert "Who may record the outcome: Ann (the decider it was routed to) or an owner" in page
    assert 'id="decide-form"' not in page and "data-not-decider" in page

    response = client_for(world.member).post(
        f"/w/acme/decisions/{d.pk}/", {"action": "decide", "decision": "Blue"}
    )
    assert response.status_code == 403
    assert "Only Ann (the decider it was routed to) or an owner acting for them may record" in (
        response.content.decode()
    )
    api = post(api_for(world.member), f"/api/v1/workspaces/acme/decisions/{d.pk}/decide",
               {"decision": "Blue"})  # fmt: skip
    assert api.status_code == 403
    assert api.json()["detail"].startswith("Only Ann (the decider it was routed to)")
    d.refresh_from_db()
    assert d.status == "proposed" and d.decision == ""


def test_the_decider_decides_as_themselves(world, ann, client_for):
    d = decisions.create_decision(world.access, "Button colour", domains=["User experience"])
    page = client_for(ann).get(f"/w/acme/decisions/{d.pk}/").content.decode()
    assert 'id="decide-form"' in page and "on behalf of" not in page
    response = client_for(ann).post(
        f"/w/acme/decisions/{d.pk}/", {"action": "decide", "decision": "Blue"}
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == "decided" and d.decided_by_name == "ann" and d.decided_for == ""


def test_an_owner_acting_for_the_decider_is_recorded_and_shown(world, ann, client_for, api_for):
    d = decisions.create_decision(world.access, "Button colour", domains=["User experience"])
    page = client_for(world.owner).get(f"/w/acme/decisions/{d.pk}/").content.decode()
    assert "recorded as decided by you on behalf of Ann" in page
    body = post(api_for(world.owner), f"/api/v1/workspaces/acme/decisions/{d.pk}/decide",
                {"decision": "Green"}).json()  # fmt: skip
    assert body["decided_by"] == "olga" and body["decided_for"] == "Ann"
    event = AuditEvent.objects.get(action="decide", object_id=str(d.pk))
    assert "on behalf of Ann (owner acting for the decider)" in event.summary
    assert event.changes == {"acting_for": "Ann"}
    page = client_for(world.viewer).get(f"/w/acme/decisions/{d.pk}/").content.decode()
    assert "olga, an owner acting for Ann" in page


def test_a_role_decision_is_decided_by_someone_with_that_role(world, make_user, api_for):
    lead = make_user("lee")
    set_membership(world.workspace, lead, "lead")
    d = decisions.create_decision(world.access, "PCI scope", domains=["Compliance"])
    url = f"/api/v1/workspaces/acme/decisions/{d.pk}/decide"
    refused = post(api_for(world.member), url, {"decision": "In"})
    assert refused.status_code == 403
    assert "someone with the lead role" in refused.json()["detail"]
    done = post(api_for(lead), url, {"decision": "In"}).json()
    assert done["status"] == "decided" and done["decided_for"] == ""


def test_a_triage_decision_is_decided_by_a_member_of_the_triage_group(world, make_user, api_for):
    cy = make_user("cy")
    set_membership(world.workspace, cy, "member")
    world.people["Cy"].user = cy
    world.people["Cy"].save()
    d = decisions.create_decision(
        world.access, "One-page checkout", domains=["User experience", "Architecture"]
    )
    assert d.routed_kind == "triage"
    url = f"/api/v1/workspaces/acme/decisions/{d.pk}/decide"
    refused = post(api_for(world.member), url, {"decision": "Yes"})
    assert refused.status_code == 403
    assert "a member of the triage group (Cy, Di)" in refused.json()["detail"]
    assert post(api_for(cy), url, {"decision": "Yes"}).json()["decided_by"] == "cy"


def test_anyone_who_may_not_decide_comments_instead(world, ann, client_for, api_for):
    d = decisions.create_decision(world.access, "Button colour", domains=["User experience"])
    client = client_for(world.member)
    response = client.post(
        f"/w/acme/decisions/{d.pk}/", {"action": "comment", "text": "Blue tested better."}
    )
    assert response.status_code == 302
    created = post(api_for(world.member), f"/api/v1/workspaces/acme/decisions/{d.pk}/comments",
                   {"text": "See the study."})  # fmt: skip
    assert created.status_code == 201 and created.json()["author"] == "mo"
    out = api_for(world.viewer).get(f"/api/v1/workspaces/acme/decisions/{d.pk}").json()
    assert [(c["author"], c["text"]) for c in out["comments"]] == [
        ("mo", "Blue tested better."),
        ("mo", "See the study."),
    ]
    assert out["who_may_decide"] == "Ann (the decider it was routed to) or an owner acting for them"
    page = client_for(world.viewer).get(f"/w/acme/decisions/{d.pk}/").content.decode()
    assert "Blue tested better." in page and 'id="comment-form"' not in page  # viewers read
    empty = client.post(f"/w/acme/decisions/{d.pk}/", {"action": "comment", "text": "  "})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    viewer = post(api_for(world.viewer), f"/api/v1/workspaces/acme/decisions/{d.pk}/comments",
                  {"text": "me too"})  # fmt: skip
    assert viewer.status_code == 403
    assert Decision.objects.get(pk=d.pk).comments.count() == 2


def test_only_the_decider_resolves_a_change_request(world, ann, client_for, api_for):
    cr = changes.create_change_request(
        world.access,
        title="Dark mode",
        team=world.teams["checkout"],
        added_items=4,
        remaining_items=10,
        domains=DecisionDomain.objects.filter(name="User experience"),
    )
    page = client_for(world.member).get(f"/w/acme/changes/{cr.pk}/").content.decode()
    assert "Who may approve, decline or defer it: Ann (the decider it was routed to)" in page
    assert 'id="change-resolve"' not in page
    refused = client_for(world.member).post(f"/w/acme/changes/{cr.pk}/", {"outcome": "approve"})
    assert refused.status_code == 403
    api = post(api_for(world.member), f"/api/v1/workspaces/acme/changes/{cr.pk}/resolve",
               {"outcome": "approve"})  # fmt: skip
    assert api.status_code == 403 and "Only Ann" in api.json()["detail"]
    cr.refresh_from_db()
    assert cr.status == "pending" and not Decision.objects.filter(title__contains="Dark").exists()
    ok = client_for(ann).post(f"/w/acme/changes/{cr.pk}/", {"outcome": "approve"})
    assert ok.status_code == 302
    cr.refresh_from_db()
    assert cr.status == "approved" and cr.decision.decided_by_name == "ann"
