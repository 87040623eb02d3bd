"""The data-quality report as JSON: its shape, per team, and what each check finds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadline.delivery.models import ImportProblem, StatusMapping, Transition, WorkItem
from leadline.delivery.quality import CHECKS
from leadline.demo.builder import DEMO_SLUG, build_demo, demo_user
from leadline.workspaces.models import Team
from leadline.workspaces.services import access_for, create_team

from .test_pages import URLCONF

pytestmark = pytest.mark.urls(URLCONF)


def _at(day: int) -> datetime:
    return datetime(2024, 3, day, tzinfo=UTC)


def _item(ws, team, key, created, history, url=""):
    item = WorkItem.objects.create(workspace=ws, team=team, source="csv", key=key, url=url,
                                   created=created, status=history[-1][1])  # fmt: skip
    previous = None
    for seq, (day, status) in enumerate(history):
        Transition.objects.create(
            item=item, seq=seq, at=_at(day), from_status=previous, to_status=status
        )
        previous = status
    return item


def test_the_demo_report_has_every_check_with_meaning_count_and_examples(db, api_for):
    build_demo()
    client = api_for(demo_user())
    team = Team.objects.filter(workspace__slug=DEMO_SLUG).order_by("slug").first()
    whole = client.get(f"/api/v1/workspaces/{DEMO_SLUG}/quality").json()
    one = client.get(f"/api/v1/workspaces/{DEMO_SLUG}/quality", {"team": team.slug}).json()
    assert set(whole) == {
        "workspace",
        "team",
        "items",
        "transitions",
        "findings",
        "checks",
        "by_type",
    }
    assert whole["team"] is None and one["team"] == team.slug
    assert (
        0
        < one["items"]
        < whole["items"]
        == WorkItem.objects.filter(workspace__slug=DEMO_SLUG).count()
    )
    assert [c["check"] for c in whole["checks"]] == list(CHECKS)
    for check in whole["checks"]:
        assert check["meaning"] == CHECKS[check["check"]]
        assert check["count"] >= len(check["examples"])
        assert all(set(e) == {"key", "detail", "url"} for e in check["examples"])
    assert (
        client.get(f"/api/v1/workspaces/{DEMO_SLUG}/quality", {"team": "nope"}).status_code == 404
    )


def test_each_check_finds_its_items_for_the_chosen_team_only(make_user, make_workspace, api_for):
    lead = make_user("lead")
    ws = make_workspace("Quality", {lead: "lead"})
    access = access_for(lead, ws.slug)
    team, other = create_team(access, "A", actor=lead), create_team(access, "B", actor=lead)
    for status, category in [("To Do", "backlog"), ("Doing", "active"), ("Done", "done"),
                             ("Closed", "done"), ("Limbo", None)]:  # fmt: skip
        StatusMapping.objects.create(workspace=ws, source="csv", status=status, category=category)
    _item(ws, team, "A-1", _at(1), [(2, "To Do"), (3, "Done")], url="https://t.example/A-1")
    _item(ws, team, "A-2", _at(1), [(2, "Doing"), (3, "Done"), (4, "Closed")])
    _item(ws, team, "A-3", _at(1), [(2, "Doing"), (3, "To Do"), (4, "Limbo")])
    _item(ws, team, "A-4", _at(20), [(2, "Doing"), (3, "Done")])
    _item(ws, other, "B-1", _at(1), [(2, "To Do"), (3, "Done")])
    ImportProblem.objects.create(
        workspace=ws, source="x.csv", location="x.csv line 4", message="bad date"
    )
    report = api_for(lead).get(f"/api/v1/workspaces/{ws.slug}/quality", {"team": team.slug}).json()
    found = {c["check"]: sorted(e["key"] for e in c["examples"]) for c in report["checks"]}
    assert found == {
        "finished_never_started": ["A-1"],
        "moved_backwards": ["A-3"],
        "changed_after_done": ["A-2"],
        "finished_before_created": ["A-4"],
        "history_gaps": [],
        "unmapped_statuses": ["Limbo"],
        "rejected_rows": ["x.csv line 4"],
    }
    links = {e["key"]: e["url"] for c in report["checks"] for e in c["examples"]}
    assert links["A-1"] == "https://t.example/A-1" and links["A-2"] == ""
    assert report["items"] == 4 and report["findings"] == 4
