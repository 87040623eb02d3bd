"""Plan churn per sprint and reopened items: stored sprints and histories → flow page and API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadline.dashboards import services
from leadline.dashboards.scope import parse_scope
from leadline.delivery.imports import import_records
from leadline.delivery.models import RankChange as StoredRankChange
from leadline.delivery.models import Sprint, StatusMapping
from leadline.records import (
    RankChange,
    SprintChange,
    SprintRecord,
    TransitionRecord,
    WorkItemRecord,
)

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 3, 3, 9, tzinfo=UTC)  # sprint 1 starts on Monday 3 March


def _day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def _item(key: str, moves: list[tuple[float, str]], sprints: list[tuple[float, str, bool]]):
    return WorkItemRecord(
        source="jira", key=key, title=key, created=_day(-5), type="Story", status=moves[-1][1],
        transitions=[TransitionRecord(key, _day(d), None, s) for d, s in moves],
        sprint_changes=[SprintChange(key, name, _day(d), added) for d, name, added in sprints],
    )  # fmt: skip


@pytest.fixture
def workspace(make_workspace):
    ws = make_workspace("Churn")
    sprints = [
        SprintRecord("jira", "1", "S1", "closed", _day(0), _day(14), _day(14)),
        SprintRecord("jira", "2", "S2", "active", _day(14), _day(28), None),
    ]
    items = [
        # committed to S1 before it started, done, then reopened on day 10 and done again
        _item("A", [(-2, "To Do"), (1, "Doing"), (5, "Done"), (10, "Doing"), (12, "Done")],
              [(-1, "S1", True)]),
        _item("B", [(-2, "To Do"), (2, "Doing")], [(-1, "S1", True), (14, "S2", True)]),
        _item("C", [(-2, "To Do")], [(-1, "S1", True), (3, "S1", False)]),  # removed mid-sprint
        _item("D", [(4, "To Do")], [(4, "S1", True)]),  # added mid-sprint
        _item("E", [(15, "To Do")], [(15, "S2", True)]),  # added to S2 after its start
    ]  # fmt: skip
    items[1].rank_changes = [  # B re-ranked twice while S1 ran, once before it started
        RankChange("B", _day(-1), "rank"), RankChange("B", _day(6), "rank", "", "Ranked higher"),
        RankChange("B", _day(9), "priority", "Medium", "High"),
    ]  # fmt: skip
    import_records(ws, [*items, *sprints])
    mapping = {"To Do": "backlog", "Doing": "active", "Done": "done"}
    for status, category in mapping.items():
        StatusMapping.objects.filter(workspace=ws, status=status).update(category=category)
    return ws


def test_sprints_are_stored_once_however_often_imported(workspace):
    sprint = SprintRecord("jira", "1", "S1 renamed", "closed", _day(0), _day(14), _day(14))
    import_records(workspace, [sprint])
    names = Sprint.objects.filter(workspace=workspace).values_list("name", flat=True)
    assert sorted(names) == ["S1 renamed", "S2"]


def test_plan_churn_and_reopened_items_in_the_flow_figures(workspace):
    scope = parse_scope(workspace, None, {"start": "2025-03-01", "end": "2025-03-20"})
    data = services.flow(scope, quality=False)
    churn = {r["sprint"]: r for r in data["plan_churn"]["sprints"]}
    assert (churn["S1"]["committed"], churn["S1"]["added"], churn["S1"]["removed"]) == (3, 1, 1)
    assert churn["S1"]["churn"] == round(2 / 3, 3)
    assert (churn["S1"]["reranks"], data["plan_churn"]["reranks"]) == (2, 2)
    # S2 started with B carried over; E came in after the start; still running on 20 March
    assert (churn["S2"]["committed"], churn["S2"]["added"], churn["S2"]["end"]) == (1, 1, None)
    assert data["plan_churn"]["churn"] == 0.75  # (1 + 1 + 1) changes / (3 + 1) committed
    assert data["reopened"]["items"] == 1 and data["reopened"]["recent"][0]["key"] == "A"
    assert data["reopened"]["recent"][0]["from_stage"] == "Done"
    # as of a day before the reopening, nothing was reopened yet and S2 had not started
    before = services.flow(
        parse_scope(workspace, None, {"start": "2025-03-01", "end": "2025-03-12"})
    )
    assert before["reopened"]["moves"] == 0
    assert [r["sprint"] for r in before["plan_churn"]["sprints"]] == ["S1"]


def test_the_flow_page_shows_churn_and_reopened(make_user, workspace, client_for):
    from leadline.workspaces.services import set_membership

    user = make_user("churn-viewer")
    set_membership(workspace, user, "viewer")
    page = client_for(user).get(f"/w/{workspace.slug}/delivery/?start=2025-03-01&end=2025-03-20")
    text = page.content.decode()
    assert 'data-metric="plan-churn"' in text and "S1" in text
    assert 'data-metric="reopened"' in text and "Plan churn = per sprint" in text


def test_recorded_jira_issues_bring_their_sprints_and_plan_churn(make_workspace):
    from tests.connectors.jira.replay import Recorder
    from tests.connectors.jira.test_devlake_recordings import cloud, import_boards

    ws = make_workspace("Recorded sprints")
    records = import_boards(Recorder())
    with cloud(Recorder()) as jira:
        statuses = jira.statuses()
    import_records(ws, records, statuses=statuses)
    sprint = Sprint.objects.get(workspace=ws, source="jira", external_id="7")
    assert sprint.name == "EE Sprint 7" and sprint.state == "closed"
    assert sprint.start == datetime(2020, 6, 12, 0, 38, 51, 882000, tzinfo=UTC)
    assert sprint.completed == datetime(2020, 6, 22, 5, 59, 58, 980000, tzinfo=UTC)
    first = min(Sprint.objects.filter(workspace=ws).values_list("start", flat=True))
    last = max(Sprint.objects.filter(workspace=ws).values_list("start", flat=True))
    query = {
        "start": first.date().isoformat(),
        "end": (last.date() + timedelta(days=30)).isoformat(),
    }
    churn = services.flow(parse_scope(ws, None, query), quality=False)["plan_churn"]
    assert "EE Sprint 7" in {r["sprint"] for r in churn["sprints"]}
    assert churn["committed"] + churn["added"] > 0
    # The recording's six re-rankings are stored; those made while a sprint ran count in it.
    assert StoredRankChange.objects.filter(item__workspace=ws, kind="rank").count() == 6
    assert churn["reranks"] == sum(r["reranks"] for r in churn["sprints"])
