"""Stakeholder input to a proposed decision by personal link: asked by a lead, given without an
account, stored with the decision and shown on its page and in the API; a link answers only its
own decision, and a tampered, expired or closed (decided) link is refused with a clear page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from leadline.decisions import inputs
from leadline.decisions import services as decisions
from leadline.decisions.models import DecisionInput
from leadline.workspaces.models import AuditEvent
from leadline.workspaces.services import access_for

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _proposed(world, title="Queue choice"):
    return decisions.create_decision(world.access, title, domains=["Architecture"], now=T0)


def test_a_lead_asks_the_consulted_people_and_a_stakeholder_answers_by_link(world, client_for):
    d = _proposed(world)
    assert [p.name for p in inputs.consulted(d)] == ["Cy"]  # consulted on Architecture
    with time_machine.travel(T0, tick=False):
        (cy, sam) = inputs.request_input(
            world.access, d, [world.people["Sam"], world.people["Cy"]], actor=world.owner
        )
        assert cy.input.person.name == "Cy" and sam.input.person.name == "Sam"
        url = reverse("decision-input-link", args=["acme", sam.token])
        anon = Client()
        page = anon.get(url)
        assert page.status_code == 200
        assert b"Queue choice" in page.content and b"For Sam" in page.content
        r = anon.post(url, {"stance": "concerns", "text": "Kafka needs an operator we lack."})
        assert r.status_code == 302
        anon.post(url, {"stance": "object", "text": "Kafka needs an operator we lack."})
    sam_input = DecisionInput.objects.get(decision=d, person=world.people["Sam"])
    assert sam_input.stance == "object" and sam_input.submitted_at == T0
    assert AuditEvent.objects.filter(actor_name="Sam (link)", action="comment").count() == 2
    # Stored with the decision, on its page for the workspace, and in the API.
    page = client_for(world.viewer).get(reverse("decision", args=["acme", d.pk]))
    assert b"Kafka needs an operator we lack." in page.content
    assert b"I object" in page.content and b'data-input="Cy"' in page.content


def test_security_a_link_opens_only_its_decision_and_tampered_expired_closed_are_refused(
    world, client_for
):
    d, other = _proposed(world), _proposed(world, "Other decision")
    with time_machine.travel(T0, tick=False):
        (link,) = inputs.request_input(world.access, d, [world.people["Sam"]], days=3)
        (mine_other,) = inputs.request_input(world.access, other, [world.people["Cy"]], days=3)
        anon = Client()
        # Tampered: one character changed: 404, the "does not open" page.
        bad = link.token[:-1] + ("A" if link.token[-1] != "A" else "B")
        r = anon.get(reverse("decision-input-link", args=["acme", bad]))
        assert r.status_code == 404 and b'data-link-refused="unknown"' in r.content
        # Another workspace's slug: unknown.
        r = anon.get(reverse("decision-input-link", args=["other", link.token]))
        assert r.status_code == 404
        # Sam's link changes only Sam's input to this decision.
        anon.post(reverse("decision-input-link", args=["acme", link.token]), {"text": "Fine"})
        assert not DecisionInput.objects.filter(decision=other, person=world.people["Sam"])
        assert DecisionInput.objects.get(decision=other).text == ""
        # An alignment link of the same workspace does not open a decision input.
        assert mine_other.token != link.token
    with time_machine.travel(T0 + timedelta(days=3, minutes=1), tick=False):
        r = Client().get(reverse("decision-input-link", args=["acme", link.token]))
        assert r.status_code == 410 and b'data-link-refused="expired"' in r.content
    # Closed: once decided, the link (still within its days) takes nothing more.
    with time_machine.travel(T0, tick=False):
        (fresh,) = inputs.request_input(world.access, other, [world.people["Cy"]], days=5)
    assert mine_other.input.pk == fresh.input.pk  # asked again: the old link is replaced
    bo = world.people["Bo"]
    bo.user = world.owner
    bo.save()
    decisions.decide(world.access, other, outcome="Postgres queue", actor=world.owner)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        url = reverse("decision-input-link", args=["acme", fresh.token])
        r = Client().post(url, {"text": "Too late"})
        assert r.status_code == 410 and b'data-link-refused="closed"' in r.content
        assert b"This is closed" in r.content
        # The replaced link was withdrawn when Cy was asked again.
        old = Client().get(reverse("decision-input-link", args=["acme", mine_other.token]))
        assert old.status_code == 410 and b'data-link-refused="revoked"' in old.content
    assert DecisionInput.objects.get(decision=other).text == ""


def test_only_leads_ask_and_other_workspaces_get_404(world, make_user, make_workspace):
    d = _proposed(world)
    with pytest.raises(PermissionDenied):
        inputs.request_input(access_for(world.member, "acme"), d, [world.people["Sam"]])
    stranger = make_workspace("Other")
    ghost = type(world.people["Sam"]).objects.create(workspace=stranger, name="Ghost")
    with pytest.raises(Exception) as e:
        inputs.request_input(world.access, d, [ghost])
    assert "No such person" in str(e.value)
    with pytest.raises(ValidationError, match="Choose at least one"):
        inputs.request_input(world.access, d, [])


def test_the_api_requests_lists_and_answers_input(world, api_for):
    d = _proposed(world)
    base = f"/api/v1/workspaces/acme/decisions/{d.pk}"
    with time_machine.travel(T0, tick=False):
        member = api_for(world.member).post(
            base + "/input-requests", {"people": [world.people["Sam"].pk]},
            content_type="application/json",
        )  # fmt: skip
        assert member.status_code == 403
        r = api_for(world.owner).post(
            base + "/input-requests", {"people": [world.people["Sam"].pk], "days": 2},
            content_type="application/json",
        )  # fmt: skip
        assert r.status_code == 201, r.content
        (link,) = r.json()
        assert link["person"]["name"] == "Sam" and link["person"]["kind"] == "stakeholder"
        token = link["token"]
        anon = Client()
        got = anon.get(f"/api/v1/decisions/input/{token}")
        assert got.status_code == 200 and got.json()["decision"] == "Queue choice"
        posted = anon.post(
            f"/api/v1/decisions/input/{token}", {"stance": "support", "text": "Go"},
            content_type="application/json",
        )  # fmt: skip
        assert posted.status_code == 200 and posted.json()["input"]["stance"] == "support"
        bad = anon.post(
            f"/api/v1/decisions/input/{token}", {"stance": "maybe"},
            content_type="application/json",
        )  # fmt: skip
        assert bad.status_code == 422
        listed = api_for(world.viewer).get(base + "/inputs")
        assert [(i["person"]["name"], i["stance"], i["text"]) for i in listed.json()] == [
            ("Sam", "support", "Go")
        ]
        assert anon.get(f"/api/v1/decisions/input/{token[:-2]}xx").status_code == 404
        missing = api_for(world.owner).post(
            base + "/input-requests", {"people": [999999]}, content_type="application/json"
        )
        assert missing.status_code == 422 and "people" in missing.content.decode()
    with time_machine.travel(T0 + timedelta(days=2, seconds=1), tick=False):
        gone = Client().get(f"/api/v1/decisions/input/{token}")
    assert gone.status_code == 410 and "expired" in gone.json()["detail"]
    with time_machine.travel(T0, tick=False):
        (again,) = api_for(world.owner).post(
            base + "/input-requests", {"people": [world.people["Sam"].pk]},
            content_type="application/json",
        ).json()  # fmt: skip
    decisions.decide(world.access, d, outcome="Kafka", actor=world.owner)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        closed = Client().post(
            f"/api/v1/decisions/input/{again['token']}", {"text": "Late"},
            content_type="application/json",
        )  # fmt: skip
    assert closed.status_code == 410 and "decision is made" in closed.json()["detail"]
