"""Background jobs: escalation and the daily digest (a scheduler or cron starts them)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from leadline.jobs.registry import handler
from leadline.jobs.services import JobContext


@handler("governance.escalate")
def escalate_job(ctx: JobContext) -> dict[str, Any]:
    """Evaluate escalations in every workspace now; the log names each workspace's count."""
    from leadline.workspaces.models import Workspace

    from .escalate import evaluate_all

    counts = evaluate_all(timezone.now())
    names = dict(Workspace.objects.filter(slug__in=counts).values_list("slug", "name"))
    for slug, n in counts.items():
        ctx.log(f"{names.get(slug, slug)}: {n} new alert{'s' if n != 1 else ''}")
    return {"new_alerts": sum(counts.values()), "workspaces_checked": len(counts)}


@handler("governance.digest")
def digest_job(ctx: JobContext) -> dict[str, Any]:
    """Send the daily digest of every workspace."""
    from leadline.workspaces.models import Workspace

    from .services import send_digest

    sent = [ws.name for ws in Workspace.objects.all() if send_digest(ws)]
    return {"digests_sent": sent}
