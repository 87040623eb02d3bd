"""The generator is seeded, clock-free, and its histories are consistent."""

from __future__ import annotations

from datetime import UTC, date, datetime

import polars as pl
import pytest

from leadline.synth import SynthSpec, frames, generate, iter_items, simple_spec
from leadline.synth.spec import STATUS_NAMES, WORKFLOW

END = date(2025, 3, 3)


@pytest.fixture(scope="module")
def spec() -> SynthSpec:
    return simple_spec(3, 800, end=END, days=365, seed=11)


@pytest.fixture(scope="module")
def items(spec: SynthSpec) -> list:
    return list(iter_items(spec))


def test_same_seed_gives_identical_records_and_frames(spec: SynthSpec) -> None:
    first, second = generate(spec), generate(spec)
    assert first.items == second.items
    assert first.deployments == second.deployments
    assert first.incidents == second.incidents
    a_items, a_tr = frames(spec)
    b_items, b_tr = frames(spec)
    assert a_items.equals(b_items) and a_tr.equals(b_tr)


def test_a_different_seed_gives_different_items(spec: SynthSpec) -> None:
    other = simple_spec(3, 800, end=END, days=365, seed=12)
    assert list(iter_items(spec))[:50] != list(iter_items(other))[:50]


def test_nothing_happens_on_or_after_end(items: list) -> None:
    end = datetime(END.year, END.month, END.day, tzinfo=UTC)
    assert all(i.created < end and all(t.at < end for t in i.transitions) for i in items)


def test_transitions_are_chronological_and_chain_from_status_to_status(items: list) -> None:
    for item in items:
        ts = item.transitions
        assert all(a.at < b.at for a, b in zip(ts, ts[1:], strict=False)), item.key
        assert all(a.to_status == b.from_status for a, b in zip(ts, ts[1:], strict=False)), item.key
        assert (ts[-1].to_status if ts else "Backlog") == item.status
        assert not ts or ts[0].at > item.created
        assert (item.resolved is not None) == (item.status in ("Done", "Won't Do"))


def test_histories_include_the_awkward_cases(items: list) -> None:
    def entered(item, status):
        return [t for t in item.transitions if t.to_status == status]

    assert any(len(entered(i, "Done")) > 1 for i in items), "reopened items"
    assert any(
        t.from_status == "In Review" and t.to_status == "In Progress"
        for i in items
        for t in i.transitions
    )
    assert any(i.status == "Won't Do" for i in items)
    assert sum(i.status in ("In Progress", "In Review", "Blocked") for i in items) >= 5
    assert any(i.flags for i in items)
    assert {i.type for i in items} == {"Story", "Bug", "Task", "Epic"}
    assert any(i.epic_key for i in items) and any(i.story_points for i in items)


def test_some_scope_joins_a_sprint_after_it_started(spec: SynthSpec) -> None:
    data = generate(spec)
    starts = {s.name: s.start for s in data.sprints}
    first_adds = [i.sprint_changes[0] for i in data.items if i.sprint_changes]
    late = [c for c in first_adds if (c.at - starts[c.sprint]).days >= 2]
    assert len(late) > len(first_adds) / 4


def test_one_area_is_touched_by_only_one_person(items: list) -> None:
    solo = {tuple(i.assignees) for i in items if "legacy" in i.components and i.assignees}
    others = {a for i in items if "api" in i.components for a in i.assignees}
    assert len({a for team in solo for a in team}) == 3  # one person per team
    assert len(others) > 3


def test_frames_follow_the_engine_contract(spec: SynthSpec) -> None:
    items, transitions = frames(spec)
    assert items.schema == pl.Schema(
        {
            "item_id": pl.Int64,
            "key": pl.Utf8,
            "team": pl.Utf8,
            "type": pl.Utf8,
            "created": pl.Datetime("us", "UTC"),
        }
    )
    assert transitions.schema == pl.Schema(
        {"item_id": pl.Int64, "at": pl.Datetime("us", "UTC"), "status": pl.Utf8}
    )
    assert transitions.equals(transitions.sort("item_id", "at"))
    assert items["item_id"].is_unique().all() and items.height == 3 * 800
    assert set(transitions["status"].unique()) <= set(STATUS_NAMES)


def test_frames_hold_the_same_histories_as_the_records(spec: SynthSpec, items: list) -> None:
    df_items, df_tr = frames(spec)
    records = {i.key: i for i in items if i.type != "Epic"}
    assert set(df_items["key"]) == set(records)
    joined = df_tr.join(df_items.select("item_id", "key"), on="item_id")
    for key, group in joined.group_by("key"):
        rec = records[key[0]]
        expected = [("Backlog", rec.created)] + [(t.to_status, t.at) for t in rec.transitions]
        assert list(zip(group["status"], group["at"], strict=True)) == expected


def test_status_records_cover_every_category() -> None:
    data = generate(simple_spec(1, 50, end=END, seed=1))
    assert {s.category for s in data.statuses} == {s.category for s in WORKFLOW}
    assert {s.name for s in data.statuses if s.waiting} == {"In Review", "Blocked"}


def test_frames_scale_to_hundreds_of_thousands_of_items_in_seconds() -> None:
    import time

    t0 = time.perf_counter()
    items, transitions = frames(simple_spec(4, 50_000, end=END, days=730, seed=3))
    assert items.height == 200_000 and transitions.height > 1_000_000
    assert time.perf_counter() - t0 < 10
