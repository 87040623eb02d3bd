"""Background job: remind the people who have not answered a check that closes soon."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from leadline.jobs.registry import handler
from leadline.jobs.services import JobContext


@handler("alignment.remind")
def remind_job(ctx: JobContext) -> dict[str, Any]:
    """Send reminders for every open check closing within two days."""
    from .notices import send_reminders

    sent = send_reminders(timezone.now())
    ctx.log(f"{sent} reminder{'s' if sent != 1 else ''} sent")
    return {"reminders_sent": sent}


@handler("alignment.repeat")
def repeat_job(ctx: JobContext) -> dict[str, Any]:
    """Send every scheduled repeat of a check that is due."""
    from .series import run_due

    sent = run_due(timezone.now())
    ctx.log(f"{len(sent)} repeat{'s' if len(sent) != 1 else ''} sent")
    return {"repeats_sent": len(sent)}
