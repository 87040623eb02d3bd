"""Code reviews come in with pull and merge requests: a GitHub sync on recorded responses stores
each review once (30 of 31 recorded rows: one is recorded twice), each PR once (49 of 50 rows:
#4 is recorded twice), the accounts PR commits name and each PR's commits; syncing again changes nothing; GitLab approvals and comments likewise.
Counted by hand in the CSVs (see tests/connectors/github/test_reviews.py)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import httpx
import pytest

from leadline.connectors.http import replaying
from leadline.crypto import encrypt
from leadline.delivery.data import start_sync
from leadline.delivery.imports import import_records
from leadline.delivery.models import Change, CodeAccount, CodeReview, Connection
from leadline.jobs.models import Job, JobStatus
from leadline.jobs.services import run_job
from leadline.records import ReviewRecord
from tests.connectors.github.test_reviews import REPO, reviews_replay
from tests.connectors.gitlab.test_gitlab import notes_replay

pytestmark = pytest.mark.django_db


def _github(ws) -> Connection:
    return Connection.objects.create(workspace=ws, kind="github", name="ants", target=REPO,
                                     secret=encrypt("ghp_test"))  # fmt: skip


def _replay():
    replay = reviews_replay()
    for path in ("issues", "deployments", "releases"):
        replay.serve(f"/repos/{REPO}/{path}", [])
    return replay


def _sync(conn: Connection) -> Job:
    replay = _replay()
    job, started = start_sync(conn)
    assert started and job is not None
    with replaying(replay.transport):
        assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    return job


def _stored(ws) -> tuple[int, int, int]:
    return (Change.objects.filter(workspace=ws).count(),
            CodeReview.objects.filter(workspace=ws).count(),
            CodeAccount.objects.filter(workspace=ws).count())  # fmt: skip


def test_a_github_sync_stores_every_review_once_with_its_pull_request(make_workspace):
    ws = make_workspace("Ants")
    job = _sync(_github(ws))
    assert _stored(ws) == (49, 30, 35)
    assert job.result["reviews"] == 30 and job.result["accounts"] == 35
    # Recorded twice each (50 PR rows hold #4 twice), kept once each:
    assert job.result["warnings"] == [
        f"2 keys came more than once ({REPO}#4, review:277027723); the last one of each was kept"
    ]
    review = CodeReview.objects.get(workspace=ws, external_id="review:277027723")
    assert (review.change_id, review.change_author, review.reviewer, review.state) == (
        f"{REPO}#41", "choleraehyq", "choleraehyq", "commented")  # fmt: skip
    assert review.submitted == datetime(2019, 8, 20, 9, 5, 2, tzinfo=UTC)
    assert review.repository == REPO and review.source == "github"
    by_reviewer = Counter(
        CodeReview.objects.filter(workspace=ws).values_list("reviewer", flat=True)
    )
    assert by_reviewer == {"panjf2000": 14, "choleraehyq": 9, "KevinBaiSg": 7}
    assert len(Change.objects.get(workspace=ws, external_id=f"{REPO}#53").commits) == 16
    andy = CodeAccount.objects.get(workspace=ws, login="panjf2000")
    assert (andy.name, andy.email) == ("Andy Pan", "panjf2000@gmail.com")


def test_syncing_again_changes_nothing(make_workspace):
    ws = make_workspace("Ants")
    conn = _github(ws)
    _sync(conn)
    before = sorted(CodeReview.objects.filter(workspace=ws).values_list(
        "external_id", "change_id", "reviewer", "state", "submitted"))  # fmt: skip
    Connection.objects.filter(pk=conn.pk).update(last_synced_at=None)  # a whole backfill again
    conn.refresh_from_db()
    _sync(conn)
    assert _stored(ws) == (49, 30, 35)
    after = sorted(CodeReview.objects.filter(workspace=ws).values_list(
        "external_id", "change_id", "reviewer", "state", "submitted"))  # fmt: skip
    assert after == before


def test_a_changed_review_is_updated_in_place(make_workspace):
    ws = make_workspace("Ants")
    at = datetime(2024, 1, 2, tzinfo=UTC)
    review = ReviewRecord("github", "review:9", "o/r#1", "o/r", "ana", "commented", at, "bo")
    import_records(ws, [review])
    changed = ReviewRecord("github", "review:9", "o/r#1", "o/r", "ana", "dismissed", at, "bo")
    stats = import_records(ws, [changed])
    assert stats.reviews == 1 and CodeReview.objects.filter(workspace=ws).count() == 1
    assert CodeReview.objects.get(workspace=ws).state == "dismissed"


def test_a_review_naming_no_reviewer_is_rejected_with_the_field(make_workspace):
    ws = make_workspace("Ants")
    at = datetime(2024, 1, 2, tzinfo=UTC)
    stats = import_records(ws, [
        ReviewRecord("github", "review:1", "o/r#1", "o/r", "", "approved", at),
        ReviewRecord("github", "review:2", "", "o/r", "ana", "approved", at),
        ReviewRecord("github", "review:3", "o/r#1", "o/r", "ana", "approved", at),
    ])  # fmt: skip
    assert stats.rejected == [("review review:1", "reviewer is empty; not imported"),
                              ("review review:2", "change is empty; not imported")]  # fmt: skip
    assert list(CodeReview.objects.values_list("external_id", flat=True)) == ["review:3"]


def test_gitlab_approvals_and_comments_are_stored(make_workspace):
    from leadline.connectors.gitlab import GitLabClient

    ws = make_workspace("Snowflake spend")
    replay, _ = notes_replay()
    records = list(GitLabClient("12345678", transport=replay.transport).reviewed_merge_requests())
    stats = import_records(ws, records)
    assert (stats.changes, stats.reviews) == (16, 10)
    states = Counter(CodeReview.objects.filter(workspace=ws).values_list("state", flat=True))
    assert states == {"commented": 4, "approved": 5, "unapproved": 1}
    import_records(ws, records)
    assert CodeReview.objects.filter(workspace=ws).count() == 10


def test_reviews_show_on_the_imports_page_counts(make_workspace):
    from leadline.delivery.provenance import provenance

    ws = make_workspace("Ants")
    at = datetime(2024, 1, 2, tzinfo=UTC)
    import_records(ws, [ReviewRecord("github", "review:1", "o/r#1", "o/r", "ana", "approved", at)])
    stored = {s.what: (s.count, s.sources) for s in provenance(ws).stored}
    assert stored["code reviews"] == (1, ["GitHub"])


def test_an_unrecorded_reviews_endpoint_fails_the_sync_loudly(make_workspace):
    """No silent gap: a reviews list the source refuses fails the sync with its status."""
    ws = make_workspace("Ants")
    conn = _github(ws)
    replay = _replay()
    replay.respond(f"/repos/{REPO}/pulls/41/reviews",
                   lambda r: httpx.Response(403, json={"message": "no"}))  # fmt: skip
    job, _ = start_sync(conn)
    assert job is not None
    with replaying(replay.transport):
        assert run_job(str(job.pk)) == JobStatus.FAILED
    conn.refresh_from_db()
    assert "HTTP 403" in conn.last_error
