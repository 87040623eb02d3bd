"""Demo data for decisions: the decision rights framework and three decisions.

Idempotent: every record is found by a stable key first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from leadline.decisions.models import Decision
from leadline.demo.builder import DemoContext, step
from leadline.governance.services import settings_for, system_access
from leadline.workspaces.models import Person

from . import inputs
from . import services as decisions

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


def _decisions(ctx: DemoContext, access: Any, people: dict[str, Person], now: Any) -> None:
    s = settings_for(ctx.workspace)
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
            80,  # past the triage group's 48-hour SLA: the Radar's decision_overdue
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


INPUTS = {
    "Grace Kim": ("support", "Saved cards are what returning customers ask for most."),
    "Jonas Berg": ("concerns", "The provider's vault is fine; storing card tokens ourselves is not."),
    "Quinn Adeyemi": ("object", "Not before the fraud screening is rewritten: chargebacks are up."),
}  # fmt: skip


def _inputs(ctx: DemoContext, access: Any, people: dict[str, Person], now: Any) -> None:
    """The stalled checkout redesign asks its consulted people (and a stakeholder) for input."""
    d = Decision.objects.filter(
        workspace=ctx.workspace, title__startswith="Checkout redesign", status="proposed"
    ).first()
    if d is None or d.inputs.exists():
        return
    asked = [people[n] for n in INPUTS if n in people]
    issued = inputs.request_input(access, d, asked, now=now - timedelta(hours=70))
    for i in issued:
        stance, text = INPUTS[i.input.person.name]
        inputs.submit_input(i.input, text, stance, now=now - timedelta(hours=60))


@step("Decision rights and decisions")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Create the demo's decision rights and decisions (idempotent)."""
    people = {p.name: p for p in Person.objects.filter(workspace=ctx.workspace)}
    now = timezone.now()
    _decisions(ctx, system_access(ctx.workspace), people, now)
    _inputs(ctx, system_access(ctx.workspace), people, now)
