"""Run a worker for the configured queue, with the stale-job recovery loop beside it."""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.management import call_command

from .heartbeat import beat, beat_loop, forget, worker_name
from .registry import worker_loops
from .services import reaper_loop, recover_stale_jobs


def uses_redis() -> bool:
    """Return True when jobs go through Redis (LEADLINE_QUEUE=redis://...)."""
    return settings.QUEUE_URL != "database"


def run_worker(*, burst: bool = False, recover: bool = True) -> None:
    """Process jobs until stopped (or, with ``burst``, until the queue is empty).

    Before taking work, and then periodically, jobs whose worker died are re-queued so they
    resume; with ``recover`` False that is left to other workers.
    """
    stop = threading.Event()
    name, queue = worker_name(), "redis" if uses_redis() else "database"
    beat(name, queue)  # seen alive before it takes work, not only after the first interval
    beating = threading.Thread(target=beat_loop, args=(stop, name, queue), daemon=True)
    beating.start()
    if recover:
        recover_stale_jobs()
        interval = max(2.0, settings.JOB_STALE_SECONDS / 3)
        threading.Thread(target=reaper_loop, args=(stop, interval), daemon=True).start()
        for loop in worker_loops():  # the apps' own, e.g. scheduled connection syncs
            threading.Thread(target=loop, args=(stop,), daemon=True).start()
        from .periodic import periodic_loop  # the apps' periodic jobs

        threading.Thread(target=periodic_loop, args=(stop,), daemon=True).start()
    try:
        if uses_redis():
            args = [
                "default",
                "--job-class",
                "django_tasks_rq.Job",
                "--worker-class",
                "rq.SimpleWorker",
            ] + (["--burst"] if burst else [])
            # SimpleWorker runs jobs in this process: RQ's default worker forks one per job,
            # which would carry this process's database connections into the child.
            call_command("rqworker", *args, verbosity=1)
        else:
            options = ["--queue-name", "default", "--interval", "0.5", "--no-startup-delay"]
            call_command("db_worker", *options, *(["--batch"] if burst else []), "--no-reload")
    finally:
        stop.set()
        beating.join(timeout=10)  # its last beat must not land after the row is removed
        forget(name)  # stopped cleanly: no longer counted as alive
