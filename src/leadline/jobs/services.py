"""Start, run, watch and recover background jobs.

A job kind is a handler its app registers in :mod:`.registry` when Django starts. The handler
receives a :class:`JobContext` and reports progress through it; each report is also a heartbeat
and may carry a checkpoint. Claiming a job is a conditional UPDATE, so two workers never run one job at
once. A job whose worker died (no heartbeat for ``JOB_STALE_SECONDS``) is put back on the queue
and resumes from its checkpoint, up to ``JOB_MAX_ATTEMPTS`` times; it is never silently lost.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Job, JobStatus
from .present import error_message, is_for_people, without_paths

# Kept importable from here: apps registered their handlers through this module before.
from .registry import Handler as Handler
from .registry import follow_ups, registered_kinds
from .registry import handler as handler

logger = logging.getLogger(__name__)

# Called in the running process after each progress report or log line (the CLI's progress bar).
Listener = Callable[[Job], None]


class JobCancelled(Exception):
    """Raised inside a handler when its job was cancelled."""


class JobContext:
    """What a running handler sees: its parameters, checkpoint, and a way to report."""

    def __init__(self, job: Job, listener: Listener | None = None) -> None:
        self.job = job
        self.params: dict[str, Any] = dict(job.params)
        self.checkpoint: dict[str, Any] = dict(job.checkpoint)
        self.listener = listener

    def progress(
        self, done: int, total: int | None = None, checkpoint: dict[str, Any] | None = None
    ) -> None:
        """Record progress (and optionally a checkpoint to resume from); raise if cancelled."""
        fields: dict[str, Any] = {"done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        if checkpoint is not None:
            self.checkpoint = checkpoint
            fields["checkpoint"] = checkpoint
        updated = Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(**fields)
        if not updated:
            raise JobCancelled(f"Job {self.job.pk} is no longer running")
        for key, value in fields.items():
            setattr(self.job, key, value)
        if self.listener is not None:
            self.listener(self.job)

    def log(self, message: str) -> None:
        """Append a timestamped line to the job's log (server paths cut to file names: the log
        is shown to people)."""
        line = f"{timezone.now():%Y-%m-%d %H:%M:%S} {without_paths(message)}\n"
        job = Job.objects.only("log").get(pk=self.job.pk)
        Job.objects.filter(pk=self.job.pk).update(log=job.log + line)
        self.job.log = job.log + line
        if self.listener is not None:
            self.listener(self.job)


def start_job(
    kind: str,
    *,
    title: str,
    params: dict[str, Any] | None = None,
    workspace: Any = None,
    user: Any = None,
    handler_path: str | None = None,
    queue: bool = True,
) -> Job:
    """Create a job of a registered ``kind`` and put it on the queue.

    ``handler_path`` overrides the registry (for handlers outside the package, e.g. in tests).
    With ``queue`` False the caller runs it itself (``run_job``); a worker never sees it unless
    it is later found stale and recovered.
    """
    path = handler_path or registered_kinds().get(kind)
    if path is None:
        raise ValueError(
            f"Unknown job kind {kind!r}; known: {', '.join(sorted(registered_kinds()))}"
        )
    job = Job.objects.create(
        kind=kind,
        title=title,
        params={**(params or {}), "_handler": path},
        workspace=workspace,
        created_by=user if user is not None and getattr(user, "pk", None) else None,
    )
    if queue:
        enqueue(job)
    return job


def enqueue(job: Job) -> None:
    """Put ``job`` on the configured queue (database or Redis)."""
    from .tasks import run_job_task

    result = run_job_task.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def claim(job_id: str) -> Job | None:
    """Mark a queued job running for this worker; None if another worker has it or it ended."""
    now = timezone.now()
    updated = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker=_worker_name(),
        attempts=F("attempts") + 1,
    )
    if not updated:
        return None
    return Job.objects.get(pk=job_id)


class _Heartbeat(threading.Thread):
    """Touch the job's heartbeat while the handler runs, so only a dead worker goes stale."""

    def __init__(self, job_id: Any, interval: float) -> None:
        super().__init__(daemon=True)
        self.job_id, self.interval, self.stopped = job_id, interval, threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.interval):
                Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # the main thread reports failures; a lost beat is harmless
            logger.exception("heartbeat failed for job %s", self.job_id)
        finally:
            connection.close()


def run_job(job_id: str, listener: Listener | None = None) -> str:
    """Run job ``job_id`` to completion in this process and return its final status.

    ``listener`` sees the job after every progress report and log line, in this thread.
    """
    job = claim(job_id)
    if job is None:
        current = Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return str(current or "missing")
    ctx = JobContext(job, listener)
    if job.attempts > 1:
        batch = job.checkpoint.get("batch") if isinstance(job.checkpoint, dict) else None
        where = f"after batch {batch}" if batch else "where the last attempt stopped"
        ctx.log(f"Attempt {job.attempts}: resuming {where}" if job.checkpoint else
                f"Attempt {job.attempts}: starting again from the beginning")  # fmt: skip
    beat = _Heartbeat(job.pk, max(1.0, settings.JOB_STALE_SECONDS / 4))
    beat.start()
    try:
        func: Handler = import_string(job.params["_handler"])
        result = func(ctx) or {}
    except JobCancelled:
        return JobStatus.CANCELLED
    except Exception as exc:
        message = error_message(exc, job.pk)
        if is_for_people(exc):
            logger.warning("job %s failed: %s", job.pk, exc)
        else:  # a fault of the server: the traceback goes to the log, not to the page
            logger.error("job %s failed\n%s", job.pk, traceback.format_exc())
        ctx.log(f"Failed: {message}")
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=message, finished_at=timezone.now()
        )
        return JobStatus.FAILED
    finally:
        beat.stopped.set()
        beat.join(timeout=5)
    finished = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED, result=result, finished_at=timezone.now()
    )
    ctx.log("Finished")
    if finished:
        start_follow_ups(job, ctx)
    return JobStatus.SUCCEEDED


def start_follow_ups(job: Job, ctx: JobContext) -> list[Job]:
    """Call what the apps registered to follow a succeeded job of this kind
    (:func:`.registry.register_follow_up`); a failing follow-up is logged and skipped."""
    started: list[Job] = []
    for start in follow_ups(job.kind):
        try:
            follow = start(job)
        except Exception:  # the job itself succeeded; a follow-up must not undo that
            logger.exception("follow-up of job %s (%s) failed", job.pk, job.kind)
            continue
        if isinstance(follow, Job):
            ctx.log(f"Next: {follow.title}")
            started.append(follow)
    return started


def recover_stale_jobs(now: Any = None) -> list[Job]:
    """Re-queue running jobs whose worker stopped beating; fail those out of attempts.

    Also re-enqueues queued jobs whose queue entry was lost (e.g. Redis restarted without
    persistence): a queued job older than the stale window with no worker gets a new entry.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    recovered: list[Job] = []
    stale = Job.objects.filter(
        Q(status=JobStatus.RUNNING) & (Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at=None))
    )
    for job in stale:
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED,
                error=f"The worker stopped {job.attempts} times while running this job.",
                finished_at=now,
            )
            continue
        moved = Job.objects.filter(
            pk=job.pk, status=JobStatus.RUNNING, heartbeat_at=job.heartbeat_at
        ).update(status=JobStatus.QUEUED, worker="")
        if moved:
            JobContext(job).log(
                "The worker running this job stopped responding; it is back on the queue "
                "and will resume where it stopped"
            )
            logger.warning("job %s: worker %s stopped responding", job.pk, job.worker or "?")
            enqueue(job)
            recovered.append(job)
    return recovered


def cancel_job(job: Job) -> bool:
    """Cancel a queued or running job; a running handler stops at its next progress report."""
    return bool(
        Job.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
            status=JobStatus.CANCELLED, finished_at=timezone.now()
        )
    )


def reaper_loop(stop: threading.Event, interval: float) -> None:
    """Call :func:`recover_stale_jobs` every ``interval`` seconds until ``stop`` is set."""
    while not stop.wait(interval):
        try:
            close_old_connections()
            for job in recover_stale_jobs():
                logger.warning("re-queued job %s after its worker stopped", job.pk)
        except Exception:
            logger.exception("job recovery pass failed")
    connection.close()
