"""Stage dates: started, finished, reopen, removal, backward moves, day counting, time zones."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from leadline.flow import (
    StageOptions,
    cycle_times,
    frames_from_records,
    lead_times,
    stage_dates,
    unmapped_statuses,
    work_item_age,
)
from leadline.records import TransitionRecord, WorkItemRecord
from tests.flow.factories import T0, frames, workflow


def _row(dates: pl.DataFrame, item_id: int) -> dict:
    return dates.filter(pl.col("item_id") == item_id).row(0, named=True)


def test_reopened_item_finishes_at_its_last_done():
    items, tr = frames(
        {1: [(0, "To Do"), (1, "In Progress"), (3, "Done"), (4, "In Progress"), (6, "Done")]}
    )
    row = _row(stage_dates(items, tr, workflow()), 1)
    assert row["started"] == T0 + timedelta(days=1)
    assert row["finished"] == T0 + timedelta(days=6)


def test_reopened_item_still_open_has_no_finish():
    items, tr = frames({1: [(0, "To Do"), (1, "In Progress"), (3, "Done"), (4, "In Review")]})
    row = _row(stage_dates(items, tr, workflow()), 1)
    assert row["finished"] is None and row["stage"] == "Review" and row["category"] == "active"


def test_removed_item_has_no_finish_and_no_throughput():
    items, tr = frames({1: [(0, "To Do"), (1, "In Progress"), (2, "Won't Do")]})
    dates = stage_dates(items, tr, workflow())
    assert _row(dates, 1)["removed"] and _row(dates, 1)["finished"] is None
    assert cycle_times(dates).is_empty()


def test_same_day_start_and_finish_is_one_day_inclusive_and_zero_exclusive():
    items, tr = frames({1: [(0, "To Do"), (1, "In Progress"), (1.2, "Done")]})
    dates = stage_dates(items, tr, workflow())
    assert cycle_times(dates)["cycle_time_days"].item() == 1
    assert cycle_times(dates, StageOptions(days="exclusive"))["cycle_time_days"].item() == 0
    assert lead_times(dates)["lead_time_days"].item() == 2


def test_day_boundaries_follow_the_time_zone():
    # 10:00 UTC + 0.5 day = 22:00 UTC, which is the next day in Tokyo.
    items, tr = frames({1: [(0, "To Do"), (0.01, "In Progress"), (0.5, "Done")]})
    dates = stage_dates(items, tr, workflow())
    assert cycle_times(dates)["cycle_time_days"].item() == 1
    tokyo = StageOptions(tz="Asia/Tokyo")
    assert cycle_times(dates, tokyo)["cycle_time_days"].item() == 2


def test_last_commitment_restarts_after_a_return_to_backlog():
    hist = {1: [(0, "To Do"), (1, "In Progress"), (2, "To Do"), (5, "In Progress"), (7, "Done")]}
    items, tr = frames(hist)
    first = _row(stage_dates(items, tr, workflow()), 1)
    last = _row(stage_dates(items, tr, workflow(), StageOptions(start="last")), 1)
    assert first["started"] == T0 + timedelta(days=1)
    assert last["started"] == T0 + timedelta(days=5)


def test_backward_move_resets_later_stages_only_when_asked():
    hist = {
        1: [
            (0, "To Do"),
            (1, "In Progress"),
            (2, "In Review"),
            (3, "In Progress"),
            (5, "In Review"),
        ]
    }
    items, tr = frames(hist)
    keep = _row(stage_dates(items, tr, workflow()), 1)
    reset = _row(stage_dates(items, tr, workflow(), StageOptions(backward="reset")), 1)
    assert keep["entered:Review"] == T0 + timedelta(days=2)
    assert reset["entered:Review"] == T0 + timedelta(days=5)
    assert reset["entered:Dev"] == T0 + timedelta(days=1)


def test_item_that_skips_active_starts_when_it_finishes():
    items, tr = frames({1: [(0, "To Do"), (2, "Done")]})
    row = _row(stage_dates(items, tr, workflow()), 1)
    assert row["started"] == row["finished"] == T0 + timedelta(days=2)


def test_unmapped_statuses_are_reported_and_refused_unless_relaxed():
    items, tr = frames({1: [(0, "To Do"), (1, "Blocked?"), (2, "In Progress")]})
    assert unmapped_statuses(workflow(), tr) == ["Blocked?"]
    with pytest.raises(ValueError, match="Blocked"):
        stage_dates(items, tr, workflow())
    assert _row(stage_dates(items, tr, workflow(), strict=False), 1)["stage"] == "Dev"


def test_work_item_age_counts_items_in_progress_at_as_of():
    items, tr = frames(
        {1: [(0, "To Do"), (1, "In Progress")], 2: [(0, "To Do"), (1, "In Progress"), (9, "Done")]}
    )
    dates = stage_dates(items, tr, workflow())
    ages = work_item_age(dates, date(2024, 1, 5))
    assert dict(zip(ages["item_id"], ages["age_days"], strict=False)) == {1: 4, 2: 4}
    assert work_item_age(dates, date(2024, 1, 12))["item_id"].to_list() == [1]


def test_frames_from_records_enter_the_initial_status_at_creation():
    rec = WorkItemRecord(
        source="jira",
        key="A-1",
        title="x",
        created=T0,
        status="Done",
        project="A",
        transitions=[TransitionRecord("A-1", T0 + timedelta(days=1), "To Do", "Done")],
    )
    items, tr = frames_from_records([rec])
    assert tr["status"].to_list() == ["To Do", "Done"] and items["team"].item() == "A"
