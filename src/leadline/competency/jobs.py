"""The development plan's reminders, run by the workers every day: a goal whose review date has
come gets one reminder for that date, in the app (the bell) of the person alone.

Not to the workspace's shared channels (chat webhooks): the plan is private, and a message
there would tell the team about it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from leadline.jobs.registry import handler, register_periodic

register_periodic(
    "competency.remind", "Remind people of their development goals", timedelta(days=1)
)


def send_reminders(now: datetime) -> int:
    """Remind each open goal due for review (review date today or earlier) once per review date;
    return how many reminders were sent. Running it twice sends nothing more."""
    from leadline.notify.models import Notification

    from .models import Goal

    today = timezone.localdate(now)
    due = (
        Goal.objects.filter(done=False, review_on__lte=today)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("review_on")))
        .select_related("assessment", "workspace")
    )
    sent = 0
    for goal in due:
        with transaction.atomic():
            # Claim the goal first: two workers never both send its reminder.
            claimed = (
                Goal.objects.filter(pk=goal.pk)
                .exclude(reminded_for=goal.review_on)
                .update(reminded_for=goal.review_on)
            )
            if not claimed:
                continue
            a = goal.assessment
            Notification.objects.create(
                workspace=goal.workspace, user_id=a.user_id, created_at=now,
                title=f"Review your development goal: {goal.text}"[:300],
                body=f"Its review date is {goal.review_on:%Y-%m-%d}. Mark it done, or move the date.",
                url=reverse("competency-assessment", args=[goal.workspace.slug, a.pk]) + "#plan",
            )  # fmt: skip
            sent += 1
    return sent


@handler("competency.remind")
def remind_job(ctx: Any) -> dict[str, Any]:
    """Send today's development-goal reminders."""
    sent = send_reminders(timezone.now())
    ctx.log(f"{sent} reminder{'s' if sent != 1 else ''} sent")
    return {"reminders_sent": sent}
