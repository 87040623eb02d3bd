"""Jobs: progress, failure, cancellation, recovery after a worker dies, on both queues."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from leadline.jobs.heartbeat import worker_state
from leadline.jobs.models import Job, JobStatus, WorkerBeat
from leadline.jobs.services import cancel_job, recover_stale_jobs, run_job, start_job

COUNT = "tests.jobs.handlers.count_steps"


def _job(**params) -> Job:
    return Job.objects.create(
        kind="test.count", title="Count", params={"_handler": COUNT, **params}
    )


@pytest.mark.django_db
def test_a_job_reports_progress_and_result():
    job = _job(steps=4)
    assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == ("succeeded", 4, 4, 100)
    assert job.result == {"resumed_from": 0, "steps": 4}
    assert "starting at step 0" in job.log
    assert job.attempts == 1


@pytest.mark.django_db
def test_a_failing_job_keeps_its_progress_and_says_the_server_failed_without_internals(caplog):
    job = Job.objects.create(
        kind="t", title="Boom", params={"_handler": "tests.jobs.handlers.explode"}
    )
    assert run_job(str(job.pk)) == JobStatus.FAILED
    job.refresh_from_db()
    # Not Leadline's own message: a fault of the server, told as such; details in its log.
    assert job.error.startswith("Something went wrong on the server while running this job.")
    assert str(job.pk) in job.error
    for shown in (job.error, job.log):
        assert "ValueError" not in shown and "Traceback" not in shown
    assert "ValueError: the input file has no header row" in caplog.text
    assert "Traceback" in caplog.text
    assert job.done == 1
    assert job.finished_at is not None


@pytest.mark.django_db
def test_a_job_failing_on_bad_input_shows_the_message_without_server_paths():
    job = Job.objects.create(
        kind="t", title="Bad file", params={"_handler": "tests.jobs.handlers.explode_for_people"}
    )
    run_job(str(job.pk))
    job.refresh_from_db()
    assert job.error == "1f2e-items.csv line 3: no 'key' column"
    assert "/srv/" not in job.log and "Reading 1f2e-items.csv" in job.log
    assert "SourceProblem" not in job.error + job.log


@pytest.mark.django_db
def test_a_validation_error_in_a_job_is_shown_as_its_message():
    job = Job.objects.create(
        kind="t", title="Refused", params={"_handler": "tests.jobs.handlers.explode_invalid"}
    )
    run_job(str(job.pk))
    job.refresh_from_db()
    assert job.error == "no team 'mobile' in this workspace"


@pytest.mark.django_db
def test_the_job_page_names_each_result_in_words(make_user, make_workspace, client_for):
    user = make_user("ann")
    ws = make_workspace("Acme", {user: "viewer"})
    job = Job.objects.create(
        kind="t", title="Raw", workspace=ws,
        params={"_handler": "tests.jobs.handlers.report_in_raw_types"},
    )  # fmt: skip
    run_job(str(job.pk))
    html = client_for(user).get(f"/w/acme/jobs/{job.pk}/").content.decode()
    assert "<td>Work items</td><td>12,345</td>" in html
    assert "<td>New statuses to map on the Workflow page</td><td>Backlog, Done</td>" in html
    # (PostgreSQL's jsonb keeps no key order: either order is right.)
    assert any(
        f"<td>Per team</td><td>{pair}</td>" in html
        for pair in ("Checkout: 2, Mobile: 1", "Mobile: 1, Checkout: 2")
    )
    assert "<td>Complete</td><td>yes</td>" in html
    for raw in ("[&#x27;Backlog&#x27;", "{&#x27;", "new_statuses", "work_items", "True"):
        assert raw not in html, raw
    # The API keeps the values as they are, for programs.
    job.refresh_from_db()
    assert job.result["new_statuses"] == ["Backlog", "Done"]


@pytest.mark.django_db
def test_a_job_is_claimed_once():
    job = _job(steps=1)
    assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    assert run_job(str(job.pk)) == JobStatus.SUCCEEDED  # already done: not run again
    job.refresh_from_db()
    assert job.attempts == 1


@pytest.mark.django_db
def test_a_cancelled_job_does_not_run():
    job = _job(steps=2)
    assert cancel_job(job)
    assert run_job(str(job.pk)) == JobStatus.CANCELLED
    job.refresh_from_db()
    assert job.done == 0


@pytest.mark.django_db
@override_settings(JOB_STALE_SECONDS=60, JOB_MAX_ATTEMPTS=2)
def test_a_stale_running_job_is_requeued_then_failed_when_out_of_attempts():
    job = _job(steps=3)
    old = timezone.now() - timedelta(minutes=5)
    Job.objects.filter(pk=job.pk).update(
        status="running", heartbeat_at=old, attempts=1, checkpoint={"step": 2}
    )
    assert [j.pk for j in recover_stale_jobs()] == [job.pk]
    job.refresh_from_db()
    assert job.status == "queued"
    assert "stopped responding; it is back on the queue and will resume" in job.log
    assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.result["resumed_from"] == 2
    # The log speaks of the job, not of worker names or checkpoint dicts.
    assert "Attempt 2: resuming where the last attempt stopped" in job.log
    assert "{" not in job.log and "'step'" not in job.log
    Job.objects.filter(pk=job.pk).update(status="running", heartbeat_at=old, attempts=2)
    recover_stale_jobs()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "stopped 2 times" in job.error


@pytest.mark.django_db
def test_a_fresh_running_job_is_left_alone():
    job = _job(steps=3)
    Job.objects.filter(pk=job.pk).update(status="running", heartbeat_at=timezone.now(), attempts=1)
    assert recover_stale_jobs() == []


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "leadline.cli", "worker"],
        env={**os.environ, **env},
        start_new_session=True,  # its own process group, so a kill takes any children too
        stdout=open(os.path.join(env["LEADLINE_HOME"], "worker.log"), "ab"),
        stderr=subprocess.STDOUT,
    )


def _kill(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
    proc.wait(timeout=20)


def _wait(job: Job, condition, timeout: float = 60.0) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if condition(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"timed out: job {job.status} {job.done}/{job.total} log={job.log!r}")


def _survives_a_killed_worker(env: dict[str, str]) -> None:
    job = start_job(
        "test.count", title="Count", params={"steps": 30, "delay": 0.15}, handler_path=COUNT
    )
    first = _worker(env)
    try:
        _wait(job, lambda j: j.done >= 5)
        # The worker reports itself alive in the database, whichever queue it serves.
        queue = "database" if env["LEADLINE_QUEUE"] == "database" else "redis"
        assert WorkerBeat.objects.filter(queue=queue).count() == 1
        assert worker_state() == "ok"
    finally:
        _kill(first)  # the worker dies mid-job: no clean shutdown, no chance to report
    job.refresh_from_db()
    assert job.status == "running" and job.done < 30
    second = _worker(env)
    try:
        job = _wait(job, lambda j: j.status in {"succeeded", "failed"})
    finally:
        _kill(second, signal.SIGTERM)
    assert job.status == "succeeded", job.error
    assert job.attempts == 2
    assert job.result["resumed_from"] >= 5
    assert job.done == 30
    assert "back on the queue and will resume" in job.log


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@override_settings(JOB_STALE_SECONDS=3)
def test_a_job_survives_a_worker_restart_on_the_database_queue(tmp_path):
    env = {
        "DATABASE_URL": _database_url(),
        "LEADLINE_QUEUE": "database",
        "LEADLINE_JOB_STALE_SECONDS": "3",
        "LEADLINE_HOME": str(tmp_path),
        "PYTHONPATH": os.getcwd(),
    }
    _survives_a_killed_worker(env)


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_job_survives_a_worker_restart_on_the_redis_queue(tmp_path, worker_id):
    import redis

    # One Redis database per xdist worker and test run, emptied first.
    index = (
        1
        + (int(worker_id[2:]) if worker_id.startswith("gw") else 0)
        + (8 if connection.vendor != "sqlite" else 0)
    )
    url = f"redis://127.0.0.1:6379/{index}"
    redis.Redis.from_url(url).flushdb()
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=tasks, RQ_QUEUES={"default": {"URL": url}}, JOB_STALE_SECONDS=3):
        env = {
            "DATABASE_URL": _database_url(),
            "LEADLINE_QUEUE": url,
            "LEADLINE_JOB_STALE_SECONDS": "3",
            "LEADLINE_HOME": str(tmp_path),
            "PYTHONPATH": os.getcwd(),
        }
        _survives_a_killed_worker(env)
        assert Job.objects.get().task_id  # the id RQ gave the last enqueue
