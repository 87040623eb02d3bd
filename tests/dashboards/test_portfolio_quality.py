"""The portfolio's data-quality column equals each team's own report, type filter or not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadline.dashboards.portfolio import portfolio
from leadline.dashboards.scope import parse_scope
from leadline.delivery.imports import import_records
from leadline.delivery.models import StatusMapping
from leadline.delivery.quality import quality_report
from leadline.records import TransitionRecord, WorkItemRecord
from leadline.workspaces.models import Team

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 2, 3, 9, tzinfo=UTC)


def _item(key: str, type_: str, *moves: tuple[int, str | None, str]) -> WorkItemRecord:
    return WorkItemRecord(
        source="csv", key=key, title=key, created=T0, type=type_, status=moves[-1][2],
        transitions=[TransitionRecord(key, T0 + timedelta(days=d), a, b) for d, a, b in moves],
    )  # fmt: skip


def test_each_teams_findings_match_its_own_report(make_workspace):
    ws = make_workspace("Portfolio quality")
    red = Team.objects.create(workspace=ws, name="Red", slug="red")
    blue = Team.objects.create(workspace=ws, name="Blue", slug="blue")
    import_records(ws, [
        _item("R-1", "Bug", (1, None, "Doing"), (2, "Doing", "Todo")),  # backwards
        _item("R-2", "Story", (1, None, "Todo"), (2, "Todo", "Done")),  # never started
        _item("R-3", "Bug", (1, None, "Doing"), (3, "Review", "Done")),  # a gap
    ], team=red)  # fmt: skip
    import_records(ws, [_item("B-1", "Story", (1, None, "Doing"), (4, "Doing", "Done"))], team=blue)
    for status, category in (("Todo", "backlog"), ("Doing", "active"), ("Done", "done")):
        StatusMapping.objects.filter(workspace=ws, status=status).update(category=category)
    own = {t.slug: quality_report(ws, t)["findings"] for t in (red, blue)}
    assert own == {"red": 3, "blue": 0}
    for query in ({}, {"type": "Story"}):
        scope = parse_scope(ws, None, {"start": "2025-01-01", "end": "2025-03-31", **query})
        got = {r["team"]: r["quality_findings"] for r in portfolio(scope)["teams"]}
        assert got == own


def test_the_note_for_teams_together_covers_just_those_teams(make_workspace):
    from leadline.dashboards import services

    ws = make_workspace("Group quality")
    teams = {s: Team.objects.create(workspace=ws, name=s, slug=s) for s in ("a", "b", "c")}
    import_records(
        ws, [_item("A-1", "Bug", (1, None, "Doing"), (3, "Review", "Done"))], team=teams["a"]
    )
    import_records(
        ws, [_item("B-1", "Story", (1, None, "Doing"), (4, "Doing", "Done"))], team=teams["b"]
    )
    import_records(ws, [_item("C-1", "Story", (1, None, "Doing"), (2, "Gone", "Done")),
                        _item("C-2", "Story", (1, None, "Doing"), (2, "Gone", "Done"))], team=teams["c"])  # fmt: skip
    window = {"start": "2025-01-01", "end": "2025-03-31"}
    together = services.flow(parse_scope(ws, None, {**window, "teams": "a,b"}))["quality"]
    everyone = services.flow(parse_scope(ws, None, window))["quality"]
    assert (together["items"], everyone["items"]) == (2, 4)
    assert (together["findings"], everyone["findings"]) == (1, 3)  # one history gap per item
