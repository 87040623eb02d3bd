"""The demo's Radar: the rules run over the finished demo workspace (the last build step), so
the Radar, its findings and the home page's Radar section have something to show.

Idempotent: a second build finds the same findings and changes none of them (it raises no
notification either: the demo runs the engine, not the notifying service).
"""

from __future__ import annotations

from django.utils import timezone

from leadline.demo.builder import DemoContext, step

from . import engine


@step("Radar findings")
def radar_findings(ctx: DemoContext) -> None:
    engine.run(ctx.workspace, timezone.now())
