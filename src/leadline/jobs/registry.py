"""What the apps give the job runner: handlers, periodic jobs, page-startable kinds, loops.

The job runner knows no feature app. Each app registers its part in its ``AppConfig.ready``
(or in a module that ``ready`` imports, with the :func:`handler` decorator)::

    from leadline.jobs import registry

    registry.register_handler("delivery.import", run_import)
    registry.register_periodic("governance.digest", "Send the daily digest", timedelta(days=1))
    registry.register_startable("demo.refresh", "Rebuild the demo data", lambda ws: ...)
    registry.register_worker_loop(schedule_loop)
    registry.register_follow_up("delivery.import", start_radar_run)

Nothing here touches the database, so registering is safe while Django starts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .services import JobContext

Handler = Callable[["JobContext"], dict[str, Any] | None]
# A loop a worker runs in a thread beside the queue until the event is set.
WorkerLoop = Callable[[threading.Event], None]

_HANDLERS: dict[str, str] = {}


@dataclass(frozen=True)
class Periodic:
    """A job kind every worker offers to start once per ``every``; the first to ask does."""

    kind: str
    title: str
    every: timedelta


@dataclass(frozen=True)
class Startable:
    """A job kind a lead may start by hand from the jobs page (or the API) of a workspace
    for which ``offered(workspace)`` is true."""

    kind: str
    label: str
    offered: Callable[[Any], bool]


# Called with a job that has just succeeded; returns the job it started, or None.
FollowUp = Callable[[Any], Any]

_PERIODIC: dict[str, Periodic] = {}
_STARTABLE: dict[str, Startable] = {}
_LOOPS: list[WorkerLoop] = []
_FOLLOW_UPS: dict[str, list[FollowUp]] = {}


def register_handler(kind: str, func: Handler) -> Handler:
    """Make ``func`` the handler of job ``kind`` (a job stores its handler's dotted path)."""
    _HANDLERS[kind] = f"{func.__module__}.{func.__qualname__}"
    return func


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of job ``kind``."""

    def register(func: Handler) -> Handler:
        return register_handler(kind, func)

    return register


def registered_kinds() -> dict[str, str]:
    """Return the registered job kinds and their handlers' dotted paths."""
    return dict(_HANDLERS)


def register_periodic(kind: str, title: str, every: timedelta) -> None:
    """Start a ``kind`` job (titled ``title``) once per ``every``, from whichever worker."""
    _PERIODIC[kind] = Periodic(kind, title, every)


def periodic_jobs() -> list[Periodic]:
    """Return the periodic jobs in the order they were registered."""
    return list(_PERIODIC.values())


def register_startable(kind: str, label: str, offered: Callable[[Any], bool]) -> None:
    """Offer ``kind`` (shown as ``label``) on the jobs page of workspaces ``offered`` accepts."""
    _STARTABLE[kind] = Startable(kind, label, offered)


def startable_kinds(workspace: Any) -> dict[str, str]:
    """Return the job kinds a lead may start by hand in ``workspace``, with their labels."""
    return {s.kind: s.label for s in _STARTABLE.values() if s.offered(workspace)}


def register_worker_loop(loop: WorkerLoop) -> None:
    """Run ``loop(stop)`` in a thread of every recovering worker (e.g. scheduled syncs)."""
    if loop not in _LOOPS:
        _LOOPS.append(loop)


def worker_loops() -> list[WorkerLoop]:
    """Return the registered worker loops in the order they were registered."""
    return list(_LOOPS)


def register_follow_up(after_kind: str, start: FollowUp) -> None:
    """Call ``start(job)`` each time a job of ``after_kind`` succeeds (in the process that ran
    it, after the job is marked succeeded). ``start`` usually starts another job, e.g. the
    Radar after an import; whatever it raises is logged and leaves the finished job alone."""
    starts = _FOLLOW_UPS.setdefault(after_kind, [])
    if start not in starts:
        starts.append(start)


def follow_ups(kind: str) -> list[FollowUp]:
    """Return what to call after a job of ``kind`` succeeds, in the order registered."""
    return list(_FOLLOW_UPS.get(kind, ()))
