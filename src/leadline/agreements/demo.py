"""Demo data for working agreements: a team's and one with stakeholders, acknowledged.

Idempotent: every record is found by a stable key first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from leadline.agreements.models import WorkingAgreement
from leadline.demo.builder import DemoContext, step
from leadline.governance.services import system_access
from leadline.workspaces.models import Person

from . import services as agreements

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


@step("Working agreements")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Create the demo's working agreements (idempotent)."""
    people = {p.name: p for p in Person.objects.filter(workspace=ctx.workspace)}
    _agreements(ctx, system_access(ctx.workspace), people, timezone.now())
