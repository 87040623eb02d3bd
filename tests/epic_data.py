"""A small workspace for forecast tests: two teams with steady throughput and three epics whose
remaining items can be counted by hand as of ``AS_OF``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from leadline.delivery.imports import import_records
from leadline.delivery.models import StatusMapping
from leadline.records import TransitionRecord, WorkItemRecord
from leadline.workspaces.models import Role, Team

AS_OF = date(2025, 3, 1)
END = f"end={AS_OF.isoformat()}"
CATEGORIES = {"To Do": "backlog", "In Progress": "active", "Done": "done", "Cancelled": "removed"}
# Remaining as of AS_OF, by hand (see build_epic_workspace).
REMAINING = {"E-1": 3, "E-2": 0, "E-3": 3, "E-4": 0}


def _at(day: int, hour: int = 10) -> datetime:
    """Day ``day`` relative to AS_OF (0 = the as-of date itself), at ``hour`` UTC."""
    return datetime.combine(AS_OF + timedelta(days=day), datetime.min.time(), UTC).replace(
        hour=hour
    )


def _item(
    key: str, moves: list[tuple[int, str]], *, epic: str = "", type_: str = "Story", title: str = ""
) -> WorkItemRecord:
    """An item created two days before its first move (or at day -90 without moves)."""
    created = _at(moves[0][0] - 2 if moves else -90)
    transitions, before = [], "To Do"
    for day, status in moves:
        transitions.append(TransitionRecord(key, _at(day), before, status))
        before = status
    return WorkItemRecord(
        source="csv", key=key, title=title or key, created=created, type=type_,
        status=before, epic_key=epic, transitions=transitions,
    )  # fmt: skip


def _finished(key: str, day: int, epic: str = "") -> WorkItemRecord:
    return _item(key, [(day - 3, "In Progress"), (day, "Done")], epic=epic)


def build_epic_workspace(make_user: Any, make_workspace: Any) -> tuple[Any, Any]:
    """Return (workspace, lead user).

    Alpha finishes an item every 2nd day and Beta every 3rd day over the 84 days to AS_OF (and
    some after it). Epics, as of AS_OF: E-1 (Alpha) has 2 of 5 children done: 3 remain. E-2's
    two children are done: 0 remain. E-3 (Beta): M-1 in progress, M-2 cancelled, M-3 finishes
    after AS_OF, M-4 is created after AS_OF, M-5 was done at AS_OF and reopened later, M-6 was
    done and reopened before AS_OF: M-1, M-3 and M-6 remain (3). E-4 is an epic without
    children (0). X-9 is no epic.
    """
    user = make_user("fc-lead")
    workspace = make_workspace("Forecast epics", {user: Role.LEAD})
    alpha = Team.objects.create(workspace=workspace, name="Alpha", slug="alpha")
    beta = Team.objects.create(workspace=workspace, name="Beta", slug="beta")
    a_items = [_finished(f"A-{n}", -n) for n in range(0, 84, 2)]
    a_items += [_finished("A-after", 2)]
    a_items += [
        _item("E-1", [(-40, "In Progress")], type_="Epic", title="Checkout revamp"),
        _finished("C-1", -10, "E-1"),
        _finished("C-2", -5, "E-1"),
        _item("C-3", [(-4, "In Progress")], epic="E-1"),
        _item("C-4", [], epic="E-1"),
        _item("C-5", [(-20, "In Progress"), (-15, "To Do")], epic="E-1"),
        _item("E-2", [(-50, "In Progress"), (-30, "Done")], type_="Epic", title="Login"),
        _finished("D-1", -33, "E-2"),
        _finished("D-2", -31, "E-2"),
        _item("E-4", [], type_="Epic", title="Someday"),
    ]
    b_items = [_finished(f"B-{n}", -n) for n in range(1, 84, 3)]
    b_items += [
        _item("E-3", [(-20, "In Progress")], type_="Epic", title="Mobile app"),
        _item("M-1", [(-6, "In Progress")], epic="E-3"),
        _item("M-2", [(-8, "In Progress"), (-7, "Cancelled")], epic="E-3"),
        _item("M-3", [(-3, "In Progress"), (3, "Done")], epic="E-3"),
        _item("M-4", [(5, "In Progress")], epic="E-3"),
        _item("M-5", [(-9, "In Progress"), (-1, "Done"), (4, "In Progress")], epic="E-3"),
        _item("M-6", [(-12, "In Progress"), (-9, "Done"), (-2, "In Progress")], epic="E-3"),
    ]
    import_records(workspace, a_items, team=alpha)
    import_records(workspace, b_items, team=beta)
    for status, category in CATEGORIES.items():
        StatusMapping.objects.filter(workspace=workspace, status=status).update(category=category)
    assert StatusMapping.objects.filter(workspace=workspace, category="removed").exists()
    return workspace, user
