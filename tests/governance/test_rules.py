"""The pure routing and escalation rules: no database, time always given."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from leadline.governance.rules import DomainRights, Facts, Thresholds, evaluate, route_decision

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
UX = DomainRights("UX", "person", "Ann")
ARCH = DomainRights("Architecture", "person", "Bo")


def route(*domains: DomainRights):
    return route_decision(
        list(domains), NOW, triage_name="Triage", triage_sla_hours=48, domain_sla_hours=120
    )


def test_one_domain_routes_to_its_decider_with_the_domain_sla():
    r = route(UX)
    assert (r.kind, r.name, r.due_at) == ("person", "Ann", NOW + timedelta(hours=120))


def test_a_role_decider_routes_to_the_role():
    assert route(DomainRights("Compliance", "role", "Lead")).kind == "role"


def test_several_domains_route_to_triage_with_the_triage_sla():
    r = route(UX, ARCH)
    assert (r.kind, r.name, r.due_at) == ("triage", "Triage", NOW + timedelta(hours=48))
    assert "cross-domain" in r.reason


def test_a_domain_without_a_decider_or_whose_decider_left_goes_to_triage():
    assert route(DomainRights("Data", "", "")).kind == "triage"
    left = route(DomainRights("UX", "person", "Ann", decider_active=False))
    assert left.kind == "triage" and "has left" in left.reason


def test_no_domain_goes_to_triage():
    assert route().kind == "triage"


def facts(**kw) -> Facts:
    base = {
        "subject": "raid:1",
        "kind": "risk",
        "title": "t",
        "created_at": NOW - timedelta(days=1),
    }
    return Facts(**(base | kw))


def rules(items, now=NOW, **thresholds):
    return [e.rule for e in evaluate(items, Thresholds(**thresholds), now)]


def test_a_risk_without_mitigation_escalates_only_once_the_threshold_passed():
    risk = facts(has_mitigation=False, created_at=NOW - timedelta(days=6, hours=23))
    assert rules([risk], risk_unmitigated_days=7) == []
    assert rules([risk], now=NOW + timedelta(hours=1), risk_unmitigated_days=7) == [
        "risk_unmitigated"
    ]


def test_a_dependency_escalates_the_day_after_its_need_by_date():
    dep = facts(kind="dependency", need_by=date(2025, 3, 10))
    assert rules([dep]) == []
    assert rules([dep], now=NOW + timedelta(days=1)) == ["dependency_overdue"]
    assert rules([dep], now=NOW + timedelta(days=1), dependency_grace_days=2) == []


def test_missing_owner_and_overdue_review_escalate():
    item = facts(kind="issue", has_owner=False, review_date=date(2025, 3, 9))
    assert rules([item]) == ["missing_owner", "review_overdue"]


def test_a_decision_escalates_once_past_its_due_time():
    d = facts(subject="decision:1", kind="decision", due_at=NOW)
    assert rules([d]) == []
    assert rules([d], now=NOW + timedelta(minutes=1)) == ["decision_overdue"]


def test_the_same_input_gives_the_same_output():
    items = [
        facts(has_mitigation=False, created_at=NOW - timedelta(days=30)),
        facts(kind="issue", due_date=date(2025, 1, 1)),
    ]
    assert evaluate(items, Thresholds(), NOW) == evaluate(items, Thresholds(), NOW)
