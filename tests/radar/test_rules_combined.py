"""blocked_chain over the governance test world, with time frozen (T0 = 2026-03-02 09:00 UTC, see gov_world).

The chain: Mobile's MOB-1 (in progress since T0 − 12 days) and MOB-2 (since T0 − 3 days) are
listed on a dependency on Platform needed by T0 − 2 days; a change request lists the dependency
and the Architecture domain, where the decision "API versioning" (proposed T0 − 7 days, due after
120 h, so 2 days overdue at T0) waits on Bo.
"""

from __future__ import annotations

import pytest

from leadline.changes import services as changes
from leadline.decisions import services as decisions
from leadline.decisions.models import DecisionDomain
from leadline.raid import services as raid
from tests.radar.gov_world import (
    at,
    build,
    day,
    dismiss,
    evidence,
    findings,
    one,
    resolve,
    run,
    talk_to,
    work_item,
)

RULES = ("blocked_chain", "dependency_due", "decision_overdue")


@pytest.fixture
def gov(world, make_user):
    return build(world, make_user)


@pytest.fixture
def dependency(gov):
    work_item(gov, "MOB-1", "mobile", -12)
    work_item(gov, "MOB-2", "mobile", -3)
    return raid.create_item(
        gov.access, "dependency",
        {"title": "Push API v2", "needed": "Order updates", "team": gov.teams["mobile"],
         "provider_kind": "team", "provider_team": gov.teams["platform"],
         "owner": gov.people["Ann"], "need_by": day(-2), "work_items": "MOB-1, MOB-2"},
        None, at(-20),
    )  # fmt: skip


@pytest.fixture
def decision(gov, dependency):
    arch = DecisionDomain.objects.get(workspace=gov.workspace, name="Architecture")
    changes.create_change_request(
        gov.access, title="Live order tracking", team=gov.teams["mobile"], added_items=3,
        domains=[arch], raid_items=[dependency], now=at(-8),
    )  # fmt: skip
    return decisions.create_decision(
        gov.access, "API versioning", domains=["Architecture"], team=gov.teams["mobile"],
        now=at(-7),
    )  # fmt: skip


def test_an_aging_item_behind_a_late_dependency_is_one_finding(gov, dependency):
    result = run(gov, 0, *RULES)
    assert result.raised == 1  # MOB-2 is 3 days old: not aging, no decision, no chain
    f = one(gov, "blocked_chain")
    assert (f.subject_kind, f.subject_id, f.severity, f.score) == (
        "work_item",
        "MOB-1",
        "medium",
        2,
    )
    ev = evidence(f)
    assert ev["Chain"] == f"MOB-1 (12 days, aging) → dependency #{dependency.pk} (2 days late)"
    assert ev["Work item"] == "MOB-1 Story MOB-1 — In Progress, 12 days since it started"
    assert ev["Blocked by"] == (
        "dependency “Push API v2” on Platform, needed by 2026-02-28 (2 days late)"
    )
    assert talk_to(f) == ["Ann (owner)", "Lee (lead of the provider, Platform)"]
    # The late dependency is in the chain: not raised again on its own.
    assert findings(gov, "dependency_due") == []

    from leadline.radar.context import RunContext
    from leadline.radar.rules.chains import chained_items

    ctx = RunContext(gov.workspace, at(0))
    assert chained_items(ctx) == set()  # blocked_chain is not in this run
    ctx.thresholds = {"blocked_chain": {"late_days": 1, "item_age_days": 10}}
    assert chained_items(ctx) == {"MOB-1"}  # for aging_work to leave MOB-1 to the chain


def test_the_dependency_is_raised_alone_when_blocked_chain_does_not_run(gov, dependency):
    assert run(gov, 0, "dependency_due").raised == 1  # a run limited to it
    from leadline.radar import engine, services

    services.set_rule(gov.access, "blocked_chain", gov.owner, enabled=False)
    result = engine.run(gov.workspace, at(1))  # every enabled rule; blocked_chain is muted
    assert result.cleared == 0 and result.errors == {}
    assert findings(gov, "blocked_chain") == []
    assert one(gov, "dependency_due").status == "open"
    services.set_rule(gov.access, "blocked_chain", gov.owner, enabled=True)
    assert engine.run(gov.workspace, at(2)).cleared == 1  # the chain speaks for it now
    assert one(gov, "blocked_chain").status == "open"


def test_three_signals_meet_in_one_high_finding_that_names_everyone(gov, decision):
    run(gov, 0, *RULES)
    first, second = findings(gov, "blocked_chain")
    assert (first.subject_id, first.severity) == ("MOB-1", "high")
    assert (second.subject_id, second.severity) == ("MOB-2", "medium")  # late + overdue
    ev = evidence(first)
    dep_pk = first.evidence[2]["url"].rstrip("/").split("/")[-1]
    assert ev["Chain"] == (
        f"MOB-1 (12 days, aging) → dependency #{dep_pk} (2 days late) → "
        f"decision #{decision.pk} (2 days overdue)"
    )
    assert ev["Via change request"] == "“Live order tracking” links the dependency and Architecture"
    assert ev["Waiting on"] == (
        "decision “API versioning”, routed to Bo, due 2026-02-28 (2 days overdue)"
    )
    assert first.title == (
        "MOB-1 Story MOB-1 (12 days old) is blocked by a dependency 2 days late that waits on an "
        "overdue decision"
    )
    assert talk_to(first) == ["Ann (owner)", "Lee (lead of the provider, Platform)", "Bo (decider)"]
    assert first.conversation == (
        "MOB-1 has been in progress for 12 days, waiting on “Push API v2” (2 days late), which "
        "waits on “API versioning” past its due time. Could Ann, Platform's lead and Bo meet "
        "once this week and unblock the whole chain together?"
    )
    # Neither the dependency nor the decision is raised again on its own.
    assert findings(gov, "dependency_due") == [] and findings(gov, "decision_overdue") == []


def test_a_decision_of_another_team_or_domain_is_not_in_the_chain(gov, dependency):
    arch = DecisionDomain.objects.get(workspace=gov.workspace, name="Architecture")
    changes.create_change_request(
        gov.access, title="Live order tracking", team=gov.teams["mobile"], added_items=3,
        domains=[arch], raid_items=[dependency], now=at(-8),
    )  # fmt: skip
    decisions.create_decision(
        gov.access, "Checkout API", domains=["Architecture"], team=gov.teams["checkout"],
        now=at(-7),
    )  # fmt: skip
    decisions.create_decision(gov.access, "Colours", domains=["User experience"], now=at(-7))
    run(gov, 0, *RULES)
    assert [f.subject_id for f in findings(gov, "blocked_chain")] == ["MOB-1"]
    assert len(findings(gov, "decision_overdue")) == 2


def test_a_dependency_without_known_items_is_the_subject(gov, dependency, decision):
    raid.update_item(gov.access, dependency, {"work_items": "MOB-404"}, None, at(-1))
    run(gov, 0, *RULES)
    f = one(gov, "blocked_chain")
    assert (f.subject_kind, f.subject_name, f.severity) == ("raid", "Push API v2", "medium")
    assert f.title == "Dependency “Push API v2” is 2 days late and waits on an overdue decision"


def test_the_chain_clears_reopens_and_a_dismissed_one_stays_quiet(gov, dependency):
    run(gov, 0, *RULES)
    f = one(gov, "blocked_chain")
    raid.update_item(gov.access, dependency, {"need_by": day(5)}, None, at(0.5))  # renegotiated
    result = run(gov, 1, *RULES)
    assert (result.cleared, one(gov, "blocked_chain").status) == (1, "resolved")
    assert run(gov, 6, *RULES).reopened == 1  # late again: 1 day
    dismiss(gov, f, 6)
    assert run(gov, 6.5, *RULES).reopened == 0
    assert one(gov, "blocked_chain").status == "dismissed"
    # Near its new date the dependency had its own finding; back in the (dismissed) chain, the
    # chain speaks for it and it cleared.
    assert [f.status for f in findings(gov, "dependency_due")] == ["resolved"]


def test_resolved_by_hand_the_chain_comes_back_at_the_next_run(gov, dependency):
    run(gov, 0, *RULES)
    resolve(gov, one(gov, "blocked_chain"), 0)
    assert run(gov, 1, *RULES).reopened == 1
    raid.update_item(gov.access, dependency, {"status": "delivered"}, None, at(1.5))
    assert run(gov, 2, *RULES).cleared == 1


def test_a_chain_through_a_blocker_is_high_like_the_blocker_alone(gov, dependency):
    raid.update_item(gov.access, dependency, {"blocker": True}, None, at(-1))
    run(gov, 0, *RULES)
    assert one(gov, "blocked_chain").severity == "high"


def test_an_item_blocked_by_two_late_dependencies_is_one_finding(gov, dependency):
    other = raid.create_item(
        gov.access, "dependency",
        {"title": "Maps SDK licence", "team": gov.teams["mobile"], "provider_kind": "vendor",
         "provider_name": "MapCo", "owner": gov.people["Ann"], "need_by": day(-4),
         "work_items": "MOB-1"},
        None, at(-20),
    )  # fmt: skip
    run(gov, 0, *RULES)
    f = one(gov, "blocked_chain")
    assert (f.subject_id, f.score) == ("MOB-1", 4)  # the later of the two: 4 days
    assert [e["value"].split(",")[0] for e in f.evidence if e["label"] == "Blocked by"] == [
        "dependency “Push API v2” on Platform",
        "dependency “Maps SDK licence” on MapCo",
    ]
    assert talk_to(f) == ["Ann (owner)", "Lee (lead of the provider, Platform)", "MapCo (vendor)"]
    assert f"dependency #{other.pk} (4 days late)" in evidence(f)["Chain"]
    assert findings(gov, "dependency_due") == []


def test_the_rules_read_in_bulk_not_once_per_item(gov, decision):
    """More RAID items, decisions and agreements cost no more queries (the Radar's run over the
    demo and the 500-team benchmark depend on it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leadline.agreements import services as agreements
    from leadline.radar import engine
    from leadline.radar.context import RunContext
    from leadline.radar.registry import all_rules

    rules = [
        r for r in all_rules() if r.area in {"governance", "combined"}
        and r.key != "change_impact_unread"  # reads each recent approval's scope
    ]  # fmt: skip

    def queries() -> int:
        ctx = RunContext(gov.workspace, at(0))
        ctx.thresholds = {r.key: r.defaults() for r in rules}
        with CaptureQueriesContext(connection) as captured:
            signals, errors = engine.evaluate(ctx, rules, {})
        assert signals and not errors
        return len(captured)

    def add(first: int) -> None:
        for n in range(first, first + 3):
            work_item(gov, f"MOB-{10 + n}", "mobile", -15)
            raid.create_item(
                gov.access, "dependency",
                {"title": f"Dependency {n}", "team": gov.teams["mobile"],
                 "provider_kind": "team", "provider_team": gov.teams["platform"],
                 "owner": gov.people["Bo"], "need_by": day(-n), "work_items": f"MOB-{10 + n}"},
                None, at(-20),
            )  # fmt: skip
            decisions.create_decision(
                gov.access, f"Decision {n}", domains=["Compliance"], now=at(-9)
            )
            team = gov.teams[["mobile", "platform", "checkout"][n % 3]]
            a = agreements.get_or_create_agreement(gov.access, team)
            agreements.save_version(gov.access, a, {"norms": f"Norm {n}"}, now=at(-8 + n / 10))

    add(0)  # every kind of subject, team and role is read once...
    before = queries()
    add(3)  # ...and twice as many subjects cost no more queries
    assert queries() == before
