"""Recompute key-person concentration every day, for every workspace with code history (git
connections or stored commits), so the pages and the Radar read yesterday's history at worst."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from leadline.jobs.registry import handler, register_periodic

register_periodic("concentration.refresh", "Recompute key-person concentration",
                  timedelta(days=1))  # fmt: skip


@handler("concentration.refresh")
def refresh_job(ctx: Any) -> dict[str, Any]:
    """Recompute every workspace's truck factors and pace weeks now."""
    from leadline.delivery.models import Connection
    from leadline.workspaces.models import Workspace

    from . import services
    from .models import CodeCommit

    ids = set(CodeCommit.objects.values_list("workspace_id", flat=True).distinct())
    ids |= set(Connection.objects.filter(kind=Connection.Kind.GIT)
               .values_list("workspace_id", flat=True))  # fmt: skip
    now = timezone.now()
    problems = 0
    for ws in Workspace.objects.filter(pk__in=ids).order_by("pk"):
        problems += len(services.refresh(ws, now))
    return {"workspaces": len(ids), "problems": problems}
