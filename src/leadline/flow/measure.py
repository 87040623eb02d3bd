"""Which item time a flow report can show: cycle time needs starts, lead time only creation.

An import that carries only created and finished dates (a CSV without a start column, a board
whose items jump from the backlog straight to done) has items that finished without ever being
started. The engine then dates their start at their finish (ActionableAgile's convention for a
skipped stage), so every one of them would read as a 1-day cycle time. When most items finished
in the range were never started, the dashboard shows lead time (created -> finished) instead
and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from leadline.flow.stages import ACTIVE, lead_times, mapped_transitions
from leadline.flow.workflow import StageOptions, Workflow

# Below this share of really started items among those finished in the range, cycle time is
# "not available" and lead time is shown: most cycle times would otherwise be made up.
MIN_STARTED_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Measure:
    """Which time a report shows for the items finished in its range, and why.

    ``column`` is the cycle-time rows' column to read; ``note`` is empty for cycle time.
    """

    name: Literal["cycle_time", "lead_time"]
    column: Literal["cycle_time_days", "lead_time_days"]
    finished: int
    started: int
    note: str


def started_items(transitions: pl.DataFrame, workflow: Workflow) -> pl.DataFrame:
    """Return the ids (``item_id``) of items that ever entered an active stage."""
    return (
        mapped_transitions(transitions, workflow, strict=False)
        .filter(pl.col("cat") == ACTIVE)
        .select("item_id")
        .unique()
        .collect()
    )


def with_lead_times(
    cycle: pl.DataFrame, dates: pl.DataFrame, options: StageOptions
) -> pl.DataFrame:
    """Add ``lead_time_days`` (created -> finished, inclusive days) to the cycle-time rows."""
    lead = lead_times(dates, options).select("item_id", "lead_time_days")
    return cycle.join(lead, on="item_id", how="left")


def choose_measure(cycle: pl.DataFrame, started: pl.DataFrame) -> Measure:
    """Return which time to show for the items finished in the range (``cycle``)."""
    finished = cycle.height
    really = cycle.join(started, on="item_id", how="semi").height if finished else 0
    if not finished or really >= MIN_STARTED_SHARE * finished:
        return Measure("cycle_time", "cycle_time_days", finished, really, "")
    note = (
        f"Cycle time is not available: only {really:,} of the {finished:,} items finished in "
        "this range were ever in an active stage (the data has no start for the others, e.g. "
        "a CSV with created and finished dates only). Showing lead time instead: created → "
        "finished, whole calendar days inclusive. Import start dates (or map a status to an "
        "active stage) to see cycle time."
    )
    return Measure("lead_time", "lead_time_days", finished, really, note)
