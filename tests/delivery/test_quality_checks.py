"""The vectorised data-quality checks agree with the item-by-item reference on any history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from leadline.delivery.quality import check_history
from leadline.delivery.services import History

from .quality_oracle import oracle_findings

STATUSES = ["Backlog", "Ready", "Doing", "Review", "Done", "Closed", "Gone"]
CATEGORIES = ["backlog", "active", "done", "removed", None]
SOURCES = ["jira", "csv"]
T0 = datetime(2025, 1, 1, tzinfo=UTC)

step = st.tuples(
    st.one_of(st.none(), st.sampled_from(STATUSES)),  # from_status
    st.sampled_from(STATUSES),  # to_status
    st.integers(-200, 5000),  # hours after the item's creation (may be before it)
)
item = st.tuples(st.sampled_from(SOURCES), st.integers(0, 400), st.lists(step, max_size=7))
mapping = st.dictionaries(
    st.tuples(st.sampled_from(SOURCES), st.sampled_from(STATUSES)), st.sampled_from(CATEGORIES)
)


def _history(items: list[tuple[str, int, list[tuple[str | None, str, int]]]]) -> History:
    rows_i, rows_t = [], []
    for n, (source, day, steps) in enumerate(items, start=1):
        created = T0 + timedelta(days=day)
        rows_i.append((n, f"K-{n}", "", "Story", created, f"item {n}", source))
        for seq, (from_status, to_status, hours) in enumerate(steps):
            rows_t.append((n, seq, created + timedelta(hours=hours), from_status, to_status))
    items_schema = {
        "item_id": pl.Int64, "key": pl.Utf8, "team": pl.Utf8, "type": pl.Utf8,
        "created": pl.Datetime("us", "UTC"), "title": pl.Utf8, "source": pl.Utf8,
    }  # fmt: skip
    transitions_schema = {
        "item_id": pl.Int64, "seq": pl.Int64, "at": pl.Datetime("us", "UTC"),
        "from_status": pl.Utf8, "to_status": pl.Utf8,
    }  # fmt: skip
    return History(
        pl.DataFrame(rows_i, schema=items_schema, orient="row"),
        pl.DataFrame(rows_t, schema=transitions_schema, orient="row"),
    )


def _mapping_frame(mapping: dict[tuple[str, str], str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [(source, status, category) for (source, status), category in mapping.items()],
        schema={"source": pl.Utf8, "to_status": pl.Utf8, "category": pl.Utf8},
        orient="row",
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(item, max_size=12), mapping)
def test_vectorised_checks_match_the_item_by_item_reference(items, categories):
    history = _history(items)
    got = check_history(history, _mapping_frame(categories))
    want = oracle_findings(history, categories)
    assert {k: (f.count, f.examples) for k, f in got.items() if k != "rejected_rows"} == {
        k: (f.count, f.examples) for k, f in want.items() if k != "rejected_rows"
    }


def test_each_check_fires_on_a_hand_made_history():
    mapping = {("jira", "Backlog"): "backlog", ("jira", "Doing"): "active",
               ("jira", "Done"): "done", ("jira", "Closed"): "done"}  # fmt: skip
    history = _history([
        ("jira", 10, [(None, "Backlog", 0), ("Backlog", "Done", 5)]),  # never started
        ("jira", 10, [(None, "Doing", 0), ("Doing", "Backlog", 5)]),  # backwards
        ("jira", 10, [(None, "Doing", 0), ("Doing", "Done", 5), ("Done", "Closed", 9)]),
        ("jira", 10, [(None, "Doing", 0), ("Review", "Done", -48)]),  # gap; done before created
        ("jira", 10, [(None, "Doing", 0), ("Doing", "Weird", 1)]),  # unmapped
    ])  # fmt: skip
    found = check_history(history, _mapping_frame(mapping))
    assert [e["key"] for e in found["finished_never_started"].examples] == ["K-1"]
    assert found["moved_backwards"].examples == [
        {"key": "K-2", "detail": "Doing → Backlog on 2025-01-11"}
    ]
    assert [e["key"] for e in found["changed_after_done"].examples] == ["K-3"]
    assert found["history_gaps"].examples == [
        {"key": "K-4", "detail": "2025-01-09: left 'Review' but was in 'Doing'"}
    ]
    assert found["finished_before_created"].examples == [
        {"key": "K-4", "detail": "finished 2025-01-09 00:00, created 2025-01-11 00:00"}
    ]
    assert found["unmapped_statuses"].examples == [
        {"key": "Weird", "detail": "1 transitions into it"}
    ]
