"""Demo outcomes: Northwind before and after its change in ways of working.

Before the change (the day the synthetic story switches to fortnightly releases,
``CHANGE_DAYS_BEFORE_END`` days before today) product was measured on specification
completeness and hand-offs on deadline, IT on delivery to its own estimates: each function's
KPIs its own, serving nothing shared, and hand-off deadlines marked as pulling against IT's
estimates. Those KPIs are retired on the change date; the Radar's look back (500 days ago, in
``leadline.radar.demo``) raises the siloed-incentives findings for that period, and the run as
of today clears them. After the change both functions share time to delivery and successful
releases (computed by Leadline from the deployments), with downtime per release and deployment
frequency serving them. A benefits roadmap for the change: expected values from the change
date, the later ones tied to two upcoming milestones (open Checkout epics, forecast by Monte
Carlo), and the KPIs' actual values.

Seeded and idempotent: a workspace that has KPIs already is left alone.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from leadline.demo.builder import DemoContext, step
from leadline.synth.demo import CHANGE_DAYS_BEFORE_END, DEMO_DAYS
from leadline.workspaces.models import Function

from .models import Benefit, BenefitPoint, Kpi, KpiValue, Milestone

SEED = 16


def _months(start: date, end: date) -> list[date]:
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return out


def _kpi(ctx: DemoContext, name: str, functions: list[Function], **fields: object) -> Kpi:
    kpi = Kpi.objects.create(workspace=ctx.workspace, name=name, **fields)
    kpi.functions.set(functions)
    return kpi


def _values(kpi: Kpi, days: list[date], level: float, spread: float, rng: random.Random) -> None:
    KpiValue.objects.bulk_create(
        KpiValue(workspace=kpi.workspace, kpi=kpi, day=d, origin="demo",
                 value=round(min(100.0, rng.gauss(level, spread)), 1))
        for d in days
    )  # fmt: skip


def _open_epics(ctx: DemoContext) -> list[str]:
    """Open epics of Checkout with unfinished children, most recently created first."""
    from leadline.delivery.models import StatusMapping, WorkItem

    done = set(StatusMapping.objects.filter(workspace=ctx.workspace,
                                            category__in=["done", "removed"])
               .values_list("status", flat=True))  # fmt: skip
    open_children = (
        WorkItem.objects.filter(workspace=ctx.workspace, team=ctx.teams["checkout"])
        .exclude(epic_key="").exclude(status__in=done)
        .values_list("epic_key", flat=True)
    )  # fmt: skip
    keys = set(open_children)
    epics = (WorkItem.objects.filter(workspace=ctx.workspace, key__in=keys, type__iexact="epic")
             .order_by("-created").values_list("key", flat=True))  # fmt: skip
    return list(epics)[:2] or sorted(keys)[:2]


@step("Outcomes: KPIs, scorecards and the benefits roadmap")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Create the demo's KPIs, values, milestones and benefits (once per workspace)."""
    from leadline.delivery.services import today

    ws = ctx.workspace
    if Kpi.objects.filter(workspace=ws).exists():
        return
    rng = random.Random(SEED)
    end = today(ws)
    start = end - timedelta(days=DEMO_DAYS)
    change = end - timedelta(days=CHANGE_DAYS_BEFORE_END)
    product = Function.objects.get_or_create(workspace=ws, name="Product")[0]
    it = Function.objects.get_or_create(workspace=ws, name="IT")[0]
    before = {"active_from": start, "active_until": change, "kind": Kpi.Kind.PROGRESS,
              "unit": "%", "direction": Kpi.Direction.HIGHER, "target_value": 90.0}  # fmt: skip
    spec = _kpi(ctx, "Specification completeness", [product], **before,
                definition="Share of features handed to IT with every specification section "
                "signed off (product's bonus measure before the change).")  # fmt: skip
    handoff = _kpi(
        ctx,
        "Hand-offs on deadline",
        [product],
        **before,
        definition="Share of specifications handed to IT by the planned hand-off date.",
    )
    estimates = _kpi(ctx, "Delivery to own estimates", [it], **before,
                     definition="Share of IT work packages delivered within IT's own estimate "
                     "(IT's bonus measure before the change).")  # fmt: skip
    handoff.conflicts_with.set([estimates])
    old_months = [d for d in _months(start, change) if d < change]
    for kpi, level in ((spec, 94.0), (handoff, 92.0), (estimates, 91.0)):
        _values(kpi, old_months, level, 2.0, rng)

    shared = {"active_from": change, "kind": Kpi.Kind.OUTCOME,
              "direction": Kpi.Direction.LOWER}  # fmt: skip
    time_to_delivery = _kpi(
        ctx, "Time to delivery", [product, it], **shared, unit="hours",
        source="lead_time_for_changes", target_value=72.0, target_date=change + timedelta(days=420),
        definition="Median hours from a change's first commit to production (DORA lead time for "
        "changes), all teams: what customers wait for.",
    )  # fmt: skip
    successful = _kpi(
        ctx, "Successful releases", [product, it], **shared, unit="share",
        source="change_failure_rate", target_value=0.15, target_date=change + timedelta(days=365),
        definition="Change failure rate: the share of production deployments that caused a "
        "failure. Lower means more releases succeed.",
    )  # fmt: skip
    downtime = _kpi(
        ctx, "Downtime per release", [product, it], **shared, unit="hours",
        source="downtime_per_release", target_value=1.0, target_date=change + timedelta(days=180),
        contributes_to=successful,
        definition="Incident hours attributed to production deployments, per release.",
    )  # fmt: skip
    frequency = _kpi(
        ctx, "Deployment frequency", [it], active_from=change, kind=Kpi.Kind.PROGRESS,
        direction=Kpi.Direction.HIGHER, unit="days/week", source="deployment_frequency",
        target_value=2.0, target_date=change + timedelta(days=365),
        contributes_to=time_to_delivery,
        definition="Days a week with a production deployment: IT's progress measure, serving "
        "the shared time to delivery.",
    )  # fmt: skip
    frequency.teams.set([ctx.teams["platform"], ctx.teams["data"]])
    coordination = _kpi(
        ctx, "Release coordination effort", [it], active_from=change, kind=Kpi.Kind.PROGRESS,
        direction=Kpi.Direction.LOWER, unit="hours/month", target_value=20.0,
        contributes_to=successful,
        definition="Hours a month spent coordinating releases (change board, release notes, "
        "cut-over), from the release manager's log.",
    )  # fmt: skip
    new_months = [d for d in _months(change, end) if d >= change]
    for n, d in enumerate(new_months):
        level = 38.0 - 2.0 * n if n < 8 else 22.0  # more releases first, then automated away
        KpiValue.objects.create(workspace=ws, kpi=coordination, day=d, origin="demo",
                                value=round(max(15.0, rng.gauss(level, 2.0)), 1))  # fmt: skip

    epics = _open_epics(ctx)
    milestones = []
    for n, key in enumerate(epics):
        m = Milestone.objects.create(workspace=ws, name=f"Release {n + 1}: epic {key}",
                                     target_date=end + timedelta(days=10 + 40 * n), epic_key=key)  # fmt: skip
        m.teams.set([ctx.teams["checkout"]])
        milestones.append(m)
    first = milestones[0] if milestones else None
    last = milestones[-1] if milestones else None
    roadmap = [
        (time_to_delivery, "Changes reach customers in days, not months",
         "Customers see a fix or a feature within days of its first commit.",
         "Fortnightly releases and automated deployments remove the wait for the quarterly "
         "train.", False,
         [(change, 2000.0, None), (change + timedelta(days=120), 400.0, None),
          (change + timedelta(days=240), 150.0, None), (end + timedelta(days=15), 100.0, first),
          (end + timedelta(days=60), 72.0, last)]),
        (downtime, "Releases without an evening of downtime",
         "Stores and the app stay up while a release goes out.",
         "Small releases deployed with rolling updates need no maintenance window.", False,
         [(change, 7.0, None), (change + timedelta(days=90), 2.0, None),
          (change + timedelta(days=180), 1.0, None), (end + timedelta(days=30), 0.5, last)]),
        (coordination, "More releases to coordinate (dis-benefit)",
         "Release coordination takes more hours a month until it is automated.",
         "Six times as many releases each need notes and a go/no-go until the pipeline does it.",
         True,
         [(change, 30.0, None), (change + timedelta(days=120), 38.0, None),
          (change + timedelta(days=300), 22.0, None), (end + timedelta(days=45), 18.0, last)]),
    ]  # fmt: skip
    for kpi, description, outcome, rationale, dis, points in roadmap:
        b = Benefit.objects.create(workspace=ws, kpi=kpi, description=description,
                                   outcome=outcome, rationale=rationale, disbenefit=dis)  # fmt: skip
        BenefitPoint.objects.bulk_create(
            BenefitPoint(workspace=ws, benefit=b, day=d, value=v, milestone=m) for d, v, m in points
        )
