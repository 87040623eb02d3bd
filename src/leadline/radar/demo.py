"""The demo's Radar: the rules run over the demo workspace once everything else is built.

The release train's story happened before the change to fortnightly releases, so the Radar
first looks at the workspace as it stood the day before that change (time frozen then, only
the delivery trend rules): what it raised then, and cleared when the change took effect, is
on the Radar with its history. Then every rule runs as of now. Idempotent: the look back runs
once, and a second run as of now changes no finding.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from leadline.demo.builder import DemoContext, step

from . import engine
from .models import Finding

LOOK_BACK_RULES = ["releases_bigger_rarer", "failure_rate_rising"]


def before_the_change(now: datetime) -> datetime:
    """Noon (UTC) of the day before the demo's change of ways of working."""
    from leadline.delivery.services import today
    from leadline.synth.demo import CHANGE_DAYS_BEFORE_END

    day = today() - timedelta(days=CHANGE_DAYS_BEFORE_END + 1)
    return datetime.combine(day, time(12), tzinfo=UTC)


@step("Radar")
def build(ctx: DemoContext) -> None:
    """Run the Radar over the demo workspace (the look back first, once)."""
    now = timezone.now()
    if not Finding.objects.filter(workspace=ctx.workspace, rule__in=LOOK_BACK_RULES).exists():
        engine.run(ctx.workspace, before_the_change(now), only=LOOK_BACK_RULES)
    engine.run(ctx.workspace, now)
