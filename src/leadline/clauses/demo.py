"""Demo data: the checkout team's agreement says "Blocked for a day: tell Nadia."; the clause
is checked against how long the team's items actually stayed blocked.

Idempotent: the clause is found by its words first.
"""

from __future__ import annotations

from django.db import transaction

from leadline.agreements.models import WorkingAgreement
from leadline.demo.builder import DemoContext, step
from leadline.governance.services import system_access

from . import services as clauses
from .models import ClauseCheck

CLAUSE = "Blocked for a day: tell Nadia."


@step("Agreement clauses checked against the data")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Check the checkout agreement's escalation clause against blocked time (24 hours)."""
    a = WorkingAgreement.objects.filter(
        workspace=ctx.workspace, team=ctx.teams["checkout"], scope=WorkingAgreement.Scope.TEAM
    ).first()
    if a is None or ClauseCheck.objects.filter(agreement=a, clause=CLAUSE).exists():
        return
    clauses.link_clause(
        system_access(ctx.workspace),
        a,
        section="escalation_routes",
        clause=CLAUSE,
        kind="blocked_hours",
        limit=24,
    )
