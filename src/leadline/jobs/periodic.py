"""Periodic jobs (apps register them: escalations hourly, the digest daily), started by
whichever worker is first.

Each worker checks once a minute; a kind is claimed with a conditional UPDATE on its
PeriodicRun row, so with several workers a periodic job still starts once per interval.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from django.db import IntegrityError, close_old_connections, connection
from django.db.models import Q
from django.utils import timezone

from .models import Job, PeriodicRun
from .registry import periodic_jobs, registered_kinds
from .services import start_job

logger = logging.getLogger(__name__)

CHECK_SECONDS = 60.0


def claim(kind: str, every: timedelta, now: datetime) -> bool:
    """Return True when this caller may start ``kind`` now (its interval has passed)."""
    try:
        PeriodicRun.objects.get_or_create(kind=kind)
    except IntegrityError:  # another worker created it at the same moment
        pass
    return bool(
        PeriodicRun.objects.filter(kind=kind)
        .filter(Q(last_started_at=None) | Q(last_started_at__lte=now - every))
        .update(last_started_at=now)
    )


def start_due(now: datetime | None = None) -> list[Job]:
    """Start every periodic job whose interval has passed; return the jobs started."""
    now = now or timezone.now()
    kinds = registered_kinds()
    started = []
    for periodic in periodic_jobs():
        if periodic.kind in kinds and claim(periodic.kind, periodic.every, now):
            started.append(start_job(periodic.kind, title=periodic.title))
            logger.info("started periodic job %s", periodic.kind)
    return started


def periodic_loop(stop: threading.Event, interval: float = CHECK_SECONDS) -> None:
    """Call :func:`start_due` every ``interval`` seconds until ``stop`` is set."""
    while not stop.wait(interval):
        try:
            close_old_connections()
            start_due()
        except Exception:
            logger.exception("periodic job pass failed")
    connection.close()
