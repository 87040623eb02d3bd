"""GitHub pull requests, deployments, releases and workflow runs, on recorded responses."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from leadline.connectors.github import (
    GitHubClient,
    deployment_status,
    map_deployment,
    map_release,
    workflow_run_status,
)
from leadline.connectors.http import CredentialsRejected, HttpClient, RateLimited
from tests.connectors.github.replay import (
    FIXTURES,
    Replay,
    bodies,
    bodies_by_path,
    keyed_link_pages,
)

REPO = "panjf2000/ants"
GH = FIXTURES / "github"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def pulls_replay(size: int = 100) -> Replay:
    replay = Replay()
    prs = bodies(GH / "_raw_github_api_pull_requests.csv")
    replay.serve(f"/repos/{REPO}/pulls", prs, size=size)
    commits = bodies_by_path(GH / "_raw_github_api_pull_request_commits.csv")
    for pr in prs:
        path = f"/repos/{REPO}/pulls/{pr['number']}/commits"
        replay.serve(path, commits.get(path, []))
    return replay


def test_a_merged_pull_request_has_its_earliest_commit_and_merge_sha() -> None:
    replay = pulls_replay()
    prs = {c.external_id: c for c in GitHubClient(REPO, transport=replay.transport).pull_requests()}
    pr53 = prs["panjf2000/ants#53"]
    assert pr53.kind == "pull_request"
    assert pr53.created == utc("2019-10-07T08:17:20Z")
    # 16 recorded commits, authored out of order; the earliest predates the PR itself.
    assert pr53.first_commit_at == utc("2019-10-05T18:02:40Z")
    assert pr53.merged == utc("2019-10-09T16:59:19Z")
    assert pr53.sha == "f0e23928f4388661a8e0f6f5ff93f8f9514a1762"
    assert pr53.url == "https://github.com/panjf2000/ants/pull/53"


def test_an_unmerged_pull_request_has_no_merge_time() -> None:
    replay = pulls_replay()
    prs = list(GitHubClient(REPO, transport=replay.transport).pull_requests(with_commits=False))
    assert len(prs) == 50
    assert sum(pr.merged is not None for pr in prs) == 27
    assert all(pr.first_commit_at is None for pr in prs)
    assert not any("/commits" in p for p in replay.paths())


def test_pull_requests_stop_at_the_first_one_updated_before_since() -> None:
    replay = Replay()
    prs = sorted(
        bodies(GH / "_raw_github_api_pull_requests.csv"),
        key=lambda p: p["updated_at"],
        reverse=True,
    )
    replay.serve(f"/repos/{REPO}/pulls", prs, size=10)
    since = utc("2021-01-01T00:00:00Z")
    got = list(
        GitHubClient(REPO, transport=replay.transport).pull_requests(since, with_commits=False)
    )
    assert got and all(utc(p["updated_at"]) >= since for p in prs[: len(got)])
    assert len(got) == sum(utc(p["updated_at"]) >= since for p in prs)
    assert replay.paths().count(f"/repos/{REPO}/pulls") < 5  # did not read every page


def runs_replay() -> Replay:
    replay = Replay()
    runs = bodies(GH / "_raw_github_api_runs.csv")
    replay.serve(
        f"/repos/{REPO}/actions/runs", runs, size=10, pager=keyed_link_pages("workflow_runs")
    )
    replay.respond(
        f"/repos/{REPO}", lambda r: httpx.Response(200, json={"default_branch": "master"})
    )
    return replay


def test_a_named_workflow_on_the_default_branch_gives_deployments() -> None:
    replay = runs_replay()
    deployments = list(GitHubClient(REPO, transport=replay.transport).workflow_deployments("Tests"))
    assert [(d.external_id, d.status) for d in deployments] == [
        ("run:2589885628", "success"),
        ("run:2566218975", "in_progress"),
    ]
    done = deployments[0]
    assert done.is_production and done.environment == "production"
    assert done.started == utc("2022-07-01T13:34:14Z")
    assert done.finished == utc("2022-07-01T13:40:47Z")
    assert done.ref == "master"
    assert deployments[1].finished is None
    assert replay.requests[1].url.params["branch"] == "master"


def test_a_workflow_can_be_named_by_its_file() -> None:
    replay = runs_replay()
    client = GitHubClient(REPO, transport=replay.transport)
    lint = list(client.workflow_deployments("lint.yml", branch="master"))
    assert [d.status for d in lint] == ["success", "failure"]


def test_every_recorded_run_outcome_is_normalized() -> None:
    runs = bodies(GH / "_raw_github_api_runs.csv")
    seen = {
        (r["status"], r["conclusion"] or ""): workflow_run_status(r["status"], r["conclusion"])
        for r in runs
    }
    assert seen[("SUCCESS", "success")] == "success"
    assert seen[("TIMED_OUT", "timed_out")] == "failure"
    assert seen[("STARTUP_FAILURE", "startup_failure")] == "failure"
    assert seen[("CANCELLED", "cancelled")] == "cancelled"
    assert seen[("IN_PROGRESS", "")] == "in_progress"
    assert seen[("WAITING", "")] == "queued"
    assert seen[("REQUESTED", "")] == "queued"
    assert seen[("NEUTRAL", "neutral")] == "other"
    assert seen[("STALE", "stale")] == "other"
    assert set(seen.values()) <= {
        "success",
        "failure",
        "cancelled",
        "in_progress",
        "queued",
        "other",
    }


def graphql_replay(page_size: int) -> Replay:
    nodes = bodies(FIXTURES / "github" / "_raw_github_graphql_deployment.csv")
    replay = Replay()

    def answer(request: httpx.Request) -> httpx.Response:
        variables = json.loads(request.content)["variables"]
        start = int(variables["cursor"] or 0)
        page = nodes[start : start + page_size]
        more = start + page_size < len(nodes)
        connection = {
            "nodes": page,
            "pageInfo": {"endCursor": str(start + page_size), "hasNextPage": more},
        }
        return httpx.Response(200, json={"data": {"repository": {"deployments": connection}}})

    replay.respond("/graphql", answer, method="POST")
    return replay


def test_graphql_deployments_keep_a_replaced_success_as_a_success() -> None:
    replay = graphql_replay(page_size=3)
    deployments = list(
        GitHubClient("facebook/OpenBIC", transport=replay.transport).deployments_graphql()
    )
    assert len(deployments) == 7
    assert len(replay.requests) == 3  # cursor pagination, 3 nodes a page
    assert {d.status for d in deployments} == {"success"}
    # Two nodes kept their status history; the others only say INACTIVE (replaced).
    assert [d.raw_status for d in deployments] == ["SUCCESS", "SUCCESS"] + ["INACTIVE"] * 4 + [
        "SUCCESS"
    ]
    newest = deployments[0]
    assert newest.external_id == "deployment:3881429895"
    assert newest.environment == "github-pages"
    assert not newest.is_production
    assert newest.sha == "0916a0afdfa825779c892a8951bde706a054d352"
    assert newest.ref == "gh-pages"
    assert newest.started == utc("2026-02-20T00:30:37Z")
    assert newest.finished == utc("2026-02-20T00:30:59Z")


def test_a_named_environment_list_decides_what_is_production() -> None:
    replay = graphql_replay(page_size=100)
    client = GitHubClient(
        "facebook/OpenBIC", transport=replay.transport, production_environments=["github-pages"]
    )
    assert all(d.is_production for d in client.deployments_graphql())


def test_graphql_errors_raise_with_their_type_not_the_answers_text() -> None:
    replay = Replay()
    errors = [{"type": "FORBIDDEN", "message": "Bad credentials for <internal detail>"}]
    replay.respond(
        "/graphql", lambda r: httpx.Response(200, json={"errors": errors}), method="POST"
    )
    with pytest.raises(Exception, match=r"GraphQL errors \(FORBIDDEN\)") as info:
        list(GitHubClient("o/r", transport=replay.transport).deployments_graphql())
    assert "internal detail" not in str(info.value)


def status(state: str, at: str, sid: int) -> dict[str, Any]:
    return {"id": sid, "state": state, "created_at": at, "target_url": f"https://ci/{sid}"}


DEPLOYMENT = {
    "id": 42,
    "sha": "abc123",
    "ref": "main",
    "environment": "production",
    "production_environment": True,
    "created_at": "2024-03-01T10:00:00Z",
    "updated_at": "2024-03-02T10:00:00Z",
}


@pytest.mark.parametrize(
    ("states", "expected", "raw"),
    [
        (["in_progress", "success", "inactive"], "success", "success"),
        (["queued", "in_progress", "failure"], "failure", "failure"),
        (["error"], "failure", "error"),
        (["in_progress"], "in_progress", "in_progress"),
        (["pending"], "queued", "pending"),
        (["inactive"], "success", "inactive"),
        ([], "queued", "pending"),
    ],
)
def test_a_rest_deployment_takes_its_latest_status_that_is_not_inactive(
    states: list[str], expected: str, raw: str
) -> None:
    statuses = [status(s, f"2024-03-01T10:0{i}:00Z", i) for i, s in enumerate(states)]
    record = map_deployment(DEPLOYMENT, reversed(statuses), repository="o/r")
    assert (record.status, record.raw_status) == (expected, raw)
    assert record.is_production
    if expected in ("success", "failure"):
        assert record.finished is not None
    else:
        assert record.finished is None


def test_rest_deployments_read_statuses_per_deployment() -> None:
    replay = Replay()
    replay.serve("/repos/o/r/deployments", [DEPLOYMENT])
    replay.serve(
        "/repos/o/r/deployments/42/statuses", [status("success", "2024-03-01T10:05:00Z", 7)]
    )
    [record] = GitHubClient("o/r", transport=replay.transport).deployments()
    assert record.status == "success"
    assert record.finished == utc("2024-03-01T10:05:00Z")
    assert record.url == "https://ci/7"


def test_deployment_status_words_are_normalized_case_insensitively() -> None:
    assert deployment_status("ACTIVE") == "success"
    assert deployment_status("ABANDONED") == "cancelled"
    assert deployment_status("WAITING") == "queued"
    assert deployment_status("something new") == "other"


def test_releases_skip_drafts_and_stop_before_since() -> None:
    releases = [
        {
            "id": 3,
            "tag_name": "v3",
            "name": "",
            "draft": True,
            "created_at": "2024-03-03T00:00:00Z",
            "published_at": None,
        },
        {
            "id": 2,
            "tag_name": "v2",
            "name": "Two",
            "draft": False,
            "created_at": "2024-02-01T00:00:00Z",
            "published_at": "2024-02-02T00:00:00Z",
            "html_url": "https://github.com/o/r/releases/v2",
        },
        {
            "id": 1,
            "tag_name": "v1",
            "name": "One",
            "draft": False,
            "created_at": "2024-01-01T00:00:00Z",
            "published_at": "2024-01-02T00:00:00Z",
        },
    ]
    replay = Replay()
    replay.serve("/repos/o/r/releases", releases)
    got = list(
        GitHubClient("o/r", transport=replay.transport).releases(since=utc("2024-01-15T00:00:00Z"))
    )
    assert [(r.tag, r.name, r.published) for r in got] == [
        ("v2", "Two", utc("2024-02-02T00:00:00Z"))
    ]
    assert map_release(releases[0], repository="o/r").published == utc("2024-03-03T00:00:00Z")


def test_rejected_credentials_raise_naming_the_url_but_not_the_token() -> None:
    replay = Replay()
    replay.respond(
        f"/repos/{REPO}/pulls", lambda r: httpx.Response(401, json={"message": "Bad credentials"})
    )
    with pytest.raises(CredentialsRejected) as caught:
        list(GitHubClient(REPO, "ghp_supersecret", transport=replay.transport).pull_requests())
    assert f"/repos/{REPO}/pulls" in str(caught.value)
    assert "ghp_supersecret" not in str(caught.value)


def test_a_secondary_rate_limit_is_waited_out_and_retried() -> None:
    replay = Replay()
    answers = iter(
        [
            httpx.Response(
                403,
                headers={"Retry-After": "30"},
                json={"message": "You have exceeded a secondary rate limit"},
            ),
            httpx.Response(200, json=[]),
        ]
    )
    replay.respond(f"/repos/{REPO}/releases", lambda r: next(answers))
    slept: list[float] = []
    http = HttpClient("https://api.github.com", transport=replay.transport, sleep=slept.append)
    assert list(GitHubClient(REPO, http=http).releases()) == []
    assert slept and slept[0] >= 30


def test_a_rate_limit_that_never_lifts_raises_rate_limited() -> None:
    replay = Replay()
    replay.respond(
        f"/repos/{REPO}/releases",
        lambda r: httpx.Response(
            403,
            headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"},
            json={"message": "API rate limit exceeded"},
        ),
    )
    http = HttpClient(
        "https://api.github.com", transport=replay.transport, sleep=lambda s: None, max_retries=2
    )
    with pytest.raises(RateLimited):
        list(GitHubClient(REPO, http=http).releases())
