"""Whether any job worker is alive: each worker process beats a row; readers ask for a recent one.

The row lives in the database, not in the web process, so the answer is the same for the
worker ``leadline serve`` starts and for ``leadline worker`` processes on other hosts (Redis).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerBeat

logger = logging.getLogger(__name__)

# Rows of workers that stopped without saying so are removed after this long.
FORGET_AFTER = timedelta(days=1)


def worker_name() -> str:
    """Return this process's worker name (host:pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def beat_interval() -> float:
    """Seconds between two beats of one worker."""
    return max(0.3, settings.WORKER_STALE_SECONDS / 6)


def beat(name: str, queue: str) -> None:
    """Record that worker ``name`` is alive now."""
    now = timezone.now()
    updated = WorkerBeat.objects.filter(name=name).update(beat_at=now, queue=queue)
    if not updated:
        WorkerBeat.objects.update_or_create(
            name=name, defaults={"queue": queue, "beat_at": now, "started_at": now}
        )


def forget(name: str) -> None:
    """Remove worker ``name`` (it is stopping cleanly)."""
    WorkerBeat.objects.filter(name=name).delete()


def live_workers(now: datetime | None = None) -> list[WorkerBeat]:
    """Return the workers that beat within ``WORKER_STALE_SECONDS``, newest start first."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return list(WorkerBeat.objects.filter(beat_at__gte=cutoff).order_by("-started_at"))


def worker_state() -> str:
    """Return "ok" when at least one job worker is alive, else "down"."""
    cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return "ok" if WorkerBeat.objects.filter(beat_at__gte=cutoff).exists() else "down"


def beat_loop(stop: threading.Event, name: str, queue: str) -> None:
    """Beat for worker ``name`` until ``stop`` is set (a thread beside the worker's loop).

    Now and then (at start, then about hourly) it also removes the rows of workers that
    stopped without saying so a day ago or more.
    """
    beats = 0
    prune_every = max(1, round(3600 / beat_interval()))
    while True:
        try:
            close_old_connections()
            beat(name, queue)
            if beats % prune_every == 0:
                WorkerBeat.objects.filter(beat_at__lt=timezone.now() - FORGET_AFTER).delete()
        except Exception:  # a missed beat shows as "down" once it is stale; keep beating
            logger.exception("worker heartbeat failed")
        beats += 1
        if stop.wait(beat_interval()):
            break
    connection.close()
