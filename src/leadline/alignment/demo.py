"""Demo data for alignment checks: Northwind's product and IT groups before and after their change.

The kickoff check (closed five weeks ago) shows the disagreement: product judges success by
complete specifications and hand-off deadlines, IT by delivering to its own estimates; the
metrics they pick do not overlap; a cross-domain design decision gets three deciders from three
groups while the framework sends it to the triage group. The check six weeks into the change
shows them converging on time to delivery and the quality of releases.

Idempotent: a check is found by its title first.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from leadline.demo.builder import DemoContext, step
from leadline.governance.services import system_access
from leadline.workspaces.models import Person

from . import services as alignment
from .models import AlignmentCheck
from .questions import QuestionSpec
from .series import repeat

AUDIENCE = ["Dev Patel", "Grace Kim", "Olivia Grant", "Amira Haddad", "Jonas Berg", "Peter Novak"]
PRODUCT = ["Dev Patel", "Grace Kim", "Olivia Grant"]
METRICS = [
    "Lead time",
    "Change failure rate",
    "Deployment frequency",
    "Specification completeness",
    "Hand-offs on schedule",
    "Estimate accuracy",
    "Velocity",
]
SCOPE = [
    "Guest checkout",
    "Saved cards",
    "Fraud screening rewrite",
    "Retire the legacy payment API",
]
PRIORITIES = ["Speed to market", "Stability", "Compliance", "Cost"]


def _questions() -> list[QuestionSpec]:
    return [
        {"kind": "success_criteria", "text": "What result would convince you the checkout replatforming worked?"},
        {"kind": "metrics", "text": "Which three metrics matter most for it?", "items": METRICS},
        {"kind": "who_decides", "text": "Who decides the design of the payment-and-fraud flow (it spans user experience, architecture and compliance)?", "domain": "cross-domain"},
        {"kind": "scope", "text": "What is in the first release?", "items": SCOPE},
        {"kind": "priorities", "text": "Rank what matters most", "items": PRIORITIES},
        {"kind": "likert", "text": "We agree on what “done” means for this project."},
        {"kind": "text", "text": "What worries you most?"},
    ]  # fmt: skip


def _before(p: dict[str, Person]) -> dict[str, list[Any]]:
    """Kickoff answers per person, in question order."""
    spec = [
        {"criterion": "Specifications complete before build", "target": "100 % of stories"},
        {"criterion": "Hand-off deadlines met", "target": "every milestone on its date"},
    ]
    estimates = [{"criterion": "Delivered to our estimates", "target": "within 10 %"}]
    return {
        "Dev Patel": [spec, ["Specification completeness", "Hand-offs on schedule"],
                      p["Chloé Martin"].pk, {"Guest checkout": "in", "Saved cards": "in",
                      "Fraud screening rewrite": "in", "Retire the legacy payment API": "out"},
                      ["Speed to market", "Compliance", "Stability", "Cost"], 4,
                      "IT keeps re-estimating the same stories."],
        "Grace Kim": [spec[:1], ["Specification completeness", "Hand-offs on schedule", "Velocity"],
                      p["Chloé Martin"].pk, {"Guest checkout": "in", "Saved cards": "in",
                      "Fraud screening rewrite": "unsure", "Retire the legacy payment API": "out"},
                      ["Speed to market", "Cost", "Compliance", "Stability"], 4, ""],
        "Olivia Grant": [[{"criterion": "Hand-off deadlines met", "target": "launch before Black Friday"}],
                         ["Hand-offs on schedule", "Specification completeness"],
                         p["Rosa Jimenez"].pk, {"Guest checkout": "in", "Saved cards": "in",
                         "Fraud screening rewrite": "out", "Retire the legacy payment API": "out"},
                         ["Speed to market", "Compliance", "Cost", "Stability"], 5,
                         "We will miss the season again."],
        "Amira Haddad": [estimates, ["Estimate accuracy", "Velocity"], p["Amira Haddad"].pk,
                         {"Guest checkout": "in", "Saved cards": "out",
                          "Fraud screening rewrite": "in", "Retire the legacy payment API": "in"},
                         ["Stability", "Compliance", "Cost", "Speed to market"], 2,
                         "Specifications change after we estimate."],
        "Jonas Berg": [[{"criterion": "Delivered to our estimates", "target": "within 25 %"}],
                       ["Estimate accuracy", "Velocity"], p["Amira Haddad"].pk,
                       {"Guest checkout": "unsure", "Saved cards": "out",
                        "Fraud screening rewrite": "in", "Retire the legacy payment API": "in"},
                       ["Stability", "Cost", "Compliance", "Speed to market"], 2, ""],
        "Peter Novak": [estimates, ["Estimate accuracy"], p["Amira Haddad"].pk,
                        {"Guest checkout": "in", "Saved cards": "unsure",
                         "Fraud screening rewrite": "in", "Retire the legacy payment API": "in"},
                        ["Stability", "Compliance", "Speed to market", "Cost"], 3, ""],
    }  # fmt: skip


def _after() -> dict[str, list[Any]]:
    """Six weeks into the change: the same people, converging."""
    both = [
        {"criterion": "Time to delivery", "target": "85 % within 10 days"},
        {"criterion": "Quality of releases", "target": "change failure rate under 15 %"},
    ]
    close = [
        {"criterion": "Time to delivery", "target": "85 % within 12 days"},
        {"criterion": "Quality of releases", "target": "change failure rate under 15 %"},
    ]
    scope = {
        "Guest checkout": "in",
        "Saved cards": "in",
        "Fraud screening rewrite": "in",
        "Retire the legacy payment API": "out",
    }
    metrics = ["Lead time", "Change failure rate", "Deployment frequency"]
    order = ["Speed to market", "Stability", "Compliance", "Cost"]
    return {
        "Dev Patel": [both, metrics, "triage", scope, order, 4, ""],
        "Grace Kim": [both, metrics, "triage", scope, order, 5, ""],
        "Olivia Grant": [close, metrics[:2], "triage", scope, ["Speed to market", "Compliance", "Stability", "Cost"], 4, ""],
        "Amira Haddad": [both, metrics, "triage", scope, ["Stability", "Speed to market", "Compliance", "Cost"], 4, "Smaller slices help."],
        "Jonas Berg": [close, metrics, "triage", {**scope, "Saved cards": "unsure"}, order, 4, ""],
        "Peter Novak": [both, ["Lead time", "Change failure rate"], "triage", scope, order, 4, ""],
    }  # fmt: skip


def _check(
    ctx: DemoContext,
    title: str,
    start: datetime,
    days: int,
    answers: dict[str, list[Any]],
    people: dict[str, Person],
    *,
    close: bool,
) -> AlignmentCheck:
    found = AlignmentCheck.objects.filter(workspace=ctx.workspace, title=title).first()
    if found is not None:
        return found
    access = system_access(ctx.workspace)
    check, _ = alignment.create_check(
        access,
        title,
        _questions(),
        [people[n] for n in AUDIENCE],
        team=ctx.teams["checkout"],
        closes_at=start + timedelta(days=days),
        now=start,
    )
    questions = list(check.questions.all())
    for i, (name, values) in enumerate(answers.items()):
        respondent = check.respondents.get(person=people[name])
        alignment.submit(
            respondent,
            {q.pk: v for q, v in zip(questions, values, strict=True)},
            now=start + timedelta(days=1, hours=i),
        )
    if close:
        alignment.close_check(access, check, now=start + timedelta(days=days))
    else:
        alignment.show_results(access, check)
    return check


@step("Alignment checks")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Create the kickoff check (closed, disagreeing) and the one six weeks in (converging)."""
    people = {p.name: p for p in Person.objects.filter(workspace=ctx.workspace)}
    now = timezone.now()
    kickoff = _check(ctx, "Checkout replatforming: kickoff", now - timedelta(days=52), 14,
                     _before(people), people, close=True)  # fmt: skip
    later = _check(ctx, "Checkout replatforming: six weeks in", now - timedelta(days=3), 10,
                   _after(), people, close=False)  # fmt: skip
    if kickoff.series_id is None:
        # One series: the trend shows the kickoff's disagreements converged six weeks in.
        series = repeat(system_access(ctx.workspace), kickoff, every_weeks=7, open_days=10,
                        now=now)  # fmt: skip
        series.title = "Checkout replatforming"
        series.save(update_fields=["title"])
        later.series = series
        later.save(update_fields=["series"])
