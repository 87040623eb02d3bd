"""Demo delivery data: two years of the Northwind story, generated and imported per team."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from leadline.demo.builder import DemoContext, step
from leadline.records import ChangeRecord, DeploymentRecord, IncidentRecord, ReleaseRecord

from .demo_stories import flow_stories
from .imports import ensure_statuses, import_records
from .services import today

# The generator's team keys → the demo workspace's team slugs.
TEAM_KEYS = {"CHK": "checkout", "MOB": "mobile", "PLAT": "platform", "DATA": "data"}


@step("Delivery history: work items, deployments and incidents")
def delivery_history(ctx: DemoContext) -> None:
    """Import the generated story; re-running re-imports the same records (no duplicates)."""
    from leadline.synth import demo_story

    data = demo_story(today())
    stories = flow_stories(data.spec.end)
    by_service = {}
    for spec_team in data.spec.teams:
        team = ctx.teams[TEAM_KEYS[spec_team.key]]
        for service in spec_team.services:
            by_service[service] = team
    for key, slug in TEAM_KEYS.items():
        team = ctx.teams[slug]
        items = [i for i in data.items if i.project == key] + stories.get(key, [])
        services = {s for s, t in by_service.items() if t == team}
        delivery: list[Any] = [
            *[d for d in data.deployments if d.service in services],
            *[i for i in data.incidents if i.service in services],
            *[c for c in data.changes if c.repository in services],
            *[r for r in data.releases if r.repository in services],
            *[s for s in data.sprints if s.external_id.startswith(f"{key}-")],
            *before_the_train(services, data.spec.end),
            *gateway_failures(data.deployments, services, data.spec.end),
        ]
        import_records(ctx.workspace, [*items, *delivery], team=team, statuses=data.statuses)
    ensure_statuses(
        ctx.workspace,
        {(s.source, s.project, s.name): s.category for s in data.statuses},
        {(s.source, s.name): s for s in data.statuses},
    )


# Before the quarterly release train (and before the generated history) the teams released
# every three weeks: small releases, none of them failing. The train grew them into big, rare
# and risky ones (the Radar's look back shows it: releases_bigger_rarer). They are older than
# the two years the pages show by default, so the story of the default range is unchanged.
EARLY_RELEASES_DAYS_AGO = (800, 779, 758, 737)


def before_the_train(
    services: set[str], end: date
) -> list[ChangeRecord | DeploymentRecord | ReleaseRecord]:
    """Each service's early releases with the pull requests each shipped (merged in the three
    weeks before it), found again by their fixed ids."""
    out: list[ChangeRecord | DeploymentRecord | ReleaseRecord] = []
    for service in sorted(services):
        for n, ago in enumerate(EARLY_RELEASES_DAYS_AGO, start=1):
            day = end - timedelta(days=ago)
            day += timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)
            when = datetime.combine(day, time(11, 0), tzinfo=UTC)
            ids = []
            for k in range(7 + (3 * n + len(service)) % 4):  # 7 to 10 changes
                merged = when - timedelta(days=1 + 2 * k, hours=3)
                ext = f"{service}#early-{n}-{k + 1}"
                out.append(
                    ChangeRecord(
                        source="github", external_id=ext, kind="pull_request", repository=service,
                        title=f"{service}: change {k + 1} of release v0.{n}.0", created=merged
                        - timedelta(days=2), first_commit_at=merged - timedelta(days=3),
                        merged=merged,
                    )
                )  # fmt: skip
                ids.append(ext)
            tag = f"v0.{n}.0"
            out.append(
                DeploymentRecord(
                    source="github", external_id=f"{service}-production-early-{n}",
                    service=service, environment="production", status="success",
                    raw_status="SUCCESS", started=when, finished=when + timedelta(minutes=15),
                    ref=tag, is_production=True, change_ids=ids,
                )
            )  # fmt: skip
            out.append(ReleaseRecord("github", f"{service}@{tag}", service, tag, tag, when))
    return out


def gateway_failures(
    deployments: list[DeploymentRecord], services: set[str], end: date
) -> list[IncidentRecord]:
    """Platform's story now: of the gateway's deployments in the last eight weeks, every other
    one (four at most) broke it for a while (the Radar's failure_rate_rising)."""
    if "platform-gateway" not in services:
        return []
    recent = [
        d
        for d in deployments
        if d.service == "platform-gateway" and d.is_production and d.status == "success"
        and d.finished is not None and d.finished.date() >= end - timedelta(days=56)
    ]  # fmt: skip
    out = []
    for n, dep in enumerate(recent[::2][:4], start=1):
        assert dep.finished is not None
        start = dep.finished + timedelta(hours=1)
        out.append(
            IncidentRecord(
                source="pagerduty", external_id=f"INC-PLAT-GW-{n}",
                title="Gateway timeouts after a routing change", service="platform-gateway",
                severity="SEV2", started=start, detected=start + timedelta(minutes=8),
                resolved=start + timedelta(minutes=50 + 20 * n), status="resolved",
                deployment_id=dep.external_id,
            )
        )  # fmt: skip
    return out
