"""The local git connector, on a real repository built in a temporary folder at fixed dates."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadline.connectors.git import GitError, GitRepository


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 1, day, hour, tzinfo=UTC)


class RepoBuilder:
    """Make commits, branches, merges and tags with fixed author, committer and tagger dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.run("init", "-q", "-b", "main")

    def run(self, *args: str, when: str = "2024-01-01T00:00:00+00:00") -> str:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.path),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "Ada",
            "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_COMMITTER_NAME": "Ada",
            "GIT_COMMITTER_EMAIL": "ada@example.com",
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
        }
        out = subprocess.run(
            ["git", "-C", str(self.path), *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout.strip()

    def commit(self, message: str, when: str) -> str:
        name = message.replace(" ", "-") + ".txt"  # one file per commit: merges never conflict
        (self.path / name).write_text(message + "\n")
        self.run("add", name, when=when)
        self.run("commit", "-q", "-m", message, when=when)
        return self.run("rev-parse", "HEAD")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    path = tmp_path_factory.mktemp("shop")
    b = RepoBuilder(path)
    shas = {"c1": b.commit("initial", "2024-01-01T10:00:00+00:00")}
    b.run("tag", "v1.0")  # lightweight: dated by its commit
    b.run("checkout", "-q", "-b", "feature")
    shas["f1"] = b.commit("feature part 1", "2024-01-02T09:00:00+02:00")  # 07:00 UTC
    shas["f2"] = b.commit("feature part 2", "2024-01-03T09:00:00+00:00")
    b.run("checkout", "-q", "main")
    shas["c2"] = b.commit("hotfix on main", "2024-01-02T12:00:00+00:00")
    b.run(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'feature'",
        "feature",
        when="2024-01-04T15:00:00+00:00",
    )
    shas["m1"] = b.run("rev-parse", "HEAD")
    b.run("tag", "-a", "v1.1", "-m", "release 1.1", when="2024-01-05T08:00:00+00:00")
    shas["c3"] = b.commit("docs", "2024-01-06T10:00:00+00:00")
    b.run("tag", "docs-1")
    shas["c4"] = b.commit("speed up", "2024-01-07T10:00:00+00:00")
    b.run("tag", "-a", "v1.2", "-m", "release 1.2", when="2024-01-08T08:00:00+00:00")
    shas["path"] = str(path)
    return shas


def test_commits_come_newest_first_with_author_and_utc_authored_time(repo: dict[str, str]) -> None:
    commits = list(GitRepository(repo["path"], name="shop").commits())
    assert [c.sha for c in commits][:2] == [repo["c4"], repo["c3"]]
    assert len(commits) == 7
    f1 = next(c for c in commits if c.sha == repo["f1"])
    assert f1.kind == "commit"
    assert f1.external_id == repo["f1"]
    assert f1.repository == "shop"
    assert f1.author == "ada@example.com"
    assert f1.title == "feature part 1"
    assert f1.created == datetime(2024, 1, 2, 7, tzinfo=UTC)


def test_commits_since_a_commit_are_only_the_newer_ones(repo: dict[str, str]) -> None:
    commits = GitRepository(repo["path"]).commits(since_commit=repo["m1"])
    assert [c.sha for c in commits] == [repo["c4"], repo["c3"]]


def test_commits_since_a_time_use_the_commit_date(repo: dict[str, str]) -> None:
    commits = GitRepository(repo["path"]).commits(since=at(6, 0))
    assert {c.sha for c in commits} == {repo["c3"], repo["c4"]}


def test_a_merge_becomes_a_pull_request_with_the_branch_first_commit(repo: dict[str, str]) -> None:
    merges = list(GitRepository(repo["path"], name="shop").merges())
    assert len(merges) == 1
    m = merges[0]
    assert m.kind == "pull_request"
    assert m.external_id == f"merge:{repo['m1']}"
    assert m.sha == repo["m1"]
    assert m.merged == at(4, 15)
    # f1 was authored at 09:00+02:00; main's own commit c2 is not part of the merged branch.
    assert m.first_commit_at == datetime(2024, 1, 2, 7, tzinfo=UTC)
    assert m.title == "Merge branch 'feature'"


def test_merges_since_the_merge_itself_are_none(repo: dict[str, str]) -> None:
    assert list(GitRepository(repo["path"]).merges(since_commit=repo["m1"])) == []


def test_tags_are_releases_dated_by_tag_or_commit_oldest_first(repo: dict[str, str]) -> None:
    releases = list(GitRepository(repo["path"], name="shop").releases())
    assert [(r.tag, r.published) for r in releases] == [
        ("v1.0", at(1, 10)),  # lightweight: its commit's date
        ("v1.1", at(5, 8)),  # annotated: the tag's own date
        ("docs-1", at(6, 10)),
        ("v1.2", at(8, 8)),
    ]
    assert releases[1].sha == repo["m1"]  # peeled to the commit, not the tag object
    assert releases[1].external_id == "shop@v1.1"


def test_releases_can_be_filtered_by_pattern_and_time(repo: dict[str, str]) -> None:
    releases = GitRepository(repo["path"]).releases("v*", since=at(5, 8))
    assert [r.tag for r in releases] == ["v1.2"]


def test_matching_tags_are_production_deployments_with_the_commits_since_the_previous_tag(
    repo: dict[str, str],
) -> None:
    deployments = list(GitRepository(repo["path"], name="shop").deployments("v*"))
    assert [d.ref for d in deployments] == ["v1.0", "v1.1", "v1.2"]
    first, second, third = deployments
    assert first.change_ids == [repo["c1"]]
    assert set(second.change_ids) == {repo["f1"], repo["f2"], repo["c2"], repo["m1"]}
    assert set(third.change_ids) == {repo["c3"], repo["c4"]}  # docs-1 does not match v*
    assert third.status == "success"
    assert third.environment == "production"
    assert third.is_production
    assert third.started == third.finished == at(8, 8)
    assert third.service == "shop"
    assert third.sha == repo["c4"]


def test_incremental_deployments_attribute_the_same_commits(repo: dict[str, str]) -> None:
    deployments = list(GitRepository(repo["path"]).deployments("v*", since=at(5, 8)))
    assert [d.ref for d in deployments] == ["v1.2"]
    assert set(deployments[0].change_ids) == {repo["c3"], repo["c4"]}


def test_a_folder_that_is_not_a_repository_raises_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(GitError, match=str(tmp_path)):
        list(GitRepository(tmp_path).commits())


def test_stopping_early_reads_only_what_was_asked(repo: dict[str, str]) -> None:
    commits = GitRepository(repo["path"]).commits()
    assert next(commits).sha == repo["c4"]
    commits.close()  # kills the git process without raising
