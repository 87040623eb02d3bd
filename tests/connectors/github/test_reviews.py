"""GitHub pull request reviews and the accounts PR commits name, on recorded responses.

Counted by hand in ``_raw_github_api_pull_request_reviews.csv`` (panjf2000/ants): 31 rows of 3
pull requests, review 277027723 recorded twice. PR 41 (by choleraehyq): choleraehyq 8,
panjf2000 5; PR 51 (choleraehyq): choleraehyq 2, panjf2000 1; PR 53 (KevinBaiSg): KevinBaiSg 7,
panjf2000 8 (3 of them CHANGES_REQUESTED). 28 COMMENTED, 3 CHANGES_REQUESTED, all by users.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from leadline.connectors.github import GitHubClient, map_accounts, map_review
from leadline.records import AccountRecord, ChangeRecord, ReviewRecord
from tests.connectors.github.replay import FIXTURES, Replay, bodies, bodies_by_path, rows

REPO = "panjf2000/ants"
GH = FIXTURES / "github"


def reviews_replay() -> Replay:
    """Every recorded PR with its recorded commits and reviews (none where nothing was)."""
    replay = Replay()
    prs = bodies(GH / "_raw_github_api_pull_requests.csv")
    replay.serve(f"/repos/{REPO}/pulls", prs)
    commits = bodies_by_path(GH / "_raw_github_api_pull_request_commits.csv")
    reviews = bodies_by_path(GH / "_raw_github_api_pull_request_reviews.csv")
    for pr in prs:
        base = f"/repos/{REPO}/pulls/{pr['number']}"
        replay.serve(f"{base}/commits", commits.get(f"{base}/commits", []))
        replay.serve(f"{base}/reviews", reviews.get(f"{base}/reviews", []), size=5)
    return replay


def test_every_recorded_review_comes_with_its_pull_request_and_author() -> None:
    replay = reviews_replay()
    records = list(GitHubClient(REPO, transport=replay.transport).reviewed_pull_requests())
    changes = [r for r in records if isinstance(r, ChangeRecord)]
    reviews = [r for r in records if isinstance(r, ReviewRecord)]
    assert len(changes) == 50 and len(reviews) == 31  # the repeated row comes twice
    assert len({r.external_id for r in reviews}) == 30
    per = Counter((r.change_id, r.change_author, r.reviewer) for r in reviews)
    assert per == {
        (f"{REPO}#41", "choleraehyq", "choleraehyq"): 8,
        (f"{REPO}#41", "choleraehyq", "panjf2000"): 5,
        (f"{REPO}#51", "choleraehyq", "choleraehyq"): 2,
        (f"{REPO}#51", "choleraehyq", "panjf2000"): 1,
        (f"{REPO}#53", "KevinBaiSg", "KevinBaiSg"): 7,
        (f"{REPO}#53", "KevinBaiSg", "panjf2000"): 8,
    }
    assert Counter(r.state for r in reviews) == {"commented": 28, "changes_requested": 3}
    first = next(r for r in reviews if r.external_id == "review:277027723")
    assert first.submitted == datetime(2019, 8, 20, 9, 5, 2, tzinfo=UTC)
    assert first.repository == REPO and first.source == "github"
    assert first.url == "https://github.com/panjf2000/ants/pull/41#pullrequestreview-277027723"
    # The reviews of one PR come in pages like any list (15 reviews, pages of 5).
    assert replay.paths().count(f"/repos/{REPO}/pulls/53/reviews") == 3


def test_a_pull_request_keeps_its_commits_shas() -> None:
    replay = reviews_replay()
    prs = {c.external_id: c for c in GitHubClient(REPO, transport=replay.transport).pull_requests()}
    pr53 = prs[f"{REPO}#53"]
    assert len(pr53.commits) == 16 and len(set(pr53.commits)) == 16
    assert all(len(sha) == 40 for sha in pr53.commits)
    assert prs[f"{REPO}#41"].commits and prs[f"{REPO}#41"].commits[0] != pr53.commits[0]


def test_accounts_tie_each_login_to_the_git_identities_its_commits_carry_once() -> None:
    replay = reviews_replay()
    records = list(GitHubClient(REPO, transport=replay.transport).reviewed_pull_requests())
    accounts = [r for r in records if isinstance(r, AccountRecord)]
    # 91 recorded PR commits: 11 without a GitHub account, the rest 35 (login, email) pairs
    # (panjf2000 commits as "Andy Pan" and "andy pan" with one email: one account).
    assert len(accounts) == len({a.external_id for a in accounts}) == 35
    andy = next(a for a in accounts if a.login == "panjf2000")
    assert (andy.name, andy.email) == ("Andy Pan", "panjf2000@gmail.com")
    assert {a.email for a in accounts if a.login == "automano"} == {
        "18501262663@163.com", "zhening.li@wustl.edu"}  # fmt: skip


def test_a_bots_review_is_left_out_and_a_persons_kept() -> None:
    recorded = rows(GH / "_raw_github_api_pr_reviews_bot_filter.csv")
    replay = Replay()
    replay.serve(
        "/repos/test/repo/pulls/1/reviews", bodies(GH / "_raw_github_api_pr_reviews_bot_filter.csv")
    )
    assert len(recorded) == 2
    got = list(
        GitHubClient("test/repo", transport=replay.transport).reviews(1, change_author="dev")
    )
    assert [(r.reviewer, r.state, r.external_id) for r in got] == [
        ("human-reviewer", "approved", "review:5002")
    ]
    assert got[0].change_id == "test/repo#1" and got[0].change_author == "dev"


def test_drafts_ghosts_and_apps_are_no_reviews() -> None:
    base = {"id": 1, "state": "APPROVED", "submitted_at": "2024-01-02T00:00:00Z"}
    person = {"login": "ana", "type": "User"}
    assert map_review({**base, "user": person}, repository="o/r", number=3) is not None
    assert map_review({**base, "user": person, "state": "PENDING", "submitted_at": None},
                      repository="o/r", number=3) is None  # fmt: skip
    assert map_review({**base, "user": None}, repository="o/r", number=3) is None
    assert map_review({**base, "user": {"login": "ci", "type": "Bot"}},
                      repository="o/r", number=3) is None  # fmt: skip
    dismissed = map_review({**base, "user": person, "state": "DISMISSED"}, repository="o/r",
                           number=3)  # fmt: skip
    assert dismissed is not None and dismissed.state == "dismissed"
    commit = {"author": {"login": "dependabot[bot]"}, "commit": {"author": {"email": "d@x"}}}
    assert list(map_accounts([commit])) == []
