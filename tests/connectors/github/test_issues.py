"""GitHub issues: the derived status history, on recorded issues and events."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from leadline.connectors.github import GitHubClient, issue_statuses, map_issue
from leadline.records import StageCategory
from tests.connectors.github.replay import FIXTURES, Replay, bodies

REPO = "panjf2000/ants"
EVENTS = bodies(FIXTURES / "github" / "_raw_github_api_events.csv")
ISSUES = bodies(FIXTURES / "github" / "_raw_github_api_issues.csv")


def events_by_issue() -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for event in EVENTS:
        grouped[event["issue"]["number"]].append(event)
    return grouped


def recorded(number: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return an issue as embedded in its recorded events, with those events."""
    events = events_by_issue()[number]
    return events[0]["issue"], events


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def test_an_issue_closed_as_completed_goes_from_open_to_closed_at_its_close_event() -> None:
    issue, events = recorded(157)
    item = map_issue(issue, events, repository=REPO)
    assert item.key == "panjf2000/ants#157"
    assert [(t.from_status, t.to_status, t.at) for t in item.transitions] == [
        (None, "open", utc("2021-05-23T09:07:25Z")),
        ("open", "closed", utc("2022-05-07T14:45:12Z")),
    ]
    assert item.status == "closed"
    assert item.resolved == utc("2022-05-07T14:45:12Z")
    assert item.resolution == "completed"


def test_an_issue_closed_as_not_planned_is_removed() -> None:
    issue, events = recorded(226)
    item = map_issue(issue, events, repository=REPO)
    assert item.status == "not planned"
    assert item.transitions[-1].external_id == str(
        next(e["id"] for e in events if e["event"] == "closed")
    )
    categories = {s.name: s.category for s in issue_statuses(REPO)}
    assert categories[item.status] is StageCategory.REMOVED


def test_a_repeated_event_id_counts_once() -> None:
    issue, events = recorded(228)
    assert sum(e["event"] == "closed" for e in events) == 2  # the recording repeats it
    item = map_issue(issue, events, repository=REPO)
    assert [t.to_status for t in item.transitions] == ["open", "closed"]


def test_a_mapped_label_moves_the_issue_into_its_active_status() -> None:
    issue, events = recorded(220)
    item = map_issue(
        issue, events, repository=REPO, label_statuses={"Waiting for Response": "waiting"}
    )
    assert [(t.to_status, t.at) for t in item.transitions] == [
        ("open", utc("2022-04-21T01:11:58Z")),
        ("waiting", utc("2022-04-24T15:19:07Z")),
        ("closed", utc("2022-05-07T11:29:32Z")),
    ]
    assert sorted(item.labels) == ["help wanted", "question", "waiting for response"]
    assert item.assignees == ["panjf2000"]


def test_a_closed_issue_without_its_close_event_closes_at_closed_at() -> None:
    issue, events = recorded(212)  # the recording holds its label events only
    item = map_issue(
        issue, events, repository=REPO, label_statuses={"pending development": "ready"}
    )
    assert [t.to_status for t in item.transitions] == ["open", "ready", "closed"]
    assert item.transitions[-1].at == utc("2022-03-08T08:30:19Z")


def test_removing_a_label_falls_back_and_reopening_returns_to_the_label_status() -> None:
    issue = {
        "number": 1,
        "title": "t",
        "state": "open",
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-09T00:00:00Z",
        "closed_at": None,
        "labels": [{"name": "doing"}],
    }
    ev = [
        {"id": 5, "event": "reopened", "created_at": "2024-01-06T00:00:00Z"},
        {
            "id": 1,
            "event": "labeled",
            "label": {"name": "Doing"},
            "created_at": "2024-01-02T00:00:00Z",
        },
        {
            "id": 2,
            "event": "labeled",
            "label": {"name": "review"},
            "created_at": "2024-01-03T00:00:00Z",
        },
        {
            "id": 3,
            "event": "unlabeled",
            "label": {"name": "review"},
            "created_at": "2024-01-04T00:00:00Z",
        },
        {"id": 4, "event": "closed", "created_at": "2024-01-05T00:00:00Z"},
    ]
    item = map_issue(
        issue, ev, repository="o/r", label_statuses={"doing": "in progress", "review": "in review"}
    )
    assert [t.to_status for t in item.transitions] == [
        "open",
        "in progress",
        "in review",
        "in progress",
        "closed",
        "in progress",
    ]
    assert item.status == "in progress"
    assert item.resolved is None


def test_derived_statuses_carry_their_categories() -> None:
    statuses = issue_statuses(REPO, {"doing": "in progress"})
    assert {s.name: s.category for s in statuses} == {
        "open": StageCategory.BACKLOG,
        "closed": StageCategory.DONE,
        "not planned": StageCategory.REMOVED,
        "in progress": StageCategory.ACTIVE,
    }


def replay_issues(size: int) -> Replay:
    replay = Replay()
    replay.serve(f"/repos/{REPO}/issues", ISSUES, size=size)
    recorded_events = events_by_issue()
    # The recording holds repository-wide events of later issues only; the listed issues have
    # none recorded, so their histories rest on created_at/closed_at.
    for number in {issue["number"] for issue in ISSUES} | set(recorded_events):
        replay.serve(f"/repos/{REPO}/issues/{number}/events", recorded_events.get(number, []))
    return replay


def test_the_client_reads_every_recorded_issue_and_skips_pull_requests() -> None:
    replay = replay_issues(size=100)
    items = list(GitHubClient(REPO, "secret-token", transport=replay.transport).issues())
    assert len(items) == 26  # 42 rows, 16 of them pull requests
    assert all(item.type == "issue" for item in items)
    assert all(item.status == "closed" and item.resolved for item in items)
    first = items[0]
    assert first.key == "panjf2000/ants#5"
    assert first.transitions[-1].at == utc("2018-08-03T15:32:00Z")
    assert replay.requests[0].headers["Authorization"] == "Bearer secret-token"


def test_the_client_follows_link_pagination_page_by_page() -> None:
    replay = replay_issues(size=10)
    items = GitHubClient(REPO, transport=replay.transport).issues()
    next(items)
    assert replay.paths().count(f"/repos/{REPO}/issues") == 1  # later pages not read yet
    assert len(list(items)) == 25
    assert replay.paths().count(f"/repos/{REPO}/issues") == 5


def test_an_incremental_sync_asks_for_issues_updated_since() -> None:
    replay = replay_issues(size=100)
    since = datetime(2019, 1, 1, tzinfo=UTC)
    list(GitHubClient(REPO, transport=replay.transport).issues(since=since))
    params = replay.requests[0].url.params
    assert params["since"] == "2019-01-01T00:00:00Z"
    assert params["sort"] == "updated"
    assert params["state"] == "all"
