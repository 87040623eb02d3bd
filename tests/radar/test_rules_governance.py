"""The governance rules over the governance test world, with time frozen (T0 = 2026-03-02 09:00
UTC): each fires when its condition holds, with the evidence, stays quiet when it does not, and
names the right person; a resolved finding reopens, a dismissed one stays quiet."""

from __future__ import annotations

import pytest

from leadline.agreements import services as agreements
from leadline.agreements.models import WorkingAgreement
from leadline.changes import services as changes
from leadline.decisions import services as decisions
from leadline.decisions.models import DecisionComment, DecisionDomain
from leadline.raid import services as raid
from tests.radar.gov_world import (
    T0,
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


@pytest.fixture
def gov(world, make_user):
    return build(world, make_user)


# Risk → issue → blocked work ---------------------------------------------------------------


@pytest.fixture
def materialised(gov):
    risk = raid.create_item(
        gov.access, "risk",
        {"title": "Vendor API rate limits", "owner": gov.people["Bo"],
         "team": gov.teams["platform"], "probability": 4, "impact": 4},
        None, at(-10),
    )  # fmt: skip
    issue = raid.materialise_risk(gov.access, risk, None, now=at(-2))
    raid.update_item(gov.access, issue, {"owner": gov.people["Cy"]}, None, at(-2))
    return risk, issue


def test_risk_became_blocker_is_quiet_until_the_issue_blocks_work(gov, materialised):
    assert run(gov, 0, "risk_became_blocker").raised == 0


def test_risk_became_blocker_shows_the_chain_and_names_both_owners(gov, materialised):
    risk, issue = materialised
    work_item(gov, "PLT-2", "platform", -5, status="Done")
    raid.update_item(gov.access, issue, {"work_items": "PLT-1, PLT-2"}, None, at(-1))
    assert run(gov, 0, "risk_became_blocker").raised == 1
    f = one(gov, "risk_became_blocker")
    assert (f.subject_kind, f.subject_id, f.severity) == ("raid", str(issue.pk), "high")
    ev = evidence(f)
    assert ev["Chain"] == f"risk #{risk.pk} → issue #{issue.pk} → blocks 1 work item"
    assert ev["Blocked work item"] == "PLT-1 (not in the imported data)"  # PLT-2 is done
    assert ev["Became an issue"] == "2026-02-28 (2 days ago), severity high"
    assert ev["Risk"].endswith("probability × impact 16, mitigation plan: none")
    assert talk_to(f) == ["Cy (owner)", "Bo (owner of the risk)"]
    assert "became an issue 2 days ago; it now blocks PLT-1" in f.conversation


def test_risk_became_blocker_reopens_and_a_dismissed_one_waits_for_more_blocked_work(
    gov, materialised
):
    _, issue = materialised
    raid.update_item(gov.access, issue, {"blocker": True}, None, at(-1))
    run(gov, 0, "risk_became_blocker")
    assert "blocks work" in one(gov, "risk_became_blocker").title
    raid.update_item(gov.access, issue, {"status": "resolved"}, None, at(1))
    assert run(gov, 1, "risk_became_blocker").cleared == 1
    raid.update_item(gov.access, issue, {"status": "open"}, None, at(2))
    assert run(gov, 2, "risk_became_blocker").reopened == 1
    dismiss(gov, one(gov, "risk_became_blocker"), 2)
    assert run(gov, 3, "risk_became_blocker").reopened == 0  # still 1 blocked: quiet
    assert one(gov, "risk_became_blocker").status == "dismissed"
    raid.update_item(gov.access, issue, {"work_items": "PLT-1, PLT-3"}, None, at(3))
    assert run(gov, 4, "risk_became_blocker").reopened == 1  # 2 blocked items: worse


# Dependencies ------------------------------------------------------------------------------


@pytest.fixture
def dependency(gov):
    return raid.create_item(
        gov.access, "dependency",
        {"title": "Payments API v2", "needed": "A refunds endpoint",
         "team": gov.teams["checkout"], "provider_kind": "team",
         "provider_team": gov.teams["platform"], "owner": gov.people["Di"],
         "need_by": day(10), "work_items": "CHK-7"},
        None, at(-5),
    )  # fmt: skip


def test_dependency_due_is_raised_a_week_before_its_need_by_date(gov, dependency):
    assert run(gov, 2, "dependency_due").raised == 0  # needed in 8 days
    assert run(gov, 3, "dependency_due").raised == 1
    f = one(gov, "dependency_due")
    assert (f.severity, f.score) == ("low", -7)
    ev = evidence(f)
    assert ev["Needed by"] == "2026-03-12 (in 7 days)"
    assert (ev["Provider"], ev["Waiting team"]) == ("Platform", "Checkout")
    assert ev["Waiting work item"] == "CHK-7"
    assert talk_to(f) == ["Di (owner)", "Lee (lead of the provider, Platform)"]
    assert f.conversation.startswith("Checkout waits on Platform for “Payments API v2”")


def test_dependency_due_grows_with_lateness_and_clears_when_delivered(gov, dependency):
    run(gov, 12, "dependency_due")
    f = one(gov, "dependency_due")
    assert (f.severity, f.score, evidence(f)["Needed by"]) == (
        "medium",
        2,
        "2026-03-12 (2 days late)",
    )
    assert "is 2 days past its need-by date" in f.title
    run(gov, 17, "dependency_due")
    assert one(gov, "dependency_due").score == 7
    dismiss(gov, one(gov, "dependency_due"), 17)
    assert run(gov, 17.5, "dependency_due").reopened == 0
    raid.update_item(gov.access, dependency, {"status": "delivered"}, None, at(18))
    assert run(gov, 18, "dependency_due").cleared == 0  # dismissed stays dismissed
    assert one(gov, "dependency_due").status == "dismissed"


def test_a_late_blocking_dependency_is_high_and_a_vendor_is_named(gov, dependency):
    raid.update_item(gov.access, dependency, {"blocker": True}, None, at(11))
    raid.create_item(
        gov.access, "dependency",
        {"title": "Fraud-scoring renewal", "team": gov.teams["checkout"],
         "provider_kind": "vendor", "provider_name": "ScoreGuard Ltd", "need_by": day(20)},
        None, at(-5),
    )  # fmt: skip
    run(gov, 13, "dependency_due")
    late, near = findings(gov, "dependency_due")
    assert (late.severity, late.score) == ("high", 3)
    assert near.severity == "low"
    assert talk_to(near) == ["Olga (lead, Checkout)", "ScoreGuard Ltd (vendor)"]


# Decisions ---------------------------------------------------------------------------------


def test_decision_overdue_names_the_triage_group_with_the_days_it_waited(gov):
    decisions.create_decision(
        gov.access, "Checkout redesign", domains=["User experience", "Architecture"], now=T0
    )  # cross-domain: the triage group, due in 48 h
    assert run(gov, 1.9, "decision_overdue").raised == 0
    run(gov, 2.5, "decision_overdue")
    f = one(gov, "decision_overdue")
    assert (f.severity, evidence(f)["Overdue by"]) == ("medium", "12 hours")
    resolve(gov, f, 3)  # resolved by hand while it still holds: reopens with today's evidence
    assert run(gov, 9, "decision_overdue").reopened == 1
    f = one(gov, "decision_overdue")
    ev = evidence(f)
    assert (f.severity, ev["Overdue by"], ev["Due"]) == (
        "high", "7 days", "2026-03-04 09:00 (48 h after it was proposed)",
    )  # fmt: skip
    assert ev["Routed to"] == "Triage group (Cy, Di)"
    assert ev["Comments"] == "0; last activity 2026-03-02 (9 days ago)"
    assert talk_to(f) == ["Cy (triage group)", "Di (triage group)"]
    assert f.conversation == (
        "“Checkout redesign” has waited 9 days, 7 days past its due time. What would help "
        "the triage group (Cy and Di) decide it this week?"
    )


def test_decision_overdue_names_the_decider_or_the_role_and_clears_once_decided(gov):
    d = decisions.create_decision(gov.access, "Saved cards", domains=["User experience"], now=T0)
    decisions.create_decision(gov.access, "PCI scope", domains=["Compliance"], now=T0)
    run(gov, 6, "decision_overdue")  # 120 h for a domain's decider
    by_title = {f.subject_name: f for f in findings(gov, "decision_overdue")}
    assert talk_to(by_title["Saved cards"]) == ["Ann (decider)"]
    assert talk_to(by_title["PCI scope"]) == ["Lee (lead)", "Olga (lead)"]
    assert "help the leads (Lee and Olga) decide" in by_title["PCI scope"].conversation
    gov.people["Ann"].active = False
    gov.people["Ann"].save()
    resolve(gov, by_title["Saved cards"], 6)
    run(gov, 6.5, "decision_overdue")
    saved = next(f for f in findings(gov, "decision_overdue") if f.subject_name == "Saved cards")
    assert "the triage group (Cy and Di), as Ann has left" in saved.conversation
    decisions.decide(gov.access, d, outcome="Yes", actor=gov.owner, now=at(7))
    assert run(gov, 7, "decision_overdue").cleared == 1


def test_decision_stalled_counts_days_since_the_last_comment_until_it_is_overdue(gov):
    d = decisions.create_decision(gov.access, "Adopt GraphQL", domains=["Architecture"], now=T0)
    assert run(gov, 2.9, "decision_stalled").raised == 0
    assert run(gov, 3, "decision_stalled").raised == 1
    f = one(gov, "decision_stalled")
    assert evidence(f)["Last activity"] == "none since it was proposed (3 days ago)"
    assert evidence(f)["Due"] == "2026-03-07 09:00 (in 2 days)"
    assert talk_to(f) == ["Bo (decider)"]
    assert f.conversation == (
        "Nothing has moved on “Adopt GraphQL” for 3 days, and it is due in 2 days. What is "
        "missing for Bo to decide it: another option, a fact, someone consulted?"
    )
    DecisionComment.objects.create(decision=d, author_name="mo", text="Schema first?", at=at(3.5))
    assert run(gov, 4, "decision_stalled").cleared == 1
    assert run(gov, 6.6, "decision_stalled").reopened == 0  # overdue: decision_overdue's


def test_domain_without_decider_names_the_workspace_leads(gov):
    assert run(gov, 0, "domain_without_decider").raised == 0
    decisions.save_domain(gov.access, "Data governance")
    run(gov, 0, "domain_without_decider")
    f = one(gov, "domain_without_decider")
    assert (f.subject_kind, f.severity, f.score) == ("decision_domain", "medium", 0)
    assert evidence(f)["Decider"] == "nobody is named"
    assert talk_to(f) == ["Lee (workspace lead)", "Olga (workspace lead)"]


def test_a_domain_whose_decider_left_is_high_while_decisions_wait_in_it(gov):
    gov.people["Ann"].active = False
    gov.people["Ann"].save()
    decisions.create_decision(gov.access, "Dark mode", domains=["User experience"], now=T0)
    run(gov, 1, "domain_without_decider")
    f = one(gov, "domain_without_decider")
    assert (f.subject_name, f.severity, f.title) == (
        "User experience", "high", "Nobody decides User experience since Ann left",
    )  # fmt: skip
    ev = evidence(f)
    assert (ev["Decider"], ev["Proposed decisions in it"], ev["Waiting"]) == (
        "Ann (has left)", "1", "Dark mode",
    )  # fmt: skip


def test_cross_domain_not_triaged_fires_only_for_a_decision_that_skipped_triage(gov):
    decisions.create_decision(gov.access, "Triaged", domains=["Compliance", "Architecture"], now=T0)
    d = decisions.create_decision(gov.access, "Saved cards", domains=["User experience"], now=T0)
    assert run(gov, 0, "cross_domain_not_triaged").raised == 0
    d.domains.add(DecisionDomain.objects.get(workspace=gov.workspace, name="Architecture"))
    run(gov, 0, "cross_domain_not_triaged")
    f = one(gov, "cross_domain_not_triaged")
    assert (f.subject_id, f.severity, f.score) == (str(d.pk), "high", 2)
    ev = evidence(f)
    assert ev["Domains"] == "Architecture (Bo), User experience (Ann)"
    assert ev["Routed to"] == "Ann (decider)"
    assert ev["The framework routes it to"] == (
        "Triage group: cross-domain (Architecture, User experience)"
    )
    assert talk_to(f) == ["Cy (triage group)", "Di (triage group)", "Ann (decider)"]


# Agreements --------------------------------------------------------------------------------


@pytest.fixture
def agreement(gov):
    a = agreements.get_or_create_agreement(gov.access, gov.teams["checkout"], review_date=day(5))
    agreements.save_version(gov.access, a, {"norms": "Disagree, then commit"}, now=T0)
    agreements.acknowledge(a, gov.people["Cy"], now=at(1))
    return a


def test_agreement_unacknowledged_names_who_has_not_and_reopens_for_a_new_version(gov, agreement):
    assert run(gov, 6.9, "agreement_unacknowledged").raised == 0
    assert run(gov, 7, "agreement_unacknowledged").raised == 1
    f = one(gov, "agreement_unacknowledged")
    ev = evidence(f)
    assert (ev["Acknowledged"], ev["Not yet (team)"]) == ("1 of 4 people", "Di, Mo, Olga")
    assert (f.severity, f.score) == ("high", 3)
    assert talk_to(f) == ["Olga (lead, Checkout)"]
    assert f.conversation.startswith(
        "Version 1 of the Checkout agreement has been out for 7 days, and Di, Mo and Olga have "
        "not acknowledged it yet."
    )
    for name in ("Di", "Mo", "Olga"):
        agreements.acknowledge(agreement, gov.people[name], now=at(8))
    assert run(gov, 8, "agreement_unacknowledged").cleared == 1
    agreements.save_version(gov.access, agreement, {"norms": "Commit"}, now=at(9))
    assert run(gov, 15.9, "agreement_unacknowledged").reopened == 0
    assert run(gov, 16, "agreement_unacknowledged").reopened == 1
    assert evidence(one(gov, "agreement_unacknowledged"))["Acknowledged"] == "0 of 4 people"


def test_a_stakeholder_agreement_counts_its_stakeholders(gov):
    s = agreements.get_or_create_agreement(
        gov.access, gov.teams["mobile"], WorkingAgreement.Scope.STAKEHOLDERS
    )
    s.stakeholders.set([gov.people["Sam"]])
    agreements.save_version(gov.access, s, {"channels": "Email"}, now=T0)
    agreements.acknowledge(s, gov.people["Ann"], now=at(1))
    run(gov, 10, "agreement_unacknowledged")
    f = one(gov, "agreement_unacknowledged")
    ev = evidence(f)
    assert (ev["Acknowledged"], ev["Not yet (stakeholders)"]) == ("1 of 2 people", "Sam")
    assert "Not yet (team)" not in ev
    assert f.severity == "high"  # 50 %


def test_agreement_review_due_the_day_after_its_review_date(gov, agreement):
    assert run(gov, 5, "agreement_review_due").raised == 0
    assert run(gov, 6, "agreement_review_due").raised == 1
    f = one(gov, "agreement_review_due")
    ev = evidence(f)
    assert (ev["Review date"], ev["Latest version"]) == (
        "2026-03-07 (1 day ago)", "v1 of 2026-03-02",
    )  # fmt: skip
    assert (f.severity, talk_to(f)) == ("medium", ["Olga (lead, Checkout)"])
    dismiss(gov, f, 6)
    assert run(gov, 6.5, "agreement_review_due").reopened == 0
    assert one(gov, "agreement_review_due").status == "dismissed"


# Change requests ---------------------------------------------------------------------------


def _approved(gov, **fields):
    cr = changes.create_change_request(
        gov.access, team=gov.teams["checkout"], added_items=8, now=at(-1), **fields
    )
    changes.resolve_change(gov.access, cr, "approve", actor=gov.owner, now=T0)
    return cr


def test_change_impact_unread_when_approved_without_a_forecast(gov):
    cr = _approved(gov, title="Gift cards")
    _approved(gov, title="Forecast seen", remaining_items=10, throughput_samples="1,2,0,3")
    assert run(gov, 1, "change_impact_unread").raised == 1
    f = one(gov, "change_impact_unread")
    assert (f.subject_kind, f.subject_id, f.severity, f.score) == (
        "change_request", str(cr.pk), "medium", 8,
    )  # fmt: skip
    ev = evidence(f)
    assert ev["Approved"] == "2026-03-02 by Olga"
    assert ev["Forecast at approval"] == (
        "not computed: no remaining scope (not chosen); no throughput history for Checkout"
    )
    assert talk_to(f) == ["Olga (approved it)"]  # and the Checkout lead, who is Olga
    assert run(gov, 31, "change_impact_unread").cleared == 1  # older than 30 days
