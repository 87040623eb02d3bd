"""The home page answers "what needs me today?": the service, the page and its JSON twin."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leadline.decisions import services as decision_services
from leadline.decisions.services import save_domain
from leadline.delivery.models import StatusMapping, Transition, WorkItem
from leadline.governance.services import settings_for
from leadline.notify.escalate import evaluate_escalations
from leadline.notify.models import Notification
from leadline.raid import services as raid
from leadline.web.today import today_for
from leadline.workspaces.models import Person, Team
from leadline.workspaces.services import access_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
TODAY = NOW.date()


def _day(days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time(), UTC).replace(
        hour=hour
    )


def _item(ws, team, key, moves, url=""):
    item = WorkItem.objects.create(
        workspace=ws, team=team, source="jira", key=key, type="Story", title=f"Title {key}",
        created=_day(60), status=moves[-1][0], url=url,
    )  # fmt: skip
    previous = "To Do"
    for seq, (status, days_ago) in enumerate(moves):
        Transition.objects.create(
            item=item, seq=seq, at=_day(days_ago), from_status=previous, to_status=status
        )
        previous = status


@pytest.fixture
def acme(make_user, make_workspace):
    """Nadia (a member, in Checkout and the triage group); Bo in Mobile; Olga owns, unlinked."""
    nadia, olga = make_user("nadia"), make_user("olga")
    ws = make_workspace("Acme", {nadia: "member", olga: "owner"})
    checkout = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    mobile = Team.objects.create(workspace=ws, slug="mobile", name="Mobile")
    me = Person.objects.create(workspace=ws, name="Nadia Ivanova", user=nadia)
    me.teams.set([checkout])
    bo = Person.objects.create(workspace=ws, name="Bo")
    bo.teams.set([mobile])
    access = access_for(olga, ws.slug)
    save_domain(access, "Payments", decider_person=me)
    save_domain(access, "Apps", decider_person=bo)
    save_domain(access, "Compliance", decider_role="member")
    settings_for(ws).triage_group.set([me])
    made = NOW - timedelta(days=10)
    d = {
        "mine": decision_services.create_decision(access, "Card vault", domains=["Payments"], now=made),
        "bo": decision_services.create_decision(access, "Dark mode", domains=["Apps"], team=mobile, now=made),
        "triage": decision_services.create_decision(access, "Shared login", domains=["Payments", "Apps"], now=NOW),
        "role": decision_services.create_decision(access, "Data retention", domains=["Compliance"], now=NOW),
    }  # fmt: skip
    r = {
        "dep": raid.create_item(access, "dependency", {"title": "Push API", "owner": me, "team": checkout,
                                "provider_team": mobile, "need_by": TODAY - timedelta(days=3)}, now=made),
        "issue": raid.create_item(access, "issue", {"title": "Crash on start", "owner": bo, "team": mobile,
                                  "due_date": TODAY - timedelta(days=1)}, now=made),
        "later": raid.create_item(access, "assumption", {"title": "Users keep cards", "team": checkout,
                                  "validate_by": TODAY + timedelta(days=5)}, now=made),
        "closed": raid.create_item(access, "dependency", {"title": "Old API", "owner": me, "status": "delivered",
                                   "need_by": TODAY - timedelta(days=30)}, now=made),
    }  # fmt: skip
    for n, (status, category) in enumerate(
        [("To Do", "backlog"), ("In Progress", "active"), ("Done", "done")]
    ):
        StatusMapping.objects.create(
            workspace=ws, source="jira", status=status, category=category, position=n
        )
    # Checkout's norm: cycle times of 3, 4 and 5 days (85th percentile 5 days).
    for key, start in [("C-1", 10), ("C-2", 12), ("C-3", 14)]:
        _item(ws, checkout, key, [("In Progress", start), ("Done", start - (start // 2 - 3))])
    _item(ws, checkout, "C-OLD", [("In Progress", 20)], url="https://tracker.example/C-OLD")
    _item(ws, checkout, "C-NEW", [("In Progress", 1)], url="javascript:alert(1)")
    _item(ws, mobile, "M-1", [("In Progress", 8), ("Done", 6)])
    _item(ws, mobile, "M-OLD", [("In Progress", 30)])
    evaluate_escalations(ws, NOW)
    return SimpleNamespace(
        ws=ws, nadia=nadia, olga=olga, me=me, checkout=checkout, mobile=mobile, d=d, r=r,
        access=lambda user: access_for(user, ws.slug),
    )  # fmt: skip


def _section(out, key):
    return next((s for s in out.sections if s.key == key), None)


def _titles(section):
    return [e.title for e in section.entries]


def test_my_today_lists_what_is_routed_to_me_and_my_teams_items(acme):
    out = today_for(acme.access(acme.nadia), acme.nadia, now=NOW)
    assert (out.basis, out.person, out.teams) == ("you", "Nadia Ivanova", ["Checkout"])
    assert out.label == "You (Nadia Ivanova: Checkout)" and out.as_of == TODAY
    decisions = _section(out, "decisions")
    # Routed to me, to my triage group, to my role; not Bo's.
    assert _titles(decisions) == ["Card vault", "Shared login", "Data retention"]
    assert decisions.entries[0].detail.startswith("Routed to you; due")
    assert "overdue" in decisions.entries[0].detail and decisions.entries[0].days_late == 5
    assert "the triage group, which you are in" in decisions.entries[1].detail
    assert "your role (member)" in decisions.entries[2].detail
    overdue = _section(out, "overdue")
    assert _titles(overdue) == ["Dependency: Push API"]  # not Mobile's issue, not the closed one
    entry = overdue.entries[0]
    assert (entry.days_late, entry.mine, entry.url) == (
        3,
        True,
        f"/w/acme/raid/{acme.r['dep'].pk}/",
    )
    assert (
        entry.detail
        == f"Needed by {entry.date.day} Mar 2026: 3 days late; waiting on Mobile; owner Nadia Ivanova."
    )
    alerts = _section(out, "alerts")
    assert "Dependency: Push API" in _titles(alerts) and "Decision: Card vault" in _titles(alerts)
    assert "Issue: Crash on start" not in _titles(alerts) and "Decision: Dark mode" not in _titles(
        alerts
    )
    assert alerts.entries[0].mine  # mine first


def test_items_aging_past_their_teams_norm_link_to_the_flow_page(acme):
    out = today_for(acme.access(acme.nadia), acme.nadia, now=NOW)
    aging = _section(out, "aging")
    assert _titles(aging) == [
        "C-OLD Title C-OLD"
    ]  # C-NEW is younger than the norm; M-OLD not my team
    entry = aging.entries[0]
    assert (
        entry.detail == "21 days in progress (In Progress); Checkout's 85th percentile is 5 days."
    )
    assert entry.url == "/w/acme/delivery/?team=checkout" and entry.team == "Checkout"
    assert entry.external_url == "https://tracker.example/C-OLD"


def test_only_a_web_url_becomes_a_tracker_link(acme):
    out = today_for(acme.access(acme.nadia), acme.nadia, team=acme.checkout, now=NOW)
    WorkItem.objects.filter(key="C-OLD").update(url="javascript:alert(1)")
    again = today_for(acme.access(acme.nadia), acme.nadia, team=acme.checkout, now=NOW)
    assert _section(out, "aging").entries[0].external_url == "https://tracker.example/C-OLD"
    assert _section(again, "aging").entries[0].external_url is None


def test_a_team_in_the_url_shows_that_teams_today(acme):
    out = today_for(acme.access(acme.nadia), acme.nadia, team=acme.mobile, now=NOW)
    assert (out.basis, out.label) == ("team", "Mobile")
    assert _titles(_section(out, "overdue")) == ["Dependency: Push API", "Issue: Crash on start"]
    assert _titles(_section(out, "decisions")) == ["Dark mode"]
    assert _titles(_section(out, "aging")) == ["M-OLD Title M-OLD"]


def test_everyone_shows_the_whole_workspace_and_marks_what_is_mine(acme):
    out = today_for(acme.access(acme.nadia), acme.nadia, everyone=True, now=NOW)
    assert out.basis == "workspace"
    assert len(_section(out, "decisions").entries) == 4
    assert {e.title: e.mine for e in _section(out, "decisions").entries}["Dark mode"] is False
    assert sorted(_titles(_section(out, "aging"))) == ["C-OLD Title C-OLD", "M-OLD Title M-OLD"]


def test_an_account_not_linked_to_a_person_sees_the_workspace_and_why(acme):
    out = today_for(acme.access(acme.olga), acme.olga, now=NOW)
    assert out.basis == "workspace" and out.person is None
    assert "not linked to a person" in out.note and "Settings → Members" in out.note
    # Nothing is routed to an owner by role here ("member" decides Compliance).
    assert not any(e.mine for e in _section(out, "decisions").entries)


def test_sections_exist_only_where_there_is_something_to_read(make_user, make_workspace):
    user = make_user("sam")
    ws = make_workspace("Empty", {user: "lead"})
    out = today_for(access_for(user, ws.slug), user, now=NOW)
    # No delivery data: no aging section; no unread notification: no notifications section.
    assert [s.key for s in out.sections] == ["alerts", "decisions", "overdue"]
    Notification.objects.create(workspace=ws, user=user, title="Digest", body="3 items", url="")
    out = today_for(access_for(user, ws.slug), user, now=NOW)
    assert out.sections[0].key == "notifications" and out.sections[0].count == 1


def test_notifications_about_open_alerts_are_listed_once(acme):
    out = today_for(acme.access(acme.nadia), acme.nadia, now=NOW)
    escalations = Notification.objects.filter(user=acme.nadia, title__startswith="Escalation: ")
    assert escalations.exists()  # the escalation run notified Nadia ...
    assert _section(out, "notifications") is None  # ... and the alerts section shows them


def test_the_page_shows_each_section_and_links_each_entry(acme, client_for):
    with time_machine.travel(NOW, tick=False):
        html = client_for(acme.nadia).get("/w/acme/").content.decode()
    for key in ("alerts", "decisions", "overdue", "aging"):
        assert f'data-section="{key}"' in html
    assert f'<a href="/w/acme/decisions/{acme.d["mine"].pk}/">Card vault</a>' in html
    assert f'<a href="/w/acme/raid/{acme.r["dep"].pk}/">Dependency: Push API</a>' in html
    assert '<a href="https://tracker.example/C-OLD" rel="noopener noreferrer"' in html
    assert "javascript:" not in html
    assert 'data-focus="everyone"' in html and "You (Nadia Ivanova: Checkout)" in html
    assert 'data-stat="teams">2<' in html  # the counts stay, below


def test_the_pages_team_comes_from_the_url_and_its_links_carry_it(acme, client_for):
    with time_machine.travel(NOW, tick=False):
        html = client_for(acme.nadia).get("/w/acme/?team=mobile").content.decode()
    assert 'data-basis="team"' in html and "Crash on start" in html
    assert 'href="/w/acme/raid/?team=mobile"' in html  # "The RAID log" keeps the team


def test_the_api_twin_answers_the_same(acme, api_for):
    with time_machine.travel(NOW, tick=False):
        response = api_for(acme.nadia).get("/api/v1/workspaces/acme/today?team=mobile")
        expected = today_for(acme.access(acme.nadia), acme.nadia, team=acme.mobile, now=NOW)
        everyone = api_for(acme.nadia).get("/api/v1/workspaces/acme/today?for=everyone")
    assert response.status_code == 200
    assert response.json() == json.loads(expected.model_dump_json())
    assert everyone.json()["basis"] == "workspace"
    assert api_for(acme.nadia).get("/api/v1/workspaces/acme/today?team=nope").status_code == 422


def test_the_api_twin_is_only_for_members(acme, make_user, api_for):
    stranger = make_user("stranger")
    assert api_for(stranger).get("/api/v1/workspaces/acme/today").status_code == 404


def test_the_aging_figures_are_computed_once_and_then_read_from_the_cache(acme, client_for):
    client = client_for(acme.nadia)
    with time_machine.travel(NOW, tick=False):
        client.get("/w/acme/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/w/acme/").status_code == 200
    assert not [q for q in queries.captured_queries if "delivery_transition" in q["sql"]]
    assert len(queries.captured_queries) < 40


def test_a_new_import_refreshes_the_aging_figures(acme):
    first = today_for(acme.access(acme.nadia), acme.nadia, now=NOW)
    _item(acme.ws, acme.checkout, "C-OLDER", [("In Progress", 40)])
    again = today_for(acme.access(acme.nadia), acme.nadia, now=NOW)
    assert _section(first, "aging").count == 1 and _section(again, "aging").count == 2


def test_today_is_the_workspaces_day(acme):
    late_evening = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    acme.ws.time_zone = "Asia/Tokyo"
    acme.ws.save()
    out = today_for(acme.access(acme.nadia), acme.nadia, now=late_evening)
    assert out.as_of == date(2026, 3, 11)
