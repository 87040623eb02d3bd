"""Follow-ups: what an app registers to run after a job of a kind succeeds (the Radar after an
import). The kinds here are the test handlers', registered for the test and removed after."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from leadline.jobs import registry
from leadline.jobs.models import Job, JobStatus
from leadline.jobs.services import run_job, start_job

COUNT = "tests.jobs.handlers.count_steps"
EXPLODE = "tests.jobs.handlers.explode"

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed() -> Iterator[list[Any]]:
    """Register a follow-up of "test.count" that starts a "test.next" job; return the jobs
    it was called with."""
    seen: list[Any] = []

    def start(job: Job) -> Job:
        seen.append(job)
        return start_job(
            "test.next", title=f"After {job.title}", params={"steps": 1}, handler_path=COUNT
        )

    registry.register_follow_up("test.count", start)
    registry.register_follow_up("test.count", start)  # registering twice calls it once
    yield seen
    registry._FOLLOW_UPS.pop("test.count", None)


def test_a_succeeded_job_starts_its_follow_up_once_and_says_so_in_its_log(followed):
    job = start_job("test.count", title="Count", params={"steps": 2}, handler_path=COUNT)
    assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    assert [j.pk for j in followed] == [job.pk]
    after = Job.objects.get(kind="test.next")
    assert (after.status, after.title) == (JobStatus.QUEUED, "After Count")
    job.refresh_from_db()
    assert job.log.splitlines()[-1].endswith("Next: After Count")
    assert run_job(str(after.pk)) == JobStatus.SUCCEEDED  # its own kind has no follow-up
    assert Job.objects.count() == 2


def test_a_failed_job_starts_no_follow_up(followed):
    job = start_job("test.count", title="Count", params={}, handler_path=EXPLODE)
    assert run_job(str(job.pk)) == JobStatus.FAILED
    assert followed == []
    assert not Job.objects.filter(kind="test.next").exists()


def test_a_failing_follow_up_leaves_the_job_succeeded(caplog):
    def broken(job: Job) -> None:
        raise RuntimeError("no queue")

    registry.register_follow_up("test.count", broken)
    try:
        job = start_job("test.count", title="Count", params={"steps": 1}, handler_path=COUNT)
        assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    finally:
        registry._FOLLOW_UPS.pop("test.count", None)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result["steps"] == 1
    assert "follow-up of job" in caplog.text
