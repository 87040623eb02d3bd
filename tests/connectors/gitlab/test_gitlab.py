"""GitLab issues, incidents, merge requests and deployments, on recorded responses."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from leadline.connectors.bitbucket import bitbucket_deployment_status
from leadline.connectors.gitlab import (
    GitLabClient,
    deployment_status,
    map_incident,
    map_issue,
)
from leadline.connectors.http import HttpClient, NotFound
from tests.connectors.github.replay import FIXTURES, Replay, bodies, bodies_by_path

GL = FIXTURES / "gitlab"
PROJECT = "12345678"
BASE = f"/api/v4/projects/{PROJECT}"
ISSUES = bodies(GL / "_raw_gitlab_api_issues.csv")
DEPLOYMENTS = bodies(GL / "_raw_gitlab_api_deployments.csv")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def client(replay: Replay, **kwargs: Any) -> GitLabClient:
    return GitLabClient(PROJECT, "glpat-secret", transport=replay.transport, **kwargs)


def test_every_recorded_deployment_status_is_normalized_and_raw_status_kept() -> None:
    replay = Replay()
    replay.serve(f"{BASE}/deployments", DEPLOYMENTS, size=3)
    replay.serve(f"{BASE}/environments", [])
    got = {d.raw_status: d for d in client(replay).deployments()}
    assert {raw: d.status for raw, d in got.items()} == {
        "success": "success",
        "completed": "other",  # not a GitLab status: kept raw, counted as nothing
        "failed": "failure",
        "canceled": "cancelled",
        "created": "queued",
        "running": "in_progress",
        "blocked": "queued",
        "undeployed": "other",
    }
    success = got["success"]
    # The deployment says success while its job says failed: the deployment's own status wins.
    assert success.environment == "staging" and not success.is_production
    assert success.started == utc("2019-03-13T14:17:33.559Z")
    assert success.finished == utc("2019-03-13T14:17:47.640Z")
    assert success.sha == "add237f6852e6108ee8e0246780a54ce909c6087"
    assert success.external_id == "12345678:deployment:13426753"
    assert got["canceled"].is_production  # named "production", no tier known
    assert got["running"].finished is None


def test_an_environment_tier_decides_production_over_its_name() -> None:
    replay = Replay()
    replay.serve(f"{BASE}/deployments", DEPLOYMENTS)
    replay.serve(
        f"{BASE}/environments",
        [{"name": "staging", "tier": "production"}, {"name": "production", "tier": "staging"}],
    )
    got = list(client(replay).deployments())
    assert {d.environment for d in got if d.is_production} == {"staging"}


def test_an_incremental_deployment_sync_asks_for_updates_after_since() -> None:
    replay = Replay()
    replay.serve(f"{BASE}/deployments", [])
    list(client(replay, production_environments=["prod"]).deployments(utc("2023-01-01T00:00:00Z")))
    [request] = replay.requests  # an explicit list means no environments request
    assert request.url.params["updated_after"] == "2023-01-01T00:00:00Z"
    assert request.url.params["order_by"] == "updated_at"
    assert request.headers["PRIVATE-TOKEN"] == "glpat-secret"


def test_deployment_status_words_cover_gitlab_and_unknowns() -> None:
    assert deployment_status("skipped") == "other"
    assert deployment_status("SUCCESS") == "success"
    assert deployment_status("new-word") == "other"


def test_bitbucket_deployment_states_normalize_including_rollback() -> None:
    recorded = bodies(GL / "_raw_bitbucket_api_deployments.csv")
    got = {
        d["state"]["name"]: bitbucket_deployment_status(
            d["state"]["name"], (d["state"].get("status") or {}).get("name")
        )
        for d in recorded
    }
    assert got == {
        "COMPLETED": "success",
        "SUCCESSFUL": "success",
        "FAILED": "failure",
        "STOPPED": "cancelled",
        "CANCELLED": "cancelled",
        "IN_PROGRESS": "in_progress",
        "UNDEPLOYED": "other",
        "PENDING": "queued",
        "ROLLED_BACK": "rolled_back",
        "UNKNOWN": "other",
    }
    assert bitbucket_deployment_status("COMPLETED", "FAILED") == "failure"
    assert bitbucket_deployment_status("COMPLETED", "STOPPED") == "cancelled"


def issue_replay() -> Replay:
    replay = Replay()
    replay.serve(f"{BASE}/issues", ISSUES, size=5)
    for issue in ISSUES:
        replay.serve(f"{BASE}/issues/{issue['iid']}/resource_state_events", [])
        replay.serve(f"{BASE}/issues/{issue['iid']}/resource_label_events", [])
    return replay


def test_recorded_issues_close_at_closed_at_and_a_moved_one_is_removed() -> None:
    items = list(client(issue_replay()).issues())
    assert len(items) == 16
    assert sum(i.status == "closed" for i in items) == 11
    assert [i.key for i in items if i.status == "not planned"] == ["12345678#10"]  # moved
    assert sum(i.status == "open" for i in items) == 4
    first = items[0]
    assert first.key == "12345678#1"
    assert first.transitions[-1].at == utc("2019-06-28T14:32:05.376Z")
    assert first.url == "https://gitlab.com/gitlab-data/snowflake_spend/-/issues/1"


def test_a_scoped_workflow_label_is_a_status_when_no_label_events_are_known() -> None:
    [issue] = [i for i in ISSUES if i["iid"] == 16]
    item = map_issue(issue, label_statuses={"workflow::5 - development": "in development"})
    assert [t.to_status for t in item.transitions] == ["in development", "closed"]


def test_state_and_label_events_build_the_history() -> None:
    [issue] = [i for i in ISSUES if i["iid"] == 12]
    state_events = [
        {
            "id": 2,
            "state": "closed",
            "created_at": "2020-08-01T00:00:00Z",
            "user": {"username": "a"},
        },
        {"id": 3, "state": "reopened", "created_at": "2020-08-02T00:00:00Z"},
        {"id": 4, "state": "closed", "created_at": "2020-09-22T22:08:20.103Z"},
    ]
    label_events = [
        {
            "id": 9,
            "action": "add",
            "label": {"name": "workflow::X - blocked"},
            "created_at": "2020-07-28T00:00:00Z",
        },
        {
            "id": 8,
            "action": "add",
            "label": None,
            "created_at": "2020-07-28T00:00:00Z",
        },  # deleted label
    ]
    item = map_issue(
        issue, state_events, label_events, label_statuses={"workflow::x - blocked": "blocked"}
    )
    assert [(t.from_status, t.to_status) for t in item.transitions] == [
        (None, "open"),
        ("open", "blocked"),
        ("blocked", "closed"),
        ("closed", "blocked"),
        ("blocked", "closed"),
    ]
    assert item.transitions[2].by == "a"
    assert item.transitions[2].external_id == "s2"


def test_a_moved_issue_is_removed() -> None:
    issue = {**ISSUES[0], "moved_to_id": 99}
    item = map_issue(issue)
    assert item.status == "not planned"
    assert item.resolution == "moved"


def test_an_incident_issue_becomes_an_incident() -> None:
    issue = {**ISSUES[1], "issue_type": "incident", "type": "INCIDENT", "severity": "HIGH"}
    incident = map_incident(issue)
    assert incident.service == "gitlab-data/snowflake_spend"
    assert incident.severity == "high"
    assert incident.started == incident.detected == utc("2019-08-01T21:36:28.766Z")
    assert incident.resolved == utc("2019-08-04T22:24:40.978Z")
    assert incident.status == "closed"


def test_incidents_are_only_issues_of_type_incident() -> None:
    replay = Replay()
    replay.serve(f"{BASE}/issues", [ISSUES[0], {**ISSUES[1], "issue_type": "incident"}])
    got = list(client(replay).incidents())
    assert [i.external_id for i in got] == ["gitlab-data/snowflake_spend#2"]
    assert replay.requests[0].url.params["issue_type"] == "incident"


def test_merge_requests_take_their_earliest_commit_and_merge_sha() -> None:
    replay = Replay()
    mrs = bodies(GL / "_raw_gitlab_api_merge_requests.csv")
    replay.serve(f"{BASE}/merge_requests", mrs)
    commits = bodies_by_path(GL / "_raw_gitlab_api_merge_request_commits.csv")
    for mr in mrs:
        path = f"{BASE}/merge_requests/{mr['iid']}/commits"
        replay.serve(path, commits.get(path, []))
    got = {c.external_id: c for c in client(replay).merge_requests()}
    assert len(got) == 18
    mr5 = got["12345678!5"]
    assert mr5.first_commit_at == utc("2020-03-24T12:52:28Z")
    assert mr5.merged == utc("2020-03-25T18:36:45.801Z")
    assert mr5.sha == "f2ee4cf121a328ce39723506dc18e4661941971a"
    assert got["12345678!9"].merged is None


def test_releases_stop_before_since() -> None:
    replay = Replay()
    releases = [
        {
            "tag_name": "v2",
            "name": "Two",
            "released_at": "2024-02-01T00:00:00Z",
            "commit": {"id": "b"},
        },
        {
            "tag_name": "v1",
            "name": "One",
            "released_at": "2024-01-01T00:00:00Z",
            "commit": {"id": "a"},
        },
    ]
    replay.serve(f"{BASE}/releases", releases)
    got = list(client(replay).releases(since=utc("2024-01-15T00:00:00Z")))
    assert [(r.tag, r.sha, r.external_id) for r in got] == [("v2", "b", "12345678@v2")]


def test_a_missing_project_raises_not_found_naming_the_url_not_the_token() -> None:
    replay = Replay()
    with pytest.raises(NotFound) as caught:
        list(GitLabClient("group/missing", "glpat-secret", transport=replay.transport).releases())
    assert "projects/group%2Fmissing/releases" in str(caught.value)
    assert "glpat-secret" not in str(caught.value)


def test_a_throttled_request_is_retried_after_the_wait_gitlab_asks_for() -> None:
    replay = Replay()
    answers = iter(
        [httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json=[])]
    )
    replay.respond(f"{BASE}/releases", lambda r: next(answers))
    slept: list[float] = []
    http = HttpClient("https://gitlab.com/api/v4", transport=replay.transport, sleep=slept.append)
    assert list(GitLabClient(PROJECT, http=http).releases()) == []
    assert slept[0] >= 7


def notes_replay() -> tuple[Replay, list[Any]]:
    """The recorded merge requests of the notes recording, each with its recorded notes."""
    replay = Replay()
    mrs = bodies(GL / "_raw_gitlab_api_merge_requests_for_mr_notes_test.csv")
    replay.serve(f"{BASE}/merge_requests", mrs)
    notes = bodies_by_path(GL / "_raw_gitlab_api_merge_request_notes.csv")
    for mr in mrs:
        path = f"{BASE}/merge_requests/{mr['iid']}"
        replay.serve(f"{path}/commits", [])
        replay.serve(f"{path}/notes", notes.get(f"{path}/notes", []))
    return replay, mrs


def test_approvals_and_peoples_notes_are_reviews_other_system_notes_are_not() -> None:
    """By hand: 26 recorded notes. MR 1 (by emilie): 10 system notes (assignments, commits,
    "merged", ...) and emilie's comment; MR 3 (by martinguindon): emilie comments twice, he
    answers once, 3 system notes; MR 4: 3 system notes; MRs 29, 30, 46: one approval each;
    MR 37: approved, unapproved, approved again."""
    from leadline.records import ChangeRecord, ReviewRecord

    replay, mrs = notes_replay()
    records = list(client(replay).reviewed_merge_requests())
    assert sum(isinstance(r, ChangeRecord) for r in records) == len(mrs) == 16
    reviews = [r for r in records if isinstance(r, ReviewRecord)]
    assert len(reviews) == 10
    assert Counter(r.state for r in reviews) == {"commented": 4, "approved": 5, "unapproved": 1}
    assert Counter((r.change_id, r.change_author, r.reviewer) for r in reviews) == {
        ("12345678!1", "emilie", "emilie"): 1,
        ("12345678!3", "martinguindon", "emilie"): 2,
        ("12345678!3", "martinguindon", "martinguindon"): 1,
        ("12345678!29", "gary-beautypie", "liyongfeng"): 1,
        ("12345678!30", "johnj4", "liyongfeng"): 1,
        ("12345678!46", "PedramNavid", "hackwaly"): 1,
        ("12345678!37", "paul_armstrong", "basicthinker"): 3,
    }
    approval = next(r for r in reviews if r.external_id == "note:135100359")
    assert (approval.reviewer_name, approval.state) == ("Yongfeng Li", "approved")
    assert approval.submitted == utc("2019-01-25T16:46:23.996Z")
    # The note links into its merge request's page (the recording's MR 29 names MR 18's page).
    web = next(mr["web_url"] for mr in mrs if mr["iid"] == 29)
    assert approval.url == f"{web}#note_135100359"
    # A display name with stray spaces is kept without them.
    assert next(r for r in reviews if r.reviewer == "hackwaly").reviewer_name == "chinese"
    assert replay.requests[2].url.params["sort"] == "asc"


def test_a_bots_note_is_no_review() -> None:
    from leadline.connectors.gitlab import map_note

    note = {"id": 7, "body": "LGTM", "system": False, "created_at": "2024-01-01T00:00:00Z",
            "author": {"username": "project_1_bot_x", "name": "Bot", "bot": True}}  # fmt: skip
    assert map_note(note, project="p", iid=1) is None
    assert map_note({**note, "author": {"username": "ana"}}, project="p", iid=1) is not None


def test_a_merge_request_keeps_its_commits_shas() -> None:
    replay = Replay()
    mrs = bodies(GL / "_raw_gitlab_api_merge_requests.csv")
    replay.serve(f"{BASE}/merge_requests", mrs)
    commits = bodies_by_path(GL / "_raw_gitlab_api_merge_request_commits.csv")
    for mr in mrs:
        path = f"{BASE}/merge_requests/{mr['iid']}/commits"
        replay.serve(path, commits.get(path, []))
    got = {c.external_id: c for c in client(replay).merge_requests()}
    recorded = [c["id"] for c in commits[f"{BASE}/merge_requests/1/commits"]]
    assert got["12345678!1"].commits == tuple(recorded) and len(recorded) == 5
