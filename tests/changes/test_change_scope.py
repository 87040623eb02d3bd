"""The change-impact check reads the remaining scope from the data (the team's current sprint,
epics, a list of items), says where it came from, refuses to make one up, and shows the delay
as dates against the target date.

Hand-checkable: throughput is exactly one item a day (samples "1,1,…"), so n items take n days
from the day after the as-of date. As of Mon 2 June 2025, the current sprint "CHK Sprint 7"
(26 May → 8 June) holds CHK-1 … CHK-8, of which CHK-1..3 are done and CHK-4 was cancelled:
4 of 8 remain. Without the change: 4 days → Fri 6 June. Adding 5 items: 9 days → Wed 11 June.
Target Mon 9 June: met without the change, missed by 2 days with it.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from typer.testing import CliRunner

from leadline.changes import services as changes
from leadline.delivery.imports import import_records
from leadline.delivery.models import StatusMapping
from leadline.records import SprintRecord, WorkItemRecord

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 2)
NOW = datetime(2025, 6, 2, 15, tzinfo=UTC)
ONE_A_DAY = ",".join(["1"] * 28)
CATEGORIES = {"To Do": "backlog", "In Progress": "active", "Done": "done", "Cancelled": "removed"}


def _at(d: int, m: int = 5) -> datetime:
    return datetime(2025, m, d, 9, tzinfo=UTC)


def _item(key: str, status: str, sprints: list[str] = (), epic: str = "") -> WorkItemRecord:
    return WorkItemRecord(
        source="jira", key=key, title=key, created=_at(20), status=status,
        sprints=list(sprints), epic_key=epic,
    )  # fmt: skip


@pytest.fixture
def data(world):
    s6, s7 = "CHK Sprint 6", "CHK Sprint 7"
    sprints = [
        SprintRecord("jira", "6", s6, "closed", _at(12), _at(25), _at(25)),
        SprintRecord("jira", "7", s7, "active", _at(26), datetime(2025, 6, 8, 18, tzinfo=UTC)),
        SprintRecord("jira", "8", "CHK Sprint 8", "future", None, None),
    ]
    items = [
        _item("CHK-1", "Done", [s6, s7]),
        _item("CHK-2", "Done", [s7]),
        _item("CHK-3", "Done", [s7]),
        _item("CHK-4", "Cancelled", [s7]),
        _item("CHK-5", "In Progress", [s6, s7]),
        _item("CHK-6", "In Progress", [s7]),
        _item("CHK-7", "To Do", [s7]),
        _item("CHK-8", "To Do", [s7]),
        _item("CHK-9", "To Do", [s6]),  # left in the closed sprint: not current scope
        _item("CHK-10", "To Do"),
        _item("E-1", "In Progress"),
        _item("CHK-20", "Done", epic="E-1"),
        _item("CHK-21", "To Do", epic="E-1"),
        _item("CHK-22", "In Progress", epic="E-1"),
        _item("E-2", "To Do"),
        _item("CHK-30", "To Do", epic="E-2"),
    ]
    import_records(world.workspace, [*sprints, *items], team=world.teams["checkout"])
    for status, category in CATEGORIES.items():
        StatusMapping.objects.filter(workspace=world.workspace, status=status).update(
            category=category
        )
    return world


def _change(world, **kw):
    kw = {"title": "Gift cards", "team": world.teams["checkout"], "added_items": 5,
          "throughput_samples": ONE_A_DAY, **kw}  # fmt: skip
    return changes.create_change_request(world.access, **kw)


def _impact(cr):
    with time_machine.travel(NOW, tick=False):
        return changes.change_impact(cr, AS_OF)


def test_the_current_sprint_gives_the_remaining_scope_and_the_dates_against_the_target(data):
    cr = _change(data, scope_source="sprint", target_date=date(2025, 6, 9))
    impact = _impact(cr)
    scope = impact["scope"]
    assert scope["items"] == 4 and scope["problem"] == ""
    assert scope["label"] == (
        "sprint “CHK Sprint 7” of Checkout (2025-05-26 → 2025-06-08): 4 of 8 items not done"
    )
    assert sorted(scope["keys"]) == ["CHK-5", "CHK-6", "CHK-7", "CHK-8"]
    rows = {r["percentile"]: r for r in impact["forecast"]["rows"]}
    assert rows[85]["without"] == {"date": "2025-06-06", "days": 4}
    assert rows[85]["with"] == {"date": "2025-06-11", "days": 9}
    assert rows[85]["delay_days"] == 5
    assert impact["target"] == {
        "date": "2025-06-09",
        "percentile": 85,
        "without": {"date": "2025-06-06", "meets": True, "days_late": 0},
        "with": {"date": "2025-06-11", "meets": False, "days_late": 2},
    }


def test_a_blank_remaining_scope_is_not_counted_as_zero(data, client_for):
    cr = _change(data)  # no source chosen, no number entered: nothing to read
    impact = _impact(cr)
    assert impact["forecast"] is None and impact["target"] is None
    assert impact["scope"]["items"] is None
    assert impact["scope"]["problem"].startswith("Choose where the remaining scope comes from")
    with time_machine.travel(NOW, tick=False):
        html = client_for(data.member).get(f"/w/acme/changes/{cr.pk}/").content.decode()
    assert "data-scope-problem" in html and "Choose where the remaining scope comes from" in html
    assert "data-percentile" not in html and "0 items" not in html


def test_epics_give_their_items_not_done(data):
    impact = _impact(_change(data, scope_source="epics", scope_epics="E-1, E-2"))
    assert impact["scope"]["items"] == 3  # E-1: CHK-21, CHK-22; E-2: CHK-30
    assert impact["scope"]["label"] == "epics E-1 2, E-2 1 (items not done)"
    assert impact["forecast"]["rows"][2]["without"] == {"date": "2025-06-05", "days": 3}


def test_a_list_of_items_counts_those_not_done_and_an_unknown_key_is_named(data):
    impact = _impact(_change(data, scope_source="items", scope_items="CHK-1 CHK-7\nCHK-9,CHK-4"))
    assert impact["scope"]["items"] == 2
    assert impact["scope"]["label"] == "2 of 4 listed work items not done"
    impact = _impact(_change(data, scope_source="items", scope_items="CHK-7, NOPE-1, NOPE-2"))
    assert impact["forecast"] is None and impact["scope"]["items"] is None
    assert impact["scope"]["problem"] == (
        "No work item NOPE-1, NOPE-2 in this workspace: check the keys, or import the items."
    )


def test_an_unknown_epic_or_no_current_sprint_refuses_with_what_to_choose(data):
    impact = _impact(_change(data, scope_source="epics", scope_epics="E-404"))
    assert impact["forecast"] is None
    assert impact["scope"]["problem"] == (
        "No epic 'E-404' in this workspace (no item names it as its epic). Check the keys, or "
        "read the scope from the current sprint or a list of work items."
    )
    mobile = _change(data, scope_source="sprint", team=data.teams["mobile"])
    problem = _impact(mobile)["scope"]["problem"]
    assert problem.startswith("Mobile has no sprint running on 2025-06-02")
    checkout = _change(data, scope_source="sprint")
    early = changes.change_impact(checkout, date(2025, 5, 10))  # before sprint 6 started
    assert early["forecast"] is None
    assert "Checkout has no sprint running on 2025-05-10" in early["scope"]["problem"]


def test_a_sprint_the_tracker_still_calls_active_stays_current_after_its_end_date(data):
    late = changes.change_impact(_change(data, scope_source="sprint"), date(2025, 6, 12))
    assert late["scope"]["items"] == 4 and "CHK Sprint 7" in late["scope"]["label"]


def test_a_number_entered_by_hand_says_so(data):
    impact = _impact(_change(data, remaining_items=10))
    assert impact["scope"] == {
        "source": "manual", "label": "10 items, entered by hand", "items": 10, "problem": "",
        "keys": [],
    }  # fmt: skip
    assert impact["forecast"]["rows"][2]["with"]["days"] == 15


def test_a_source_without_what_it_needs_is_refused_naming_the_field(data):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _change(data, scope_source="epics")
    assert "scope_epics" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _change(data, scope_source="manual")
    assert "remaining_items" in exc.value.message_dict


def test_the_page_shows_where_the_scope_came_from_and_the_dates(data, client_for):
    cr = _change(data, scope_source="sprint", target_date=date(2025, 6, 9))
    with time_machine.travel(NOW, tick=False):
        html = client_for(data.viewer).get(f"/w/acme/changes/{cr.pk}/").content.decode()
    assert "sprint “CHK Sprint 7” of Checkout (2025-05-26 → 2025-06-08): 4 of 8 items" in html
    assert "2025-06-06" in html and "2025-06-11" in html
    assert 'data-meets="without">✓ meets the target' in html
    assert 'data-meets="with">✗ misses it by 2 days' in html


def test_the_page_edits_the_scope_of_a_pending_request(data, client_for):
    cr = _change(data)
    client = client_for(data.member)
    form = {
        "action": "edit", "title": cr.title, "team": data.teams["checkout"].pk,
        "urgency": "normal", "added_items": 5, "scope_source": "items",
        "scope_items": "CHK-7 CHK-8 CHK-10", "target_date": "2025-06-09",
        "throughput_samples": ONE_A_DAY,
    }  # fmt: skip
    assert client.post(f"/w/acme/changes/{cr.pk}/", form).status_code == 302
    cr.refresh_from_db()
    assert cr.scope_source == "items" and cr.target_date == date(2025, 6, 9)
    assert _impact(cr)["scope"]["items"] == 3
    html = client.post(f"/w/acme/changes/{cr.pk}/", {**form, "scope_items": ""}).content.decode()
    assert "List at least one work item key" in html
    cr.refresh_from_db()
    assert cr.scope_items == "CHK-7 CHK-8 CHK-10"


def test_the_api_reads_and_changes_the_scope(data, api_for):
    api = api_for(data.member)
    body = {"title": "Wishlist", "team": "checkout", "added_items": 5,
            "throughput_samples": ONE_A_DAY, "scope_source": "sprint",
            "target_date": "2025-06-09"}  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        created = api.post(
            "/api/v1/workspaces/acme/changes", json.dumps(body), content_type="application/json"
        )
        assert created.status_code == 201
        impact = created.json()["impact"]
        assert impact["scope"]["items"] == 4 and "CHK Sprint 7" in impact["scope"]["label"]
        assert impact["target"]["with"] == {"date": "2025-06-11", "meets": False, "days_late": 2}
        cid = created.json()["id"]
        patched = api.patch(
            f"/api/v1/workspaces/acme/changes/{cid}",
            json.dumps({"scope_source": "epics", "scope_epics": "E-404"}),
            content_type="application/json",
        )
    assert patched.status_code == 200
    out = patched.json()
    assert out["scope_source"] == "epics" and out["impact"]["forecast"] is None
    assert "E-404" in out["impact"]["scope"]["problem"]
    bad = api.patch(
        f"/api/v1/workspaces/acme/changes/{cid}",
        json.dumps({"scope_source": "items", "scope_items": ""}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "scope_items" in bad.json()["errors"]


def test_the_command_prints_the_scope_and_dates_and_fails_without_scope(data, monkeypatch):
    from leadline.cli import app

    monkeypatch.setattr("leadline.cli.common.setup_django", lambda: None)
    cr = _change(data, scope_source="sprint", target_date=date(2025, 6, 9))
    with time_machine.travel(NOW, tick=False):
        result = CliRunner().invoke(app, ["changes", "impact", str(cr.pk), "--workspace", "acme"])
    assert result.exit_code == 0, result.output
    assert "CHK Sprint 7" in result.output and "2025-06-11 (9 days)" in result.output
    assert "With it: 2025-06-11 at 85 % — misses the target 2025-06-09 by 2 days" in result.output
    blank = _change(data)
    with time_machine.travel(NOW, tick=False):
        result = CliRunner().invoke(
            app, ["changes", "impact", str(blank.pk), "--workspace", "acme", "--json"]
        )
    assert result.exit_code == 1
    assert "Choose where the remaining scope comes from" in result.output
