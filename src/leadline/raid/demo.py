"""Demo data for the RAID log: risks, assumptions, issues and dependencies.

Idempotent: every record is found by a stable key (the external id) first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from leadline.demo.builder import DemoContext, step
from leadline.governance.services import system_access
from leadline.raid.models import RaidItem
from leadline.workspaces.models import Person

from . import services as raid


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


@step("RAID log: risks, assumptions, issues and dependencies")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Create the demo's RAID log (idempotent)."""
    people = {p.name: p for p in Person.objects.filter(workspace=ctx.workspace)}
    _raid(ctx, system_access(ctx.workspace), people, timezone.now())
