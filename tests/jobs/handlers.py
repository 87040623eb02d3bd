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
