"""Demo delivery data: two years of the Northwind story, generated and imported per team."""

from __future__ import annotations

from typing import Any

from leadline.demo.builder import DemoContext, step

from .imports import ensure_statuses, import_records
from .services import today

# The generator's team keys → the demo workspace's team slugs.
TEAM_KEYS = {"CHK": "checkout", "MOB": "mobile", "PLAT": "platform", "DATA": "data"}


@step("Delivery history: work items, deployments and incidents")
def delivery_history(ctx: DemoContext) -> None:
    """Import the generated story; re-running re-imports the same records (no duplicates)."""
    from leadline.synth import demo_story

    data = demo_story(today())
    by_service = {}
    for spec_team in data.spec.teams:
        team = ctx.teams[TEAM_KEYS[spec_team.key]]
        for service in spec_team.services:
            by_service[service] = team
    for key, slug in TEAM_KEYS.items():
        team = ctx.teams[slug]
        items = [i for i in data.items if i.project == key]
        services = {s for s, t in by_service.items() if t == team}
        delivery: list[Any] = [
            *[d for d in data.deployments if d.service in services],
            *[i for i in data.incidents if i.service in services],
            *[c for c in data.changes if c.repository in services],
            *[r for r in data.releases if r.repository in services],
            *[s for s in data.sprints if s.external_id.startswith(f"{key}-")],
        ]
        import_records(ctx.workspace, [*items, *delivery], team=team, statuses=data.statuses)
    ensure_statuses(
        ctx.workspace,
        {(s.source, s.project, s.name): s.category for s in data.statuses},
        {(s.source, s.name): s for s in data.statuses},
    )
