"""Demo: Northwind's change in ways of working, recorded on the day it was announced.

The delivery history (``leadline.delivery.demo``) already holds the story: a quarterly release
train with 6–8 hours of downtime per release until product and IT were measured on shared
outcomes, then fortnightly releases with under an hour. This step records that change, so the
before/after page opens on it; it adds no delivery data. Idempotent: the change is found by its
title and moved to the story's date when the demo is rebuilt on another day.
"""

from __future__ import annotations

from datetime import timedelta

from leadline.demo.builder import DemoContext, step

from .models import Change

TITLE = "Shared outcomes for product and IT: fortnightly releases"
DESCRIPTION = (
    "Product was measured on specification completeness and hand-off deadlines, IT on "
    "delivering to its own estimates, and releases came on a quarterly train. From today both "
    "are measured on shared outcomes (time to delivery, quality changes released) and every "
    "team releases every two weeks."
)


@step("Before/after: the change in ways of working")
def change_in_ways_of_working(ctx: DemoContext) -> None:
    """Record the announced change (the day the fortnightly era starts in the story)."""
    from leadline.delivery.services import today
    from leadline.synth.demo import CHANGE_DAYS_BEFORE_END

    day = today() - timedelta(days=CHANGE_DAYS_BEFORE_END)
    Change.objects.update_or_create(
        workspace=ctx.workspace, title=TITLE, defaults={"date": day, "description": DESCRIPTION}
    )
