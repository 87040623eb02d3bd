"""Demo data: the demo user's (Nadia Ivanova, a delivery lead) own self-assessment, rated with
evidence on the competencies a delivery lead leans on most, and a development plan of three
goals with review dates in the coming weeks. Private like any other: nobody else in the demo
workspace can see it. Idempotent: the assessment is found by its owner and title first."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from leadline.demo.builder import DemoContext, step
from leadline.workspaces.services import access_for

from . import plan, services
from .models import Assessment

TITLE = "Self-assessment, first round"

# (competency, level, evidence)
RATINGS = [
    ("craft", 3, "Backend engineer for eight years before delivery; still review the payment "
                 "service's designs."),
    ("agile-pm", 4, "Run planning and reviews for Checkout and Mobile; moved Mobile to a "
                    "two-week cadence when carry-over kept growing."),
    ("forecasting", 3, "Give stakeholders 85% ranges from throughput; the forecasts page's "
                       "backtest is where I check myself."),
    ("estimation", 3, "Checkout splits stories small enough that we count rather than size."),
    ("risk", 3, "Keep the RAID log for four teams; some risks age longer than they should."),
    ("prioritisation", 3, "Settled the reorder-or-loyalty queue with Olivia using cost of delay."),
    ("process", 2, "Retro actions: most done, but a few carried for weeks."),
    ("releases", 3, "Checkout releases weekly with rollback steps."),
    ("financial", 2, "Track team cost against budget; have not made a case in money terms yet."),
    ("organisational", 3, "Know who decides what; the decision log shows where it is slow."),
    ("communication", 4, "Weekly status to the steering group; say bad news early."),
    ("developing-talent", 3, "Mentor Dev on running retros."),
    ("strategic-thinking", 2, "Can explain how the teams' work serves this year's goals; "
                              "have not shaped them."),
    ("team-building", 4, "Formed the Data team last year; it ships on its own now."),
]  # fmt: skip

GOALS = [
    ("financial", "Make the case for the payment provider migration in cost and return", 21),
    ("forecasting", "Review the Checkout forecast's calibration with the steering group", 35),
    ("strategic-thinking", "Draft next year's delivery priorities with Olivia", 56),
]


@step("Competency self-assessment")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Create the demo user's own assessment and plan (idempotent)."""
    access = access_for(ctx.user, ctx.workspace.slug)
    a = Assessment.objects.filter(workspace=ctx.workspace, user=ctx.user, title=TITLE).first()
    if a is None:
        a = services.start(access, ctx.user, title=TITLE)
        services.rate(access, ctx.user, a, [
            {"competency": k, "level": level, "evidence": text} for k, level, text in RATINGS
        ])  # fmt: skip
    today = timezone.localdate()
    have = set(a.goals.values_list("competency", flat=True))
    for key, text, days in GOALS:
        if key not in have:
            plan.add_goal(access, ctx.user, a, competency=key, text=text,
                              review_on=today + timedelta(days=days))  # fmt: skip
