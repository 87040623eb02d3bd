"""The demo's Radar: the rules run over the demo workspace once everything else is built.

The release train's story happened before the change to fortnightly releases, so the Radar
first looks at the workspace as it stood 500 days ago, after the train's second release (time
frozen then, only the delivery trend rules and the outcomes' siloed-incentive rules): what it raised then, and cleared once the
fortnightly releases took over, is on the Radar with its evidence and history. Then every rule
runs as of now. Idempotent: the look back runs once (unless its findings are gone), and a second
run as of now changes no finding (and raises no notification: the demo runs the engine, not the
notifying service).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from leadline.demo.builder import DemoContext, step

from . import engine
from .models import Finding

LOOK_BACK_RULES = [
    "releases_bigger_rarer", "failure_rate_rising", "siloed_function", "opposing_kpis",
]  # fmt: skip


LOOK_BACK_DAYS = 500  # the train's second release was three weeks before


def look_back() -> datetime:
    """Noon (UTC) of the day the Radar looks back to, in the release train's time."""
    from leadline.delivery.services import today

    day = today() - timedelta(days=LOOK_BACK_DAYS)
    return datetime.combine(day, time(12), tzinfo=UTC)


@step("Radar")
def build(ctx: DemoContext) -> None:
    """Run the Radar over the demo workspace (the look back first, once)."""
    then = look_back()
    looked = Finding.objects.filter(
        workspace=ctx.workspace, rule__in=LOOK_BACK_RULES, first_seen_at__lte=then
    )
    if not looked.exists():
        engine.run(ctx.workspace, then, only=LOOK_BACK_RULES)
    engine.run(ctx.workspace, timezone.now())
