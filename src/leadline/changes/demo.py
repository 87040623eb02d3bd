"""Demo data for a change request and its impact.

Idempotent: every record is found by a stable key first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from leadline.changes.models import ChangeRequest
from leadline.demo.builder import DemoContext, step
from leadline.governance.services import system_access
from leadline.workspaces.models import Person

from . import services as changes


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


@step("A change request")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Create the demo's change request (idempotent)."""
    people = {p.name: p for p in Person.objects.filter(workspace=ctx.workspace)}
    _changes(ctx, system_access(ctx.workspace), people, timezone.now())
