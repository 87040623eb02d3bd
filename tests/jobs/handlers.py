"""Job handlers used by the job tests (imported by worker processes the tests start)."""

from __future__ import annotations

import time
from typing import Any

from leadline.jobs.services import JobContext


def count_steps(ctx: JobContext) -> dict[str, Any]:
    """Count to params['steps'], sleeping params['delay'] per step, resuming from a checkpoint."""
    steps = int(ctx.params["steps"])
    start = int(ctx.checkpoint.get("step", 0))
    ctx.log(f"starting at step {start}")
    for step in range(start, steps):
        time.sleep(float(ctx.params.get("delay", 0)))
        ctx.progress(step + 1, steps, checkpoint={"step": step + 1})
    return {"resumed_from": start, "steps": steps}


def explode(ctx: JobContext) -> None:
    """Fail with a clear message after one step."""
    ctx.progress(1, 3)
    raise ValueError("the input file has no header row")


def explode_for_people(ctx: JobContext) -> None:
    """Fail the way an import of a bad file does: Leadline's own error, naming a server path."""
    from leadline.delivery.sources import SourceProblem

    ctx.log("Reading /srv/leadline/data/uploads/acme/1f2e-items.csv")
    raise SourceProblem("/srv/leadline/data/uploads/acme/1f2e-items.csv line 3: no 'key' column")


def explode_invalid(ctx: JobContext) -> None:
    """Fail with a validation error (a service refusing input)."""
    from django.core.exceptions import ValidationError

    raise ValidationError({"team": ["no team 'mobile' in this workspace"]})


def report_in_raw_types(ctx: JobContext) -> dict[str, Any]:
    """Return a result with a list, a dict, a bool and a large number, as handlers do."""
    return {
        "work_items": 12345,
        "new_statuses": ["Backlog", "Done"],
        "new_alerts": 3,
        "per_team": {"Checkout": 2, "Mobile": 1},
        "complete": True,
    }
