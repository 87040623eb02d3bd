"""Decisions: routing on creation, triage escalation after 48 hours, the API, who decides."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from typer.testing import CliRunner

from leadline.decisions import services as decisions
from leadline.decisions.models import Decision
from leadline.notify.escalate import evaluate_escalations
from leadline.notify.models import Alert, Notification

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_a_cross_domain_decision_routes_to_triage_and_escalates_after_48_hours(world, api_for):
    api = api_for(world.member)
    with time_machine.travel(T0, tick=False):
        response = post(
            api,
            "/api/v1/workspaces/acme/decisions",
            {"title": "One-page checkout", "domains": ["User experience", "Architecture"]},
        )
        assert response.status_code == 201
        body = response.json()
        assert body["routed_to"] == {"kind": "triage", "name": "Triage group (Cy, Di)"}
        assert body["domains"] == ["Architecture", "User experience"]
        assert body["status"] == "proposed" and body["decided_at"] is None
        assert datetime.fromisoformat(body["due_at"]) == T0 + timedelta(hours=48)
    assert evaluate_escalations(world.workspace, T0 + timedelta(hours=48)) == []
    late = T0 + timedelta(hours=48, minutes=1)
    alerts = evaluate_escalations(world.workspace, late)
    assert [(a.rule, a.subject) for a in alerts] == [("decision_overdue", f"decision:{body['id']}")]
    assert Notification.objects.filter(
        user=world.owner, title__contains="One-page checkout"
    ).exists()
    with time_machine.travel(late, tick=False):
        listed = api.get("/api/v1/workspaces/acme/decisions").json()
        assert listed[0]["overdue"] is True
        assert set(listed[0]) >= {"title", "status", "domains", "routed_to", "due_at", "decided_at"}


def test_a_single_domain_decision_routes_to_its_decider(world, api_for):
    body = post(
        api_for(world.member),
        "/api/v1/workspaces/acme/decisions",
        {"title": "Button colour", "domains": ["User experience"]},
    ).json()
    assert body["routed_to"] == {"kind": "person", "name": "Ann"}
    body = post(
        api_for(world.member),
        "/api/v1/workspaces/acme/decisions",
        {"title": "PCI scope", "domains": ["Compliance"]},
    ).json()
    assert body["routed_to"] == {"kind": "role", "name": "Lead"}


def test_an_unknown_domain_is_a_422_naming_it(world, api_for):
    response = post(
        api_for(world.member),
        "/api/v1/workspaces/acme/decisions",
        {"title": "x", "domains": ["Nope"]},
    )
    assert response.status_code == 422
    assert "Nope" in response.json()["errors"]["domains"][0]


def test_deciding_records_latency_and_superseding_links_both(world, api_for):
    decisions.save_domain(world.access, "Architecture", decider_person=world.people["Mo"])
    api = api_for(world.member)
    with time_machine.travel(T0, tick=False):
        first = post(
            api,
            "/api/v1/workspaces/acme/decisions",
            {"title": "Use Postgres", "domains": ["Architecture"]},
        ).json()
    with time_machine.travel(T0 + timedelta(hours=30), tick=False):
        decided = post(
            api,
            f"/api/v1/workspaces/acme/decisions/{first['id']}/decide",
            {"decision": "Yes", "rationale": "Ops know it"},
        ).json()
    assert decided["status"] == "decided" and decided["latency_hours"] == 30.0
    again = post(api, f"/api/v1/workspaces/acme/decisions/{first['id']}/decide", {"decision": "No"})
    assert again.status_code == 422
    second = post(
        api,
        "/api/v1/workspaces/acme/decisions",
        {"title": "Use Postgres 17", "domains": ["Architecture"]},
    ).json()
    out = post(
        api,
        f"/api/v1/workspaces/acme/decisions/{first['id']}/supersede",
        {"superseded_by": second["id"]},
    ).json()
    assert out["status"] == "superseded" and out["superseded_by"] == second["id"]


def test_a_decided_decision_no_longer_escalates(world):
    d = decisions.create_decision(world.access, "Quick one", domains=["Architecture"], now=T0)
    decisions.decide(world.access, d, outcome="Done", now=T0 + timedelta(hours=1))
    assert evaluate_escalations(world.workspace, T0 + timedelta(days=30)) == []


def test_the_who_decides_page_answers_and_shows_gaps(world, client_for):
    world.people["Bo"].active = False
    world.people["Bo"].save()
    decisions.save_domain(world.access, "Data governance")
    html = client_for(world.viewer).get("/w/acme/decisions/who-decides/?q=archi").content.decode()
    assert (
        'data-domain="Architecture"' in html and "User experience" not in html.split("data-who")[1]
    )
    assert "decider Bo has left" in html
    assert "Data governance: no decider" in html
    # With Bo gone, an architecture decision goes to triage, not to someone who left.
    d = decisions.create_decision(world.access, "Queue choice", domains=["Architecture"])
    assert d.routed_kind == "triage"


def test_the_decision_page_creates_and_routes_a_decision(world, client_for):
    from leadline.decisions.models import DecisionDomain

    ids = list(
        DecisionDomain.objects.filter(name__in=["User experience", "Compliance"]).values_list(
            "pk", flat=True
        )
    )
    client = client_for(world.member)
    response = client.post("/w/acme/decisions/", {"title": "Saved cards", "domains": ids})
    d = Decision.objects.get(title="Saved cards")
    assert response["Location"] == f"/w/acme/decisions/{d.pk}/"
    html = client.get("/w/acme/decisions/").content.decode()
    assert 'data-routed="triage"' in html and "Triage group (Cy, Di)" in html


def test_the_overdue_command_prints_json(world, monkeypatch):
    from leadline.cli import app

    decisions.create_decision(
        world.access, "Late one", domains=["User experience", "Architecture"], now=T0
    )
    monkeypatch.setattr("leadline.cli.common.setup_django", lambda: None)
    result = CliRunner().invoke(app, ["decisions", "overdue", "--workspace", "acme", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["title"] == "Late one" and rows[0]["routed_to"]["kind"] == "triage"
    result = CliRunner().invoke(app, ["escalate", "--workspace", "acme"])
    assert result.exit_code == 0 and "acme: 1 new alert" in result.output
    assert Alert.objects.filter(rule="decision_overdue").count() == 1
