"""The Radar as a job: run by hand or hourly in one or every workspace, after every import and
sync (one waiting run per workspace), and for real on a worker of each queue."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from leadline.jobs import registry
from leadline.jobs.models import Job, JobStatus
from leadline.jobs.services import run_job, start_job
from leadline.notify.models import Notification
from leadline.radar.jobs import KIND, after_import
from leadline.radar.models import Finding

CSV = "key,title,type,created,status\nR-1,One,Story,2026-01-05,To Do\n"


def _risk(world, title="Vendor API rate limits", p=4, i=4):
    from leadline.raid.models import RaidItem

    return RaidItem.objects.create(
        workspace=world.workspace, kind="risk", title=title, owner=world.people["Bo"],
        team=world.teams["platform"], probability=p, impact=i,
        created_at=timezone.now() - timedelta(days=30),
    )  # fmt: skip


def _import(world, tmp_path: Path, name: str = "items.csv"):
    from leadline.delivery.jobs import start_import

    path = tmp_path / name
    path.write_text(CSV, encoding="utf-8")
    return start_import(world.workspace, "csv", str(path))


@pytest.mark.django_db
def test_the_radar_follows_the_delivery_imports_and_syncs_and_is_hourly_and_startable(world):
    assert after_import in registry.follow_ups("delivery.import")
    assert after_import in registry.follow_ups("delivery.sync")
    assert [p.every for p in registry.periodic_jobs() if p.kind == KIND] == [timedelta(hours=1)]
    assert registry.startable_kinds(world.workspace)[KIND] == "Run the Radar"


@pytest.mark.django_db
def test_a_run_in_one_workspace_raises_notifies_high_findings_once_and_reports(world):
    _risk(world)
    _risk(world, "Office move", p=2, i=3)  # medium: waits for the page and the digest
    job = start_job(KIND, title="Run", params={"workspace": world.workspace.slug}, queue=False)
    assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.result == {
        "workspaces_checked": 1, "findings_raised": 2, "findings_reopened": 0,
        "findings_cleared": 0,
    }  # fmt: skip
    assert "Acme: 2 new, 0 reopened, 0 cleared" in job.log
    high = Finding.objects.get(workspace=world.workspace, severity="high")
    # The workspace's leads (here its owner) hear of the high one, linked to its page.
    notes = list(Notification.objects.filter(workspace=world.workspace))
    assert [(n.user, n.url) for n in notes] == [
        (world.owner, f"/w/{world.workspace.slug}/radar/{high.pk}/")
    ]
    assert notes[0].title == f"Radar (high): {high.title}"
    assert "Talk to: Bo (owner)" in notes[0].body
    # The next run finds the same: nothing new, nobody notified again.
    again = start_job(KIND, title="Run", params={"workspace": world.workspace.slug}, queue=False)
    assert run_job(str(again.pk)) == JobStatus.SUCCEEDED
    assert Notification.objects.filter(workspace=world.workspace).count() == 1


@pytest.mark.django_db
def test_many_high_findings_at_once_are_one_summary(world):
    for n in range(7):
        _risk(world, f"Risk {n}")
    job = start_job(KIND, title="Run", params={"workspace": world.workspace.slug}, queue=False)
    assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    note = Notification.objects.get(workspace=world.workspace)
    assert note.title == "Radar: 7 new high findings"
    assert note.url == f"/w/{world.workspace.slug}/radar/?severity=high"
    assert note.body.count("\n- ") == 6


@pytest.mark.django_db
def test_the_hourly_run_covers_every_workspace(world, make_workspace):
    other = make_workspace("Beta")
    _risk(world)
    job = start_job(KIND, title="Hourly", queue=False)  # as the periodic loop starts it
    assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.result["workspaces_checked"] == 2
    assert "Acme: 1 new" in job.log and f"{other.name}: 0 new" in job.log


@pytest.mark.django_db
def test_the_jobs_page_starts_a_run_for_its_workspace(world, client_for):
    _risk(world)
    response = client_for(world.owner).post(
        f"/w/{world.workspace.slug}/jobs/start/", {"kind": KIND}
    )
    job = Job.objects.get(kind=KIND)
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert (job.workspace, job.params["workspace"]) == (world.workspace, world.workspace.slug)
    assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    assert Finding.objects.filter(workspace=world.workspace).count() == 1


@pytest.mark.django_db
def test_an_import_starts_one_waiting_radar_run_in_its_workspace(world, tmp_path):
    first = _import(world, tmp_path)
    assert run_job(str(first.pk)) == JobStatus.SUCCEEDED
    radar = Job.objects.get(kind=KIND)
    assert (radar.status, radar.workspace) == (JobStatus.QUEUED, world.workspace)
    assert radar.params["workspace"] == world.workspace.slug
    first.refresh_from_db()
    assert f"Next: {radar.title}" in first.log
    # A second import while that run still waits adds no second run.
    second = _import(world, tmp_path, "more.csv")
    assert run_job(str(second.pk)) == JobStatus.SUCCEEDED
    assert Job.objects.filter(kind=KIND).count() == 1
    _risk(world)
    assert run_job(str(radar.pk)) == JobStatus.SUCCEEDED
    assert Finding.objects.filter(workspace=world.workspace).count() == 1
    # Once it has run, the next import queues a new one.
    third = _import(world, tmp_path, "third.csv")
    assert run_job(str(third.pk)) == JobStatus.SUCCEEDED
    assert Job.objects.filter(kind=KIND, status=JobStatus.QUEUED).count() == 1


@pytest.mark.django_db
def test_a_failed_import_starts_no_radar_run(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("nothing,useful\n1,2\n", encoding="utf-8")
    from leadline.delivery.jobs import start_import

    job = start_import(world.workspace, "csv", str(path))
    assert run_job(str(job.pk)) == JobStatus.FAILED
    assert not Job.objects.filter(kind=KIND).exists()


# --- On a real worker -------------------------------------------------------------------------


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _import_then_radar_on_a_worker(world, tmp_path: Path, env: dict[str, str]) -> None:
    _risk(world)
    job = _import(world, tmp_path)
    log = open(tmp_path / "worker.log", "ab")
    # A burst worker takes the import, then the Radar run the import queued, then stops.
    subprocess.run(
        [sys.executable, "-m", "leadline.cli", "worker", "--burst"],
        env={**os.environ, **env, "LEADLINE_HOME": str(tmp_path), "PYTHONPATH": os.getcwd()},
        stdout=log, stderr=subprocess.STDOUT, timeout=120, check=True,
    )  # fmt: skip
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    radar = Job.objects.get(kind=KIND)
    assert radar.status == JobStatus.SUCCEEDED, (radar.error, radar.log)
    assert radar.result["findings_raised"] == 1
    f = Finding.objects.get(workspace=world.workspace)
    assert (f.rule, f.severity, f.status) == ("risk_unmitigated", "high", "open")
    assert Notification.objects.filter(workspace=world.workspace, user=world.owner).count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_import_on_the_database_queue_is_followed_by_the_radar(world, tmp_path):
    env = {"DATABASE_URL": _database_url(), "LEADLINE_QUEUE": "database"}
    _import_then_radar_on_a_worker(world, tmp_path, env)


@pytest.mark.slow
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_an_import_on_the_redis_queue_is_followed_by_the_radar(world, tmp_path, worker_id):
    import redis

    # One Redis database per xdist worker and test run (not the job tests' ones), emptied first.
    index = (
        4
        + (int(worker_id[2:]) if worker_id.startswith("gw") else 0)
        + (8 if connection.vendor != "sqlite" else 0)
    )
    url = f"redis://127.0.0.1:6379/{index}"
    redis.Redis.from_url(url).flushdb()
    tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=tasks, RQ_QUEUES={"default": {"URL": url}}):
        env = {"DATABASE_URL": _database_url(), "LEADLINE_QUEUE": url}
        _import_then_radar_on_a_worker(world, tmp_path, env)
