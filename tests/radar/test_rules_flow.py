"""The flow rules over a hand-checkable world (tests/radar/flow_world.py) with time frozen: each
fires when its condition holds with the numbers it shows, stays quiet when it does not, and
names the team's lead."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadline.radar import engine
from leadline.radar.models import Finding

from .flow_world import NOW, TODAY, FlowWorld, ago, build

LENA = [{"kind": "person", "name": "Lena (lead, Checkout)"}]


@pytest.fixture
def flow(make_user, make_workspace) -> FlowWorld:
    return build(make_user, make_workspace)


def _run(world, key: str, now=NOW) -> list[Finding]:
    result = engine.run(world.workspace, now, only=[key])
    assert result.errors == {}
    return list(
        Finding.objects.filter(workspace=world.workspace, rule=key, status="open").order_by(
            "subject_id"
        )
    )


def _evidence(f: Finding) -> dict[str, str]:
    return {e["label"]: e["value"] for e in f.evidence}


# wip_above_norm ------------------------------------------------------------------------------


@pytest.fixture
def steady_wip(flow):
    """Two items in progress for 70 days: WIP 2 every day of the last 8 weeks."""
    flow.item("OLD-1", [(70, "In Progress")])
    flow.item("OLD-2", [(70, "In Progress")])
    flow.item("TICK", [(2, "In Progress"), (2, "Done", 15)])  # recent activity, WIP unchanged
    return flow


def test_wip_above_its_norm_fires_with_the_norm_and_the_lead(steady_wip):
    for n in range(4):
        steady_wip.item(f"NEW-{n}", [(1, "In Progress")])
    (f,) = _run(steady_wip, "wip_above_norm")
    assert (f.subject_kind, f.subject_id, f.severity) == (
        "team", str(steady_wip.checkout.pk), "high",  # 6 ≥ median 2 × 1.5
    )  # fmt: skip
    ev = _evidence(f)
    assert ev["In progress now"] == "6 items"
    assert ev["Usual WIP (P85 of each day's, last 8 weeks)"] == "2 items"
    assert ev["Median WIP, last 8 weeks"] == "2 items"
    assert f.score == 4
    assert f.talk_to == LENA
    assert "Checkout has 6 items in progress" in f.conversation
    assert f.subject_url == f"/w/{steady_wip.workspace.slug}/delivery/?team=checkout"


def test_wip_at_its_norm_is_quiet(steady_wip):
    assert _run(steady_wip, "wip_above_norm") == []


def test_a_team_whose_data_stopped_arriving_is_left_alone(flow):
    flow.item("OLD-1", [(70, "In Progress")])
    for n in range(4):
        flow.item(f"NEW-{n}", [(20, "In Progress")])  # above the norm, but nothing since
    assert _run(flow, "wip_above_norm") == []


# starting_more_than_finishing ----------------------------------------------------------------


def _weeks_of_starts(world, finished_each_week: int) -> None:
    """Three items started in each of the last three weeks; ``finished_each_week`` of each
    week's three finish the next day."""
    for week, day in enumerate((18, 11, 4)):
        for n in range(3):
            moves = [(day, "In Progress")]
            if n < finished_each_week:
                moves.append((day - 1, "Done"))
            world.item(f"S{week}-{n}", moves)


def test_starting_more_than_finishing_for_three_weeks_fires(flow):
    _weeks_of_starts(flow, finished_each_week=1)
    (f,) = _run(flow, "starting_more_than_finishing")
    ev = _evidence(f)
    assert ev["Started (moved into progress), last 3 weeks"] == "9 items (3, 3, 3 a week)"
    assert ev["Finished or set aside (moved out of progress), last 3 weeks"] == (
        "3 items (1, 1, 1 a week)"
    )
    assert (f.severity, f.score) == ("high", 6)  # 9 started ≥ 2 × 3 finished
    assert f.talk_to == LENA
    assert f.conversation.startswith(
        "Checkout has started 9 items and finished (or set aside) 3 over the last 3 weeks; what "
        "would it take to finish two before starting the next?"
    )


def test_finishing_as_much_as_starting_is_quiet(flow):
    _weeks_of_starts(flow, finished_each_week=3)
    assert _run(flow, "starting_more_than_finishing") == []


# aging_work ----------------------------------------------------------------------------------


@pytest.fixture
def aging(flow):
    """Ten items finished 15 days ago with cycle times 1..10 days (p85 9, p95 10); three in
    progress aged 5, 10 and 12 days (today counts)."""
    for c in range(1, 11):
        flow.item(f"F-{c}", [(15 + c - 1, "In Progress"), (15, "Done")])
    for age in (5, 10, 12):
        flow.item(f"A-{age}", [(age - 1, "In Progress")])
    return flow


def test_items_older_than_the_p85_fire_one_finding_each_rising_past_the_p95(aging):
    found = {f.subject_id: f for f in _run(aging, "aging_work")}
    assert set(found) == {"A-10", "A-12"}  # A-5 is younger than the p85
    assert (found["A-10"].severity, found["A-12"].severity) == ("medium", "high")
    f = found["A-12"]
    assert (f.subject_kind, f.subject_name) == ("work_item", "A-12 Item A-12")
    ev = _evidence(f)
    assert ev["Age"] == "12 days (started 2026-02-19, now in In Progress)"
    assert ev["Cycle time of the team's finished items"] == (
        "p85 = 9 days, p95 = 10 days (10 items, last 26 weeks)"
    )
    assert ev["Items in progress beyond p85"] == "2 of 3 items"
    assert f.talk_to == LENA
    assert "within 9" in f.conversation


def test_only_the_oldest_items_per_team_are_raised_and_the_evidence_counts_all(aging):
    from leadline.radar import services

    services.set_rule(aging.access, "aging_work", None, thresholds={"max_items": 1})
    (f,) = _run(aging, "aging_work")
    assert f.subject_id == "A-12"
    assert _evidence(f)["Items in progress beyond p85"] == "2 of 3 items"


def test_an_aging_item_blocked_by_a_late_dependency_is_left_to_blocked_chain(aging):
    from leadline.raid.models import RaidItem

    RaidItem.objects.create(
        workspace=aging.workspace, kind="dependency", title="Payments API from Platform",
        need_by=NOW.date() - timedelta(days=3), work_items="A-12", team=aging.checkout,
        created_at=NOW - timedelta(days=20),
    )  # fmt: skip
    result = engine.run(aging.workspace, NOW, only=["aging_work", "blocked_chain"])
    assert result.errors == {}
    found = {(f.rule, f.subject_id) for f in Finding.objects.filter(workspace=aging.workspace)}
    assert found == {("aging_work", "A-10"), ("blocked_chain", "A-12")}
    # Without the chain rule in the run, the aging item has its own finding again.
    assert {f.subject_id for f in _run(aging, "aging_work")} == {"A-10", "A-12"}


def test_a_finished_aging_item_clears_and_reopens_when_it_comes_back(aging):
    _run(aging, "aging_work")
    from leadline.delivery.models import WorkItem

    item = WorkItem.objects.get(workspace=aging.workspace, key="A-12")
    aging.move(item, NOW + timedelta(hours=1), "Done")
    assert engine.run(aging.workspace, NOW + timedelta(days=1), only=["aging_work"]).cleared == 1
    f = Finding.objects.get(workspace=aging.workspace, rule="aging_work", subject_id="A-12")
    assert f.status == "resolved"
    aging.move(item, NOW + timedelta(days=1, hours=2), "In Progress")  # reopened: not done
    result = engine.run(aging.workspace, NOW + timedelta(days=2), only=["aging_work"])
    assert result.reopened == 1
    f.refresh_from_db()
    assert f.status == "open"
    assert _evidence(f)["Age"].startswith("14 days")
    assert [e.action for e in f.events.all()] == ["raised", "cleared", "reopened"]


def test_without_enough_finished_items_aging_is_quiet(flow):
    flow.item("F-1", [(20, "In Progress"), (15, "Done")])
    flow.item("A-30", [(29, "In Progress")])
    assert _run(flow, "aging_work") == []


# throughput_falling --------------------------------------------------------------------------


def _throughput(world, weekly: list[int]) -> None:
    """Items finished (started the same day) in each 7-day period ending today, oldest first."""
    for i, n in enumerate(weekly):
        day = 7 * (len(weekly) - 1 - i) + 3
        for k in range(n):
            world.item(f"T{i}-{k}", [(day, "In Progress", 9), (day, "Done", 15)])


def test_throughput_below_its_trailing_range_fires(flow):
    _throughput(flow, [4, 6] * 6 + [1, 1])
    (f,) = _run(flow, "throughput_falling")
    ev = _evidence(f)
    assert ev["Finished, last 2 weeks"] == "2 items (1, 1 a week)"
    assert ev["The 12 weeks before"] == "4–6 a week (P10 to max), median 4"
    assert (f.severity, f.score) == ("high", 6)  # 2 < half of 2 weeks at the median 4
    assert f.talk_to == LENA


def test_throughput_within_its_range_is_quiet(flow):
    _throughput(flow, [4, 6] * 6 + [1, 4])
    assert _run(flow, "throughput_falling") == []


# rework_rising -------------------------------------------------------------------------------


def _rework(world, reopened_before: int) -> None:
    """Ten items finished in each of the last two 4-week periods; three of the recent ones were
    reopened after being done, ``reopened_before`` of the earlier ones."""
    for n in range(10):
        if n < 3:
            world.item(f"R-{n}", [(24, "In Progress"), (20, "Done"), (15, "In Progress"),
                                  (10, "Done")])  # fmt: skip
        else:
            world.item(f"R-{n}", [(12, "In Progress"), (10, "Done")])
        if n < reopened_before:
            world.item(f"P-{n}", [(50, "In Progress"), (45, "Done"), (42, "To Do"),
                                  (40, "Done")])  # fmt: skip
        else:
            world.item(f"P-{n}", [(45, "In Progress"), (40, "Done")])


def test_reopened_share_rising_fires(flow):
    _rework(flow, reopened_before=0)
    (f,) = _run(flow, "rework_rising")
    ev = _evidence(f)
    assert ev["Reopened, last 4 weeks"] == "3 items, against 10 items finished (30 %)"
    assert ev["Reopened, the 4 weeks before"] == "0 items, against 10 items finished (0 %)"
    assert set(ev["Most recently reopened"].split(", ")) == {"R-0", "R-1", "R-2"}
    assert (f.severity, f.score) == ("high", 30)
    assert "acceptance criteria" in f.conversation and f.talk_to == LENA


def test_the_same_reopened_share_as_before_is_quiet(flow):
    _rework(flow, reopened_before=3)
    assert _run(flow, "rework_rising") == []


# waiting_stage -------------------------------------------------------------------------------


def test_most_time_in_one_waiting_stage_fires(flow):
    # In Progress at the end of 2 days, then in Review at the end of each of the last 26.
    flow.item("W-1", [(27, "In Progress"), (25, "Review")])
    flow.item("W-2", [(27, "In Progress"), (25, "Review")])
    flow.item("TICK", [(2, "In Progress"), (2, "Done", 15)])  # recent activity, in no day's WIP
    (f,) = _run(flow, "waiting_stage")
    ev = _evidence(f)
    assert ev["Time in progress in “Review”, last 4 weeks"] == "93 % (52 of 56 item-days)"
    assert ev["Flow efficiency (items finished in the last 26 weeks)"] == "100 % of 1 item"
    assert (f.severity, f.score) == ("medium", 93)
    assert "“Review”" in f.conversation and f.talk_to == LENA


def test_low_flow_efficiency_and_one_waiting_stage_is_high(flow):
    # Worked 3 hours, then 10 days in review: efficiency about 1 %.
    for n in range(10):
        flow.item(f"E-{n}", [(20, "In Progress", 9), (20, "Review", 12), (10, "Done", 9)])
    (f,) = _run(flow, "waiting_stage")
    assert f.severity == "high"
    assert _evidence(f)["Flow efficiency (items finished in the last 26 weeks)"] == (
        "1 % of 10 items"
    )


def test_work_mostly_worked_on_is_quiet(flow):
    flow.item("W-1", [(27, "In Progress"), (2, "Review")])
    flow.item("W-2", [(27, "In Progress")])
    assert _run(flow, "waiting_stage") == []


# sprint_scope_added --------------------------------------------------------------------------


@pytest.fixture
def sprint(flow):
    """Sprint S1 of Checkout started 6 days ago with 4 items; 4 more came in 3 days ago."""
    from leadline.delivery.models import Sprint

    Sprint.objects.create(
        workspace=flow.workspace, team=flow.checkout, source="jira", external_id="1", name="S1",
        state="active", start=ago(6, 8), end=ago(-8, 17),
    )  # fmt: skip
    for n in range(4):
        flow.item(f"C-{n}", [(5, "In Progress")], sprints=[(7, "S1", True)])
        flow.item(f"X-{n}", [(2, "In Progress")], sprints=[(3, "S1", True)])
    return flow


def _change(world, team, added: int, days: float, status: str = "pending", **extra):
    from leadline.changes.models import ChangeRequest

    return ChangeRequest.objects.create(
        workspace=world.workspace, team=team, title=extra.pop("title", "Add vouchers"),
        added_items=added, created_at=ago(days), status=status, **extra,
    )  # fmt: skip


def test_items_added_to_a_running_sprint_without_a_change_request_fire(sprint):
    _change(sprint, sprint.mobile, 4, 2)  # another team's request covers nothing here
    _change(sprint, sprint.checkout, 4, 10)  # before the sprint started
    (f,) = _run(sprint, "sprint_scope_added")
    assert (f.subject_kind, f.subject_id, f.subject_name) == (
        "sprint", f"{sprint.checkout.pk}:S1", "S1 (Checkout)",
    )  # fmt: skip
    ev = _evidence(f)
    assert ev["Sprint"] == "started 2026-02-24, 4 items committed at the start"
    assert ev["Added after the start"] == "4 items"
    assert ev["Change requests for Checkout since 2026-02-24"] == "none"
    assert (f.severity, f.score) == ("high", 4)  # 4 of 4 committed ≥ 25 %
    assert f.talk_to == LENA


def test_items_added_with_a_change_request_are_quiet(sprint):
    _change(sprint, sprint.checkout, 2, 2)  # covers 2 of the 4: 2 left, under 3
    assert _run(sprint, "sprint_scope_added") == []


# forecast_misses_target ----------------------------------------------------------------------


def _promise(world, remaining: int, added: int, status: str):
    """A request whose remaining scope is entered by hand, finished at one item a day (its own
    samples: no delivery data), promised a week from today."""
    return _change(
        world, world.checkout, added, 1, status, title="Gift cards", scope_source="manual",
        remaining_items=remaining, throughput_samples="1,1,1,1,1,1,1",
        target_date=TODAY + timedelta(days=7),
    )  # fmt: skip


def test_an_approved_change_whose_forecast_misses_its_target_fires(flow):
    cr = _promise(flow, remaining=5, added=20, status="approved")
    (f,) = _run(flow, "forecast_misses_target")
    assert (f.subject_kind, f.subject_id) == ("change_request", str(cr.pk))
    ev = _evidence(f)
    assert ev["Target date"] == "2026-03-09"
    # 25 items at one a day from tomorrow: done on 27 March, 18 days late
    assert ev["Forecast at 85 %"] == "2026-03-27 (18 days late)"
    assert ev["Scope"] == "25 items: 5 items, entered by hand, plus the change's 20 items"
    assert (f.severity, f.score) == ("high", 18)
    assert f.talk_to == LENA
    assert f.subject_url == f"/w/{flow.workspace.slug}/changes/{cr.pk}/"


def test_a_pending_change_is_not_yet_part_of_the_promise(flow):
    _promise(flow, remaining=5, added=20, status="pending")  # 5 items: done by 7 March
    assert _run(flow, "forecast_misses_target") == []


def test_the_requester_is_named_beside_the_lead(flow):
    from leadline.workspaces.models import Person

    sam = Person.objects.create(workspace=flow.workspace, name="Sam", kind="stakeholder")
    cr = _promise(flow, remaining=30, added=0, status="pending")
    cr.requested_by = sam
    cr.save()
    (f,) = _run(flow, "forecast_misses_target")
    assert f.talk_to == [*LENA, {"kind": "person", "name": "Sam (asked for it)"}]


def test_a_team_without_a_lead_of_its_own_goes_to_the_workspace_lead(flow):
    for n in range(4):
        flow.item(f"M-{n}", [(70, "In Progress")], team=flow.mobile)
    for n in range(4):
        flow.item(f"N-{n}", [(1, "In Progress")], team=flow.mobile)
    (f,) = _run(flow, "wip_above_norm")
    assert f.talk_to == [{"kind": "person", "name": "Lena (workspace lead)"}]


def test_a_target_long_past_is_history(flow):
    cr = _promise(flow, remaining=30, added=0, status="pending")
    cr.target_date = TODAY - timedelta(days=15)
    cr.save()
    assert _run(flow, "forecast_misses_target") == []
    cr.target_date = TODAY - timedelta(days=14)
    cr.save()
    assert len(_run(flow, "forecast_misses_target")) == 1


def test_a_dismissed_aging_item_comes_back_only_after_another_p85(aging):
    from leadline.radar import services

    _run(aging, "aging_work")
    f = Finding.objects.get(workspace=aging.workspace, rule="aging_work", subject_id="A-10")
    services.act(aging.access, f.pk, "dismiss", aging.lead, reason="Waiting on the bank", now=NOW)
    for days, status in ((3, "dismissed"), (7, "dismissed"), (8, "open")):  # age 13, 17, 18
        engine.run(aging.workspace, NOW + timedelta(days=days), only=["aging_work"])
        f.refresh_from_db()
        assert f.status == status, days  # 18 days is twice the p85 of 9


def test_more_reopenings_than_the_figures_list_are_all_counted(flow):
    # 12 items reopened (one of them twice) in the last 4 weeks: beyond the 10 the flow
    # figures list, so the rule reads every move; 2 reopened of 12 finished before.
    for n in range(12):
        moves = [(24, "In Progress"), (20, "Done"), (15, "In Progress"), (10, "Done")]
        if n == 0:
            moves += [(8, "In Progress"), (6, "Done")]
        flow.item(f"R-{n}", moves)
    for n in range(12):
        moves = [(50, "In Progress"), (45, "Done")]
        if n < 2:
            moves += [(42, "In Progress"), (40, "Done")]
        flow.item(f"P-{n}", moves)
    (f,) = _run(flow, "rework_rising")
    ev = _evidence(f)
    assert ev["Reopened, last 4 weeks"] == "12 items, against 12 items finished (100 %)"
    assert ev["Reopened, the 4 weeks before"] == "2 items, against 12 items finished (17 %)"


@pytest.fixture
def demo(db):
    from leadline.demo.builder import build_demo

    return build_demo()


def test_the_flow_rules_run_over_the_demo_and_raise_its_aging_work(demo):
    # Their time is reported by the run (RunResult.seconds), not asserted here: on a shared
    # machine a timing assertion fails for reasons the code does not have.
    from django.utils import timezone

    from leadline.radar.registry import all_rules

    keys = [r.key for r in all_rules() if r.area == "flow"]
    result = engine.run(demo.workspace, timezone.now(), only=keys)
    assert result.errors == {}
    found = Finding.objects.filter(workspace=demo.workspace, rule__in=keys)
    assert found.filter(rule="aging_work", severity="high").exists()
    assert all(f.talk_to and f.talk_to[0]["kind"] == "person" for f in found)


def test_low_flow_efficiency_alone_fires_medium(flow):
    # Finished long enough ago to be outside the last 4 weeks' work in progress.
    for n in range(10):
        flow.item(f"E-{n}", [(60, "In Progress", 9), (60, "Review", 12), (50, "Done", 9)])
    flow.item("NOW", [(10, "In Progress")])  # the last 4 weeks: worked on, not waiting
    (f,) = _run(flow, "waiting_stage")
    assert f.severity == "medium"
    assert f.title == "Checkout's items spent 99 % of their cycle time waiting"
    assert f.conversation.startswith(
        "Checkout's finished items were worked on 1 % of their cycle time"
    )
