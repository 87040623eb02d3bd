"""Scope items picked from work items and epics; checks that repeat on a schedule, the trend
across repeats and the drift finding. Time is frozen (``now`` passed, time_machine)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from leadline.alignment import services as alignment
from leadline.alignment.forms import parse_questions
from leadline.alignment.models import AlignmentCheck, AlignmentSeries
from leadline.alignment.results import results_for
from leadline.alignment.series import drifts, repeat, run_due, stop, trend
from leadline.delivery.models import WorkItem
from leadline.notify.models import Notification
from leadline.radar import engine
from leadline.radar.models import Finding
from leadline.workspaces.models import StakeholderLink

from .conftest import START

pytestmark = pytest.mark.django_db


def _items(world):
    for key, title, kind, url in [
        ("PAY-1", "Guest checkout", "Epic", "https://jira.example/browse/PAY-1"),
        ("PAY-7", "Saved cards", "Story", "javascript:alert(1)"),
    ]:
        WorkItem.objects.create(
            workspace=world.workspace, source="jira", key=key, title=title, type=kind, url=url,
            created=START, status="To Do",
        )  # fmt: skip


def test_scope_items_can_be_work_items_or_epics_and_the_results_link_to_them(world):
    _items(world)
    check, _ = alignment.create_check(
        world.access, "Scope", [{"kind": "scope", "text": "In?",
        "items": [{"work_item": "PAY-1"}, {"epic": "PAY-7"}, "Loyalty points"]}],
        [world.people["Ann"]], closes_at=START + timedelta(days=7), now=START,
    )  # fmt: skip
    q = check.questions.get()
    assert q.items == ["PAY-1 Guest checkout", "PAY-7 Saved cards", "Loyalty points"]
    # A tracker URL that is not a web link is never linked.
    assert q.refs == {
        "PAY-1 Guest checkout": {
            "key": "PAY-1",
            "type": "Epic",
            "url": "https://jira.example/browse/PAY-1",
        },
        "PAY-7 Saved cards": {"key": "PAY-7", "type": "Story", "url": ""},
    }
    r = check.respondents.get()
    alignment.submit(r, {q.pk: {"PAY-1 Guest checkout": "in"}}, now=START)
    res = results_for(check)["questions"][0]
    assert res["item_refs"]["PAY-1 Guest checkout"]["key"] == "PAY-1"


def test_an_unknown_or_other_workspaces_work_item_is_refused_naming_it(world, make_workspace):
    other = make_workspace("Other")
    _items(world)
    WorkItem.objects.create(
        workspace=other, source="jira", key="SEC-9", title="Secret", created=START, status="x"
    )
    with pytest.raises(ValidationError) as e:
        alignment.create_check(
            world.access, "Scope", [{"kind": "scope", "text": "In?",
            "items": [{"work_item": "SEC-9"}, "B"]}], [world.people["Ann"]], now=START,
        )  # fmt: skip
    assert "no work item 'SEC-9'" in str(e.value)
    with pytest.raises(ValidationError, match="only scope, priorities and metrics"):
        alignment.create_check(
            world.access, "X", [{"kind": "likert", "text": "Ok?", "items": [{"work_item": "PAY-1"}]}],
            [world.people["Ann"]], now=START,
        )  # fmt: skip


def test_the_builder_reads_a_hash_key_as_a_work_item():
    specs = parse_questions("scope: In?\n- #PAY-1\n- Loyalty points")
    assert specs[0]["items"] == [{"work_item": "PAY-1"}, "Loyalty points"]


def test_the_api_accepts_work_items_and_returns_their_references(world, api_for):
    _items(world)
    body = {
        "title": "Scope",
        "closes_at": (START + timedelta(days=7)).isoformat(),
        "questions": [
            {"kind": "scope", "text": "In?", "items": [{"work_item": "PAY-1"}, "Loyalty"]}
        ],
        "audience": {"people": [world.people["Ann"].pk]},
    }
    with time_machine.travel(START, tick=False):
        r = api_for(world.owner).post(
            "/api/v1/workspaces/acme/alignment-checks", body, content_type="application/json"
        )
        assert r.status_code == 201, r.content
        q = r.json()["questions"][0]
        assert q["items"] == ["PAY-1 Guest checkout", "Loyalty"]
        assert q["item_refs"]["PAY-1 Guest checkout"]["url"].startswith("https://jira")
        body["questions"][0]["items"] = [{"work_item": "NOPE-1"}, "Loyalty"]
        bad = api_for(world.owner).post(
            "/api/v1/workspaces/acme/alignment-checks", body, content_type="application/json"
        )
    assert bad.status_code == 422
    assert "NOPE-1" in bad.content.decode()


def _answer(check, values: dict[str, dict]):
    """Answer the scope question of ``check``: {name: {item: in/out}}."""
    q = check.questions.get(kind="scope")
    for name, v in values.items():
        r = check.respondents.get(person__name=name)
        alignment.submit(r, {q.pk: v}, now=check.created_at + timedelta(hours=1))


AGREE = {"A": "in", "B": "out"}


def _repeating(world, every_weeks=2):
    people = [world.people[n] for n in ("Ann", "Bo", "Cy", "Sam")]
    check, _ = alignment.create_check(
        world.access, "Kickoff", [{"kind": "scope", "text": "In?", "items": ["A", "B"]}],
        people, team=world.teams["checkout"], closes_at=START + timedelta(days=7), now=START,
    )  # fmt: skip
    series = repeat(world.access, check, every_weeks=every_weeks, open_days=5, now=START)
    return check, series


def test_a_repeat_is_sent_when_due_with_the_same_questions_and_audience_and_new_links(world):
    check, series = _repeating(world)
    assert series.next_at == START + timedelta(weeks=2)
    assert run_due(START + timedelta(days=13)) == []  # not due yet
    (nxt,) = run_due(START + timedelta(weeks=2, hours=1))
    assert nxt.series_id == series.pk and nxt.previous_id is None
    assert [(q.kind, q.text, q.items) for q in nxt.questions.all()] == [
        ("scope", "In?", ["A", "B"])
    ]
    assert sorted(r.person.name for r in nxt.respondents.all()) == ["Ann", "Bo", "Cy", "Sam"]
    assert nxt.closes_at == START + timedelta(weeks=2, hours=1, days=5)
    assert StakeholderLink.objects.filter(object_id=str(nxt.pk), purpose="alignment").count() == 4
    # The workspace's channels get the announcement (links go only to people with an account).
    assert Notification.objects.filter(title__startswith="Alignment check sent").count() == 1
    series.refresh_from_db()
    assert series.next_at == START + timedelta(weeks=4)
    assert run_due(START + timedelta(weeks=2, hours=2)) == []  # once per due time


def test_a_series_on_dates_stops_after_the_last_one_and_a_stopped_one_sends_nothing(world):
    people = [world.people["Ann"]]
    check, _ = alignment.create_check(
        world.access, "K", [{"kind": "likert", "text": "Ok?"}], people,
        closes_at=START + timedelta(days=7), now=START,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="every N weeks or on a list"):
        repeat(world.access, check, now=START)
    with pytest.raises(ValidationError, match="not in the future"):
        repeat(world.access, check, dates=[date(2026, 3, 1)], now=START)
    series = repeat(world.access, check, dates=[date(2026, 3, 20)], now=START)
    (nxt,) = run_due(START + timedelta(days=20))
    series.refresh_from_db()
    assert series.next_at is None and run_due(START + timedelta(days=60)) == []
    series2 = repeat(world.access, nxt, every_weeks=1, now=START + timedelta(days=20))
    assert series2.pk == series.pk  # a check in a series changes that series' schedule
    stop(world.access, series2)
    assert run_due(START + timedelta(days=90)) == []


def test_the_trend_shows_convergence_and_a_fall_is_drift_with_a_radar_finding(world):
    check, series = _repeating(world)
    apart = {"Ann": {"A": "in", "B": "in"}, "Bo": {"A": "in", "B": "out"},
             "Cy": {"A": "out", "B": "in"}, "Sam": {"A": "in", "B": "out"}}  # fmt: skip
    _answer(check, apart)
    alignment.close_check(world.access, check, now=START + timedelta(days=7))
    (second,) = run_due(START + timedelta(weeks=2))
    _answer(second, {n: AGREE for n in ("Ann", "Bo", "Cy", "Sam")})
    alignment.close_check(world.access, second, now=START + timedelta(weeks=2, days=5))
    (row,) = trend(series)["questions"]
    # Kickoff: A has 3 of 4 "in" (75 %: consensus), B is split 2–2: half the items agree.
    assert [p["measure"] for p in row["points"]] == [0.5, 1.0]
    assert row["converged"] and not row["drift"]
    (third,) = run_due(START + timedelta(weeks=4))
    _answer(third, {"Ann": AGREE, "Bo": AGREE, "Cy": {"A": "out", "B": "in"},
                    "Sam": {"A": "out", "B": "in"}})  # fmt: skip
    # Hidden results count for nothing until shown: no drift told early.
    assert drifts(world.workspace, START + timedelta(weeks=4, days=1)) == []
    alignment.show_results(world.access, third)
    (d,) = drifts(world.workspace, START + timedelta(weeks=4, days=1))
    assert (d["before"], d["after"], d["newly_apart"]) == (1.0, 0.0, True)
    result = engine.run(
        world.workspace, START + timedelta(weeks=4, days=1), only=["alignment_drift"]
    )
    assert result.errors == {}
    (f,) = Finding.objects.filter(workspace=world.workspace, rule="alignment_drift")
    assert f.severity == "high"
    assert "now a disagreement" in f.title
    assert [c["name"] for c in f.talk_to]  # the team's leads, named


def test_repeat_and_trend_pages_and_api_keep_roles_and_workspaces(
    world, client_for, api_for, make_user, make_workspace
):
    check, series = _repeating(world)
    viewer = client_for(world.viewer)
    page = viewer.get(reverse("alignment-series", args=["acme", series.pk]))
    assert page.status_code == 200 and b"data-trend" in page.content
    assert (
        viewer.post(
            reverse("alignment-series", args=["acme", series.pk]), {"action": "stop"}
        ).status_code
        == 403
    )
    api = api_for(world.viewer)
    assert api.get(f"/api/v1/workspaces/acme/alignment-series/{series.pk}").status_code == 200
    assert api.post(
        f"/api/v1/workspaces/acme/alignment-checks/{check.pk}/repeat",
        {"every_weeks": 3}, content_type="application/json",
    ).status_code == 403  # fmt: skip
    outsider = make_user("eve")
    make_workspace("Eve's", {outsider: "owner"})
    assert api_for(outsider).get(
        f"/api/v1/workspaces/acme/alignment-series/{series.pk}"
    ).status_code in (403, 404)
    lead = api_for(world.owner)
    with time_machine.travel(START, tick=False):
        r = lead.post(
            f"/api/v1/workspaces/acme/alignment-checks/{check.pk}/repeat",
            {"every_weeks": 3, "open_days": 4}, content_type="application/json",
        )  # fmt: skip
        assert r.status_code == 200, r.content
        assert r.json()["every_weeks"] == 3 and r.json()["checks"] == [check.pk]
        bad = lead.post(
            f"/api/v1/workspaces/acme/alignment-checks/{check.pk}/repeat",
            {"every_weeks": 3, "dates": ["2026-04-01"]}, content_type="application/json",
        )  # fmt: skip
    assert bad.status_code == 422 and "every_weeks" in bad.content.decode()
    with time_machine.travel(START, tick=False):
        form = client_for(world.owner).post(
            reverse("alignment-check", args=["acme", check.pk]),
            {"action": "repeat", "dates": "2026-04-01, 2026-05-01"},
        )
    assert form.status_code == 302
    series.refresh_from_db()
    assert series.dates == ["2026-04-01", "2026-05-01"] and series.every_weeks is None
    assert AlignmentSeries.objects.count() == 1 and AlignmentCheck.objects.count() == 1


def test_the_trend_page_links_its_json_twin(world, client_for):
    _, series = _repeating(world)
    page = client_for(world.viewer).get(reverse("alignment-series", args=["acme", series.pk]))
    twin = f"/api/v1/workspaces/acme/alignment-series/{series.pk}"
    assert f"<{twin}>" in page["Link"]
    assert client_for(world.viewer).get(twin).json()["id"] == series.pk


def test_the_list_links_a_repeating_check_to_its_trend(world, client_for):
    _, series = _repeating(world)
    page = client_for(world.viewer).get(reverse("alignment", args=["acme"]))
    assert reverse("alignment-series", args=["acme", series.pk]).encode() in page.content
