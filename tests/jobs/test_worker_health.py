"""A job worker that dies is restarted by `leadline serve`; /healthz and the jobs page tell."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from datetime import timedelta

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from leadline.jobs.heartbeat import beat, beat_loop, forget, worker_state
from leadline.jobs.models import Job, WorkerBeat
from leadline.jobs.services import start_job
from leadline.jobs.supervisor import WorkerSupervisor

from ..serving import free_port, server_env, start, stop, wait_for_port

COUNT = "tests.jobs.handlers.count_steps"


def _wait_for(condition, what: str, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db
def test_healthz_reports_the_worker_down_without_a_recent_heartbeat(settings):
    settings.WORKER_STALE_SECONDS = 30
    assert Client().get("/healthz").json()["worker"] == "down"
    beat("host:1", "database")
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "ok"}
    WorkerBeat.objects.update(beat_at=timezone.now() - timedelta(seconds=31))
    assert Client().get("/healthz").json()["worker"] == "down"
    beat("host:2", "redis")  # a `leadline worker` on Redis counts the same
    assert worker_state() == "ok"
    forget("host:2")
    assert worker_state() == "down"


@pytest.mark.django_db
def test_the_jobs_page_says_what_to_do_when_no_worker_is_alive(make_user, make_workspace):
    lead = make_user("lead")
    ws = make_workspace("Jobs", {lead: "lead"})
    client = Client()
    client.force_login(lead)
    page = client.get(f"/w/{ws.slug}/jobs/").content.decode()
    assert "data-no-worker" in page and "No job worker is running" in page
    assert "leadline serve" in page and "leadline worker" in page
    beat("host:1", "database")
    page = client.get(f"/w/{ws.slug}/jobs/").content.decode()
    assert "data-no-worker" not in page
    assert "Job workers running: 1" in page


@pytest.mark.django_db(transaction=True)  # the beat runs in its own thread and connection
def test_a_worker_beats_until_stopped_and_rows_of_workers_gone_a_day_are_removed():
    WorkerBeat.objects.create(
        name="gone:1", queue="database", beat_at=timezone.now() - timedelta(days=2)
    )
    stop = threading.Event()
    beating = threading.Thread(target=beat_loop, args=(stop, "host:9", "redis"))
    beating.start()
    try:
        _wait_for(lambda: WorkerBeat.objects.filter(name="host:9").exists(), "the first beat")
    finally:
        stop.set()
        beating.join(timeout=30)
    assert list(WorkerBeat.objects.values_list("name", "queue")) == [("host:9", "redis")]
    assert worker_state() == "ok"


def test_a_worker_that_keeps_dying_is_restarted_with_a_growing_pause_and_logged(caplog):
    caplog.set_level(logging.ERROR, logger="leadline.jobs.supervisor")
    supervisor = WorkerSupervisor([sys.executable, "-c", "raise SystemExit(3)"], poll_seconds=0.05)
    supervisor.start()
    try:
        _wait_for(lambda: supervisor.restarts >= 2, "two restarts", timeout=60)
    finally:
        supervisor.stop()
    messages = [r.getMessage() for r in caplog.records]
    assert "exit code 3" in messages[0] and "Restarting it in 1 s" in messages[0]
    assert "Restarting it in 3 s" in messages[1]
    assert supervisor.proc is not None and supervisor.proc.poll() is not None


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_serve_restarts_its_killed_worker_and_a_queued_job_runs(tmp_path):
    port = free_port()
    server = start(
        ["serve", "--port", str(port), "--workers", "1"], server_env(tmp_path), tmp_path / "log"
    )
    try:
        wait_for_port(port, server)
        first = _wait_for(lambda: WorkerBeat.objects.first(), "the worker's first heartbeat")
        os.kill(int(first.name.rsplit(":", 1)[1]), signal.SIGKILL)
        job = start_job("test.count", title="Count", params={"steps": 2}, handler_path=COUNT)
        _wait_for(
            lambda: Job.objects.filter(pk=job.pk, status="succeeded").exists(),
            "the queued job to run after the worker was killed",
        )
        second = WorkerBeat.objects.exclude(name=first.name).get()
        health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30).json()
        assert health == {"status": "ok", "database": "ok", "worker": "ok"}
    finally:
        stop(server)
    log = (tmp_path / "log").read_text(errors="replace")
    assert f"The job worker (pid {first.name.rsplit(':', 1)[1]}) stopped" in log, log[-3000:]
    assert "Restarting it" in log
    assert not WorkerBeat.objects.filter(name=second.name).exists()  # stopped cleanly: forgotten
