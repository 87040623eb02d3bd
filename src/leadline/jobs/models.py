"""Background jobs: status, progress, log, error and a checkpoint to resume from."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED = {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED}


class Job(models.Model):
    """One unit of background work.

    The queue (database or Redis, via django-tasks) only carries the job's id; everything a user
    sees lives here, so it looks the same whichever backend runs it. ``checkpoint`` is written by
    the handler as it goes, so a job whose worker died resumes instead of starting over.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    log = models.TextField(blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    checkpoint = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def result_rows(self) -> list[tuple[str, str]]:
        """Return the result as (label, text) pairs in words (see :mod:`.present`)."""
        from .present import result_rows

        return result_rows(self.result)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED


class PeriodicRun(models.Model):
    """When a periodic job kind was last started; claimed with a conditional UPDATE."""

    kind = models.CharField(max_length=64, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} last started {self.last_started_at}"


class WorkerBeat(models.Model):
    """A running job worker process and when it last reported itself alive.

    Every worker (the one ``leadline serve`` starts and each ``leadline worker``, on either
    queue) touches its row periodically, so any web process can tell from the database alone
    whether jobs will run (``/healthz``, the jobs page).
    """

    name = models.CharField(max_length=100, unique=True)  # host:pid
    queue = models.CharField(max_length=16)
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"worker {self.name} ({self.queue}), last beat {self.beat_at}"
