"""Demo data for governance: RAID items, decision rights and decisions, agreements, a change.

Idempotent: every record is found by a stable key (external id, title, team + scope) first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from leadline.demo.builder import DemoContext, step
from leadline.workspaces.models import Person

from . import agreements, changes, decisions, raid
from .models import ChangeRequest, Decision, RaidItem, WorkingAgreement

DOMAINS = [
    # (name, description, decider, role, consulted, informed)
    (
        "User experience",
        "Flows, screens, copy and accessibility.",
        "Chloé Martin",
        "",
        ["Grace Kim", "Dev Patel"],
        ["Quinn Adeyemi"],
    ),
    (
        "Architecture",
        "Services, data stores, APIs and how they fit.",
        "Amira Haddad",
        "",
        ["Jonas Berg"],
        ["Nadia Ivanova"],
    ),
    (
        "Compliance",
        "PCI DSS, GDPR and audit obligations.",
        "Rosa Jimenez",
        "",
        ["Kwame Mensah"],
        ["Olivia Grant"],
    ),
    ("Platform operations", "Hosting, CI/CD, on-call.", None, "lead", ["Ines Duarte"], []),
    ("Data governance", "Who may use which customer data for what.", None, "", ["Lena Vogel"], []),
]


def _people(ctx: DemoContext) -> dict[str, Person]:
    return {p.name: p for p in Person.objects.filter(workspace=ctx.workspace)}


def _raid(ctx: DemoContext, access: Any, people: dict[str, Person], now: Any) -> None:
    today = now.date()
    t = ctx.teams
    items: list[tuple[str, str, dict[str, Any], int]] = [
        (
            "DEMO-R1",
            "risk",
            {
                "title": "Payment provider deprecates the v1 card API before we migrate",
                "cause": "Provider announced end of life for v1 in Q3",
                "effect": "Card payments fail",
                "probability": 4,
                "impact": 5,
                "owner": people["Ben Okafor"],
                "team": t["checkout"],
                "mitigation": "Migrate to v2 behind a flag; contract test both",
                "trigger": "Sunset notice with a date",
                "review_date": today + timedelta(days=7),
                "proximity": today + timedelta(days=60),
            },
            20,
        ),
        (
            "DEMO-R2",
            "risk",
            {
                "title": "Only one engineer knows the release pipeline",
                "cause": "Single-person staffing on CI/CD",
                "effect": "Releases stop when Jonas is away",
                "probability": 3,
                "impact": 4,
                "owner": people["Jonas Berg"],
                "team": t["platform"],
                "review_date": today - timedelta(days=3),
            },
            12,
        ),
        (
            "DEMO-R3",
            "risk",
            {
                "title": "App store review delays the spring release",
                "probability": 2,
                "impact": 3,
                "owner": people["Grace Kim"],
                "team": t["mobile"],
                "mitigation": "Submit a week early; keep a hotfix build ready",
            },
            9,
        ),
        (
            "DEMO-R4",
            "risk",
            {
                "title": "Warehouse costs grow faster than usage",
                "probability": 2,
                "impact": 2,
                "team": t["data"],
            },
            3,
        ),
        (
            "DEMO-R5",
            "risk",
            {
                "title": "Black Friday traffic exceeds checkout capacity",
                "cause": "Load tests stopped at 2× last year's peak",
                "effect": "Checkout errors at peak",
                "probability": 4,
                "impact": 4,
                "owner": people["Ines Duarte"],
                "team": t["checkout"],
                "mitigation": "Autoscaling tested at 3×",
            },
            30,
        ),
        (
            "DEMO-A1",
            "assumption",
            {
                "title": "Customers accept saved cards if we ask at the end of checkout",
                "owner": people["Dev Patel"],
                "team": t["checkout"],
                "validate_by": today + timedelta(days=10),
            },
            6,
        ),
        (
            "DEMO-D1",
            "dependency",
            {
                "title": "Push-notification service API v2",
                "needed": "Send order updates to the apps",
                "team": t["mobile"],
                "provider_kind": "team",
                "provider_team": t["platform"],
                "owner": people["Jonas Berg"],
                "need_by": today - timedelta(days=5),
                "work_items": "MOB-142, MOB-151",
                "blocker": True,
            },
            25,
        ),
        (
            "DEMO-D2",
            "dependency",
            {
                "title": "Order events in the customer data platform",
                "needed": "Order-placed events with basket contents",
                "team": t["data"],
                "provider_kind": "team",
                "provider_team": t["checkout"],
                "owner": people["Amira Haddad"],
                "need_by": today + timedelta(days=14),
                "work_items": "DATA-77",
            },
            10,
        ),
        (
            "DEMO-D3",
            "dependency",
            {
                "title": "Fraud-scoring contract renewal",
                "needed": "Signed renewal before the old one ends",
                "team": t["checkout"],
                "provider_kind": "vendor",
                "provider_name": "ScoreGuard Ltd",
                "owner": people["Dev Patel"],
                "need_by": today + timedelta(days=30),
            },
            8,
        ),
    ]
    for ext, kind, data, age in items:
        if not RaidItem.objects.filter(workspace=ctx.workspace, external_id=ext).exists():
            raid.create_item(
                access, kind, {**data, "external_id": ext}, None, now - timedelta(days=age)
            )
    risk = (
        RaidItem.objects.get(workspace=ctx.workspace, external_id="DEMO-R6")
        if RaidItem.objects.filter(workspace=ctx.workspace, external_id="DEMO-R6").exists()
        else raid.create_item(
            access,
            "risk",
            {
                "external_id": "DEMO-R6",
                "title": "Mobile login breaks on the new OAuth library",
                "probability": 3,
                "impact": 4,
                "owner": people["Elena Rossi"],
                "team": t["mobile"],
                "mitigation": "Pin the old library until the fix ships",
            },
            None,
            now - timedelta(days=21),
        )
    )
    if not risk.materialised_as.exists():
        issue = raid.materialise_risk(
            access, risk, None, now=now - timedelta(days=4), due_date=today + timedelta(days=2)
        )
        raid.update_item(access, issue, {"blocker": True}, None, now - timedelta(days=4))


def _decisions(ctx: DemoContext, access: Any, people: dict[str, Person], now: Any) -> None:
    s = decisions.settings_for(ctx.workspace)
    s.triage_group.set([people[n] for n in ("Nadia Ivanova", "Olivia Grant", "Peter Novak")])
    for name, desc, decider, role, consulted, informed in DOMAINS:
        if ctx.workspace.decision_domains.filter(name=name).exists():
            continue
        decisions.save_domain(
            access,
            name,
            description=desc,
            decider_person=people[decider] if decider else None,
            decider_role=role,
            consulted=[people[n] for n in consulted],
            informed=[people[n] for n in informed],
        )
    log = [
        (
            "Checkout redesign: one-page checkout with saved cards",
            ["User experience", "Architecture", "Compliance"],
            "Design, engineering and compliance each named a different decider (Chloé, Amira, Rosa); "
            "the choice stalled for three weeks. The framework now routes it to the triage group.",
            "1. One page, saved cards via the provider's vault\n2. Multi-step, no saved cards\n"
            "3. One page now, saved cards next quarter",
            None,
            30,
        ),
        (
            "Use feature flags for every mobile release",
            ["Architecture"],
            "Release trains slip when one feature is late.",
            "Flags (LaunchDarkly / home-grown) or branches",
            ("Home-grown flags in the config service", "Cheap, fits our stack"),
            200,
        ),
        (
            "Retain order events for 24 months",
            ["Data governance"],
            "Analytics wants history; GDPR needs a limit.",
            "12, 24 or 36 months",
            None,
            100,
        ),
    ]
    for title, domains, context, options, outcome, hours_ago in log:
        if Decision.objects.filter(workspace=ctx.workspace, title=title).exists():
            continue
        d = decisions.create_decision(
            access,
            title,
            domains=domains,
            context=context,
            options=options,
            now=now - timedelta(hours=hours_ago),
        )
        if outcome:
            decisions.decide(
                access,
                d,
                outcome=outcome[0],
                rationale=outcome[1],
                now=now - timedelta(hours=hours_ago - 30),
            )


SECTIONS_V1 = {
    "channels": "#checkout for day-to-day; #checkout-incidents for production issues.",
    "cadence": "Stand-up 09:30 daily; planning and review every other Monday; retro every other Friday.",
    "norms": "Cameras optional. Disagree in the room, commit outside it.",
    "decision_paths": "Product decides what, the team decides how; cross-domain goes to triage.",
    "escalation_routes": "Blocked for a day: tell Nadia. Production: page on-call.",
    "definition_of_done": "Reviewed, tested, deployed behind a flag, monitored.",
}


def _agreements(ctx: DemoContext, access: Any, people: dict[str, Person], now: Any) -> None:
    team = ctx.teams["checkout"]
    a = agreements.get_or_create_agreement(
        access, team, review_date=now.date() + timedelta(days=45)
    )
    if not a.versions.exists():
        agreements.save_version(
            access, a, SECTIONS_V1, note="First version", now=now - timedelta(days=40)
        )
        for p in agreements.expected_people(a):
            agreements.acknowledge(a, p, now=now - timedelta(days=38))
        agreements.save_version(
            access,
            a,
            {
                **SECTIONS_V1,
                "cadence": SECTIONS_V1["cadence"] + "\nStakeholder check-in every other Thursday.",
                "definition_of_done": SECTIONS_V1["definition_of_done"]
                + "\nAcceptance criteria agreed before work starts.",
            },
            note="Added stakeholder check-in and acceptance-criteria norm",
            now=now - timedelta(days=3),
        )
        for name in ("Amira Haddad", "Dev Patel"):
            agreements.acknowledge(a, people[name], now=now - timedelta(days=2))
    s = agreements.get_or_create_agreement(access, team, WorkingAgreement.Scope.STAKEHOLDERS)
    s.stakeholders.set([people["Olivia Grant"], people["Quinn Adeyemi"]])
    if not s.versions.exists():
        agreements.save_version(
            access,
            s,
            {
                "channels": "Email for decisions; #checkout-stakeholders for questions.",
                "cadence": "Biweekly check-in; monthly milestone review.",
                "decision_paths": "Scope changes go through a change request.",
                "escalation_routes": "Olivia Grant as sponsor.",
            },
            note="First version",
            now=now - timedelta(days=10),
        )


def _changes(ctx: DemoContext, access: Any, people: dict[str, Person], now: Any) -> None:
    title = "Add gift cards to checkout before the holidays"
    if ChangeRequest.objects.filter(workspace=ctx.workspace, title=title).exists():
        return
    changes.create_change_request(
        access,
        title=title,
        team=ctx.teams["checkout"],
        added_items=8,
        description="Commerce wants gift cards live for the holiday season.",
        requested_by=people["Olivia Grant"],
        urgency="high",
        scope_source=ChangeRequest.ScopeSource.SPRINT,
        target_date=now.date() + timedelta(days=21),
        throughput_samples="0,1,2,0,1,3,0,0,2,1,1,0,2,1,0,0,1,2,1,0,3,1,0,0,1,1,2,0",
        domains=list(
            ctx.workspace.decision_domains.filter(name__in=["User experience", "Compliance"])
        ),
        now=now - timedelta(days=1),
    )


@step("Governance: RAID log, decisions, agreements and a change request")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Create the demo's governance data (idempotent)."""
    access = decisions.system_access(ctx.workspace)
    people = _people(ctx)
    now = timezone.now()
    _raid(ctx, access, people, now)
    _decisions(ctx, access, people, now)
    _agreements(ctx, access, people, now)
    _changes(ctx, access, people, now)
