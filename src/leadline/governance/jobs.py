"""Background jobs: escalation and the daily digest (a scheduler or cron starts them)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from leadline.jobs.services import JobContext, handler


@handler("governance.escalate")
def escalate_job(ctx: JobContext) -> dict[str, Any]:
    """Evaluate escalations in every workspace now."""
    from .escalate import evaluate_all

    return {"new_alerts": evaluate_all(timezone.now())}


@handler("governance.digest")
def digest_job(ctx: JobContext) -> dict[str, Any]:
    """Send the daily digest of every workspace."""
    from leadline.workspaces.models import Workspace

    from .notify import send_digest

    sent = [ws.slug for ws in Workspace.objects.all() if send_digest(ws)]
    return {"workspaces": sent}
