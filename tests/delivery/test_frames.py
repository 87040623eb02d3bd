"""delivery.frames: one scope filter for every bulk read, and the reads agree with the ORM."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadline.delivery.frames import (
    ScopeFilter,
    read_flags,
    read_history,
    read_rank_changes,
    read_sprint_changes,
    read_titles,
    read_transitions,
)
from leadline.delivery.imports import import_records
from leadline.delivery.models import Transition, WorkItem
from leadline.records import TransitionRecord, WorkItemRecord
from leadline.workspaces.models import Team

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def test_the_filter_names_workspace_teams_types_and_epics():
    assert ScopeFilter(7).items() == ("i.workspace_id = %s", [7])
    assert ScopeFilter(7, (3,)).rows("d") == ("d.workspace_id = %s AND d.team_id = %s", [7, 3])
    where, params = ScopeFilter(7, (3, 4), ("Bug",), ("E-1", "E-2")).items("x")
    assert where == (
        "x.workspace_id = %s AND x.team_id IN (%s, %s) AND x.type IN (%s)"
        " AND x.epic_key IN (%s, %s)"
    )
    assert params == [7, 3, 4, "Bug", "E-1", "E-2"]
    # Rows of tables without item types (deployments, incidents) ignore types and epics.
    assert ScopeFilter(7, (), ("Bug",), ("E-1",)).rows("n") == ("n.workspace_id = %s", [7])


def _items(prefix: str, n: int, epic: str = "") -> list[WorkItemRecord]:
    return [
        WorkItemRecord(
            source="csv",
            key=f"{prefix}-{k}",
            title=f"{prefix} {k}",
            created=T0 + timedelta(hours=k),
            type="Bug" if k % 2 else "Story",
            status="Done",
            epic_key=epic,
            transitions=[
                TransitionRecord(
                    f"{prefix}-{k}", T0 + timedelta(days=1, hours=k), "To Do", "Doing"
                ),
                TransitionRecord(f"{prefix}-{k}", T0 + timedelta(days=2, hours=k), "Doing", "Done"),
            ],
        )
        for k in range(n)
    ]


@pytest.mark.django_db
def test_reads_of_a_scope_hold_its_rows_and_no_others(make_workspace):
    ws = make_workspace("Frames")
    other = make_workspace("Elsewhere")
    alpha = Team.objects.create(workspace=ws, name="Alpha", slug="alpha")
    beta = Team.objects.create(workspace=ws, name="Beta", slug="beta")
    import_records(ws, _items("A", 4, epic="E-1"), team=alpha)
    import_records(ws, _items("B", 3), team=beta)
    import_records(other, _items("A", 2))

    def keys(scope: ScopeFilter) -> set[str]:
        return set(read_history(scope).items.get_column("key"))

    assert keys(ScopeFilter.of(ws)) == {f"A-{k}" for k in range(4)} | {f"B-{k}" for k in range(3)}
    assert keys(ScopeFilter.of(ws, alpha)) == {f"A-{k}" for k in range(4)}
    assert keys(ScopeFilter.of(ws, alpha, teams=[beta])) == {f"B-{k}" for k in range(3)}
    assert keys(ScopeFilter.of(ws, types=["Bug"])) == {"A-1", "A-3", "B-1"}
    assert keys(ScopeFilter.of(ws, epic_keys=["E-1"])) == {f"A-{k}" for k in range(4)}

    scope = ScopeFilter.of(ws, teams=[alpha, beta], types=["Story"])
    history = read_history(scope)
    ids = set(history.items.get_column("item_id"))
    assert set(history.transitions.get_column("item_id")) == ids
    orm = Transition.objects.filter(item_id__in=ids).count()
    assert history.transitions.height == orm == 2 * len(ids)
    titles = read_titles(scope)
    assert dict(zip(titles["item_id"], titles["title"], strict=True)) == dict(
        WorkItem.objects.filter(id__in=ids).values_list("id", "title")
    )
    epic = read_transitions(ScopeFilter.of(ws, epic_keys=["E-1"]))
    assert epic.height == 8 and set(epic.columns) == {
        "item_id",
        "seq",
        "at",
        "from_status",
        "to_status",
    }
    for read in (read_flags, read_sprint_changes, read_rank_changes):
        assert read(scope).is_empty()  # none imported; the columns are still there
        assert "item_id" in read(scope).columns
