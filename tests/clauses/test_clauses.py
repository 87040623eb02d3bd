"""Working-agreement clauses checked against the data: decision latency, WIP per person and
blocked time each judged kept or broken with evidence on the agreement page and in the API;
a broken clause is a Radar finding; roles and workspaces hold. Time is passed in (frozen)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from leadline.agreements import services as agreements
from leadline.clauses import registry
from leadline.clauses import services as clauses
from leadline.decisions.models import Decision
from leadline.decisions.services import create_decision
from leadline.delivery.models import FlagPeriod, StatusMapping, WorkItem
from leadline.radar import engine
from leadline.radar.models import Finding
from leadline.workspaces.services import access_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
TEXT = {
    "decision_paths": "Decisions within 48 hours.\nAsk the triage group when in doubt.",
    "norms": "No more than 2 items in progress per person.\nBlocked items raised at the daily.",
}


def _agreement(world):
    team = world.teams["checkout"]
    a = agreements.get_or_create_agreement(world.access, team)
    agreements.save_version(world.access, a, TEXT, now=NOW - timedelta(days=60))
    return a, team


def _decision(world, team, title, created, hours):
    d = create_decision(world.access, title, domains=["Architecture"], team=team, now=created)
    if hours is not None:
        Decision.objects.filter(pk=d.pk).update(
            status="decided", decided_at=created + timedelta(hours=hours), decision="Done"
        )
    return d


def test_decision_latency_is_kept_then_broken_by_a_slow_and_a_waiting_decision(world):
    a, team = _agreement(world)
    c = clauses.link_clause(world.access, a, section="decision_paths",
                            clause="Decisions within 48 hours", kind="decision_latency",
                            limit=48, now=NOW)  # fmt: skip
    assert clauses.judge(c, NOW)["state"] == "no data"
    _decision(world, team, "Queue", NOW - timedelta(days=10), 20)
    _decision(world, team, "Old", NOW - timedelta(days=60), 200)  # outside the 28-day window
    r = clauses.judge(c, NOW)
    assert (r["state"], r["summary"]) == ("kept", "All 1 decisions of the window within 48 hours.")
    _decision(world, team, "Cache", NOW - timedelta(days=9), 72)
    _decision(world, team, "Waiting", NOW - timedelta(hours=50), None)
    _decision(world, None, "Another team's", NOW - timedelta(days=5), 500)  # not this team's
    r = clauses.judge(c, NOW)
    assert r["state"] == "broken" and r["kept"] is False
    assert r["summary"] == "2 of 3 decisions took or have waited longer than 48 hours."
    assert [(e["label"], e["value"]) for e in r["evidence"][2:]] == [
        ("Cache", "took 72 h"),
        ("Waiting", "still open after 50 h"),
    ]
    assert r["evidence"][1] == {"label": "Median time to decide", "value": "46 h", "url": ""}


def _items(world, team):
    StatusMapping.objects.create(workspace=world.workspace, source="jira", status="Doing",
                                 category="active")  # fmt: skip
    StatusMapping.objects.create(workspace=world.workspace, source="jira", status="Done",
                                 category="done")  # fmt: skip
    rows = [("A-1", "Doing", ["Cy"]), ("A-2", "Doing", ["Cy"]), ("A-3", "Doing", ["Cy", "Di"]),
            ("A-4", "Doing", ["Di"]), ("A-5", "Done", ["Di"]), ("A-6", "Doing", [])]  # fmt: skip
    out = {}
    for key, status, who in rows:
        out[key] = WorkItem.objects.create(
            workspace=world.workspace, team=team, source="jira", key=key, status=status,
            assignees=who, created=NOW - timedelta(days=20),
        )  # fmt: skip
    return out


def test_wip_per_person_names_who_carries_more_than_the_clause_allows(world):
    a, team = _agreement(world)
    _items(world, team)
    c = clauses.link_clause(world.access, a, section="norms",
                            clause="No more than 2 items in progress per person",
                            kind="wip_per_person", limit=2)  # fmt: skip
    r = clauses.judge(c, NOW)
    assert r["state"] == "broken"
    assert r["summary"] == "1 people have more than 2 items in progress: Cy (3)."
    assert [(e["label"], e["value"]) for e in r["evidence"]] == [
        ("Cy", "3 in progress"), ("Di", "2 in progress"), ("Unassigned", "1 in progress"),
    ]  # fmt: skip
    c.limit = 3
    c.save()
    assert clauses.judge(c, NOW)["state"] == "kept"


def test_blocked_time_counts_blocks_longer_than_a_day_including_open_ones(world):
    a, team = _agreement(world)
    items = _items(world, team)
    c = clauses.link_clause(world.access, a, section="norms",
                            clause="Blocked items raised at the daily", kind="blocked_hours")  # fmt: skip
    assert c.limit == 24  # the kind's default: one daily to the next
    FlagPeriod.objects.create(item=items["A-1"], start=NOW - timedelta(days=5),
                              end=NOW - timedelta(days=5) + timedelta(hours=6))  # fmt: skip
    assert clauses.judge(c, NOW)["state"] == "kept"
    FlagPeriod.objects.create(item=items["A-2"], start=NOW - timedelta(hours=30))  # still open
    FlagPeriod.objects.create(item=items["A-3"], start=NOW - timedelta(days=90),
                              end=NOW - timedelta(days=80))  # before the window  # fmt: skip
    r = clauses.judge(c, NOW)
    assert r["state"] == "broken"
    assert r["summary"] == "1 of 2 blocks lasted longer than 24 hours."
    assert ("A-2", "still blocked after 30 h") in [(e["label"], e["value"]) for e in r["evidence"]]


def test_a_clause_must_be_quoted_from_its_section_and_bounds_are_named(world):
    a, _ = _agreement(world)
    with pytest.raises(ValidationError) as e:
        clauses.link_clause(world.access, a, section="norms", clause="Decisions within 48 hours",
                            kind="decision_latency")  # fmt: skip
    assert "clause" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        clauses.link_clause(world.access, a, section="norms", clause="Blocked items",
                            kind="status_weekly")  # fmt: skip
    assert "Unknown check 'status_weekly'" in e.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as e:
        clauses.link_clause(world.access, a, section="norms", clause="Blocked items",
                            kind="blocked_hours", limit=0)  # fmt: skip
    assert "1 to 720 hours" in e.value.message_dict["limit"][0]
    with pytest.raises(PermissionDenied):
        clauses.link_clause(access_for(world.viewer, "acme"), a, section="norms",
                            clause="Blocked items", kind="blocked_hours")  # fmt: skip


def test_another_app_registers_its_own_check_kind(world):
    @registry.check_kind("test_always_kept", "Always N", unit="times", default=1, low=0, high=9)
    def always(j):
        return registry.Verdict(True, f"Kept for {j.team.name}.")

    try:
        a, _ = _agreement(world)
        c = clauses.link_clause(world.access, a, section="norms", clause="Blocked items",
                                kind="test_always_kept")  # fmt: skip
        assert clauses.judge(c, NOW)["summary"] == "Kept for Checkout."
        assert clauses.judge(c, NOW)["check"] == "Always 1"
    finally:
        registry._KINDS.pop("test_always_kept")


def test_a_broken_clause_is_a_radar_finding_that_opens_a_conversation(world):
    a, team = _agreement(world)
    _items(world, team)
    clauses.link_clause(world.access, a, section="norms",
                        clause="No more than 2 items in progress per person",
                        kind="wip_per_person", limit=2)  # fmt: skip
    result = engine.run(world.workspace, NOW, only=["agreement_clause_broken"])
    assert result.errors == {}
    (f,) = Finding.objects.filter(workspace=world.workspace, rule="agreement_clause_broken")
    assert f.severity == "medium"
    assert f.title.startswith("Checkout: “No more than 2 items in progress per person”")
    assert "Is the clause still the right one" in f.conversation
    assert (f.evidence[2]["label"], f.evidence[2]["value"]) == ("Cy", "3 in progress")
    assert f.talk_to


def test_the_agreement_page_and_api_show_kept_or_broken_with_evidence(
    world, client_for, api_for, make_user, make_workspace
):
    a, team = _agreement(world)
    _items(world, team)
    with time_machine.travel(NOW, tick=False):
        member = client_for(world.member)
        r = member.post(reverse("agreement-clauses", args=["acme", a.pk]), {
            "section": "norms", "clause": "No more than 2 items in progress per person",
            "kind": "wip_per_person", "limit": "2", "window_days": "28", "next": "agreement"})  # fmt: skip
        assert r.status_code == 302 and r["Location"].endswith(f"/agreements/{a.pk}/")
        page = client_for(world.viewer).get(reverse("agreement", args=["acme", a.pk]))
        assert b'data-state="broken"' in page.content and b"Cy (3)" in page.content
        assert b"data-clause-form" not in page.content  # viewers read, never link
        denied = client_for(world.viewer).post(
            reverse("agreement-clauses", args=["acme", a.pk]), {"kind": "wip_per_person"}
        )
        assert denied.status_code == 403
        api = api_for(world.viewer)
        (row,) = api.get(f"/api/v1/workspaces/acme/agreements/{a.pk}/clauses").json()
        assert (
            row["state"] == "broken"
            and row["check"] == "No more than 2 items in progress per person"
        )
        kinds = {k["key"] for k in api.get("/api/v1/workspaces/acme/clause-kinds").json()}
        assert {"decision_latency", "wip_per_person", "blocked_hours"} <= kinds
        lead = api_for(world.owner)
        made = lead.post(f"/api/v1/workspaces/acme/agreements/{a.pk}/clauses", {
            "section": "decision_paths", "clause": "Decisions within 48 hours",
            "kind": "decision_latency"}, content_type="application/json")  # fmt: skip
        assert made.status_code == 201 and made.json()["state"] == "no data"
        bad = lead.post(f"/api/v1/workspaces/acme/agreements/{a.pk}/clauses", {
            "section": "norms", "clause": "Something else", "kind": "decision_latency"},
            content_type="application/json")  # fmt: skip
        assert bad.status_code == 422 and "quote the clause" in bad.json()["errors"]["clause"][0]
        gone = lead.delete(f"/api/v1/workspaces/acme/agreements/{a.pk}/clauses/{made.json()['id']}")
        assert gone.status_code == 204
        outsider = make_user("eve")
        make_workspace("Eve's", {outsider: "owner"})
        assert api_for(outsider).get(
            f"/api/v1/workspaces/acme/agreements/{a.pk}/clauses"
        ).status_code in (403, 404)
        mine = make_workspace("Mine", {world.owner: "owner"})
        assert (
            lead.get(f"/api/v1/workspaces/{mine.slug}/agreements/{a.pk}/clauses").status_code == 404
        )


def test_the_clauses_page_links_its_json_twin(world, client_for):
    a, _ = _agreement(world)
    page = client_for(world.viewer).get(reverse("agreement-clauses", args=["acme", a.pk]))
    assert page.status_code == 200 and b"data-clause-checks" in page.content
    twin = f"/api/v1/workspaces/acme/agreements/{a.pk}/clauses"
    assert f"<{twin}>" in page["Link"]
    assert client_for(world.viewer).get(twin).json() == []
