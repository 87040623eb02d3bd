"""Scheduled syncs: which connections are due, and starting their sync jobs.

The worker calls :func:`start_due_syncs` about once a minute (``leadline.jobs.worker``). A
connection is due when its schedule's interval has passed since its last sync *or* its last
attempt, so a failing source is retried once per interval, not every minute. A connection with a
queued or running sync job is never given a second one, and two workers checking at the same
moment cannot both start one (``data.start_sync`` claims the connection with a conditional update).
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from leadline.jobs.models import Job

from .data import SYNC_KIND, start_sync
from .models import Connection

logger = logging.getLogger(__name__)

INTERVALS = {
    Connection.Schedule.HOURLY: timedelta(hours=1),
    Connection.Schedule.DAILY: timedelta(days=1),
}
CHECK_SECONDS = 60.0


def is_due(conn: Connection, now: datetime) -> bool:
    """Return whether ``conn``'s schedule makes it due at ``now`` (manual: never).

    Never synced and never attempted: due at once.
    """
    interval = INTERVALS.get(conn.schedule)  # type: ignore[call-overload]
    if interval is None:
        return False
    marks = [t for t in (conn.last_synced_at, conn.last_sync_requested_at) if t is not None]
    return not marks or now - max(marks) >= interval


def due_connections(now: datetime) -> list[Connection]:
    """Return the scheduled connections due at ``now`` that have no queued or running sync."""
    candidates = [
        c
        for c in Connection.objects.exclude(schedule=Connection.Schedule.MANUAL).select_related(
            "workspace"
        )
        if is_due(c, now)
    ]
    if not candidates:
        return []
    busy = {
        job.params.get("connection")
        for job in Job.objects.filter(kind=SYNC_KIND, status__in=["queued", "running"]).only(
            "params"
        )
    }
    return [c for c in candidates if c.pk not in busy]


def start_due_syncs(now: datetime | None = None) -> list[Job]:
    """Start a sync job for every due connection; return the jobs started."""
    now = now or timezone.now()
    started: list[Job] = []
    for conn in due_connections(now):
        job, created = start_sync(conn, now=now)
        if job is not None and created:
            started.append(job)
            logger.info("started scheduled sync of connection %s (%s)", conn.pk, conn.name)
    return started


def schedule_loop(stop: threading.Event, interval: float = CHECK_SECONDS) -> None:
    """Call :func:`start_due_syncs` every ``interval`` seconds until ``stop`` is set."""
    while not stop.wait(interval):
        try:
            close_old_connections()
            start_due_syncs()
        except Exception:
            logger.exception("scheduled sync pass failed")
    connection.close()
