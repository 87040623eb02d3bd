"""Pure escalation rules: which open item or decision escalates, and why. No Django, no clock:
time is passed in.

Same input, same output; the services load rows into these plain records and persist results.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Escalation thresholds of one workspace (see GovernanceSettings)."""

    risk_unmitigated_days: int = 7
    dependency_grace_days: int = 0
    review_grace_days: int = 0
    missing_owner_days: int = 1


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules need to know about one open RAID item or proposed decision.

    ``subject`` is "raid:<id>" or "decision:<id>"; dates are calendar dates, times are aware.
    """

    subject: str
    kind: str
    title: str
    created_at: datetime
    has_owner: bool = True
    has_mitigation: bool = True
    review_date: date | None = None
    need_by: date | None = None
    due_date: date | None = None
    validate_by: date | None = None
    due_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Escalation:
    """One rule firing for one subject."""

    subject: str
    rule: str
    title: str
    message: str


RULES = {
    "risk_unmitigated": "Risk without a mitigation plan after the threshold",
    "dependency_overdue": "Dependency not delivered by its need-by date (plus grace days)",
    "missing_owner": "Open item without an owner",
    "review_overdue": "Review date passed (plus grace days)",
    "issue_overdue": "Issue past its due date",
    "assumption_unvalidated": "Assumption not validated by its date",
    "decision_overdue": "Decision not decided by its due time",
}


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def evaluate(items: Iterable[Facts], thresholds: Thresholds, now: datetime) -> list[Escalation]:
    """Return every escalation that fires at ``now``, in item order then rule order.

    Date thresholds compare calendar dates of ``now``: an item due today is not yet overdue.
    """
    today = now.date()
    out: list[Escalation] = []
    for f in items:

        def fire(rule: str, message: str, f: Facts = f) -> None:
            out.append(Escalation(f.subject, rule, f.title, message))

        age = now - f.created_at
        if f.kind == "risk" and not f.has_mitigation:
            if age >= timedelta(days=thresholds.risk_unmitigated_days):
                fire(
                    "risk_unmitigated",
                    f"No mitigation plan {_days(age.days)} after it was logged "
                    f"(threshold {_days(thresholds.risk_unmitigated_days)}).",
                )
        if f.kind == "dependency" and f.need_by is not None:
            late = (today - f.need_by).days
            if late > thresholds.dependency_grace_days:
                fire("dependency_overdue", f"Needed by {f.need_by:%Y-%m-%d}: {_days(late)} late.")
        if f.kind != "decision" and not f.has_owner:
            if age >= timedelta(days=thresholds.missing_owner_days):
                fire("missing_owner", f"No owner {_days(age.days)} after it was logged.")
        if f.review_date is not None:
            late = (today - f.review_date).days
            if late > thresholds.review_grace_days:
                fire("review_overdue", f"Review was due {f.review_date:%Y-%m-%d}.")
        if f.kind == "issue" and f.due_date is not None and today > f.due_date:
            fire("issue_overdue", f"Due {f.due_date:%Y-%m-%d}, still open.")
        if f.kind == "assumption" and f.validate_by is not None and today > f.validate_by:
            fire("assumption_unvalidated", f"Was to be validated by {f.validate_by:%Y-%m-%d}.")
        if f.kind == "decision" and f.due_at is not None and now > f.due_at:
            hours = int((now - f.due_at).total_seconds() // 3600)
            fire("decision_overdue", f"Due {f.due_at:%Y-%m-%d %H:%M}; {hours} h overdue.")
    return out
