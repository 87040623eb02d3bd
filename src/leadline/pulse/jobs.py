"""The pulse schedule, run by the workers every hour: close rounds whose time is up, open the
next round of scheduled pulses (fortnightly by default) with new personal links, and remind
the people who have not answered once half a round's time has passed."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from leadline.jobs.registry import handler, register_periodic

register_periodic("pulse.schedule", "Open, remind and close pulse rounds", timedelta(hours=1))


def run_schedule(now: datetime) -> dict[str, int]:
    """One pass of the schedule over every workspace (idempotent within the hour)."""
    from leadline.governance.services import system_access

    from . import delivery, services
    from .models import Pulse, Round

    closed = Round.objects.filter(closed=False, closes_at__lte=now).update(closed=True)
    opened = reminded = 0
    for pulse in Pulse.objects.filter(active=True).exclude(schedule=Pulse.Schedule.ONCE):
        last = pulse.rounds.order_by("-number").first()
        every = timedelta(days=services.SCHEDULE_DAYS[pulse.schedule])
        if last is None or now >= last.opens_at + every:
            services.start_round(system_access(pulse.workspace), pulse, now=now)
            opened += 1
    for rnd in Round.objects.filter(closed=False, closes_at__gt=now).select_related("pulse"):
        halfway = rnd.opens_at + (rnd.closes_at - rnd.opens_at) / 2
        if now >= halfway and not rnd.invitations.filter(reminders__gt=0).exists():
            reminded += delivery.remind(rnd, now)
    return {"closed": closed, "opened": opened, "reminded": reminded}


@handler("pulse.schedule")
def schedule_job(ctx: Any) -> dict[str, Any]:
    """Run the pulse schedule now."""
    return run_schedule(timezone.now())
