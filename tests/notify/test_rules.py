"""The pure escalation rules: no database, time always given."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from leadline.notify.rules import Facts, Thresholds, evaluate

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


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
