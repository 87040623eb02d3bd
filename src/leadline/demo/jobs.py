"""The demo rebuild as a background job."""

from __future__ import annotations

from typing import Any

from leadline.jobs.registry import handler
from leadline.jobs.services import JobContext

from .builder import build_demo


@handler("demo.refresh")
def refresh_demo(ctx: JobContext) -> dict[str, Any]:
    """Rebuild the demo workspace, reporting each step as progress."""

    def report(done: int, total: int, title: str) -> None:
        ctx.progress(done, total)
        ctx.log(title)

    built = build_demo(report)
    return {"workspace": built.workspace.slug, "teams": len(built.teams)}
