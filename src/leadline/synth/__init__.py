"""Seeded synthetic delivery data: work items, code changes, deployments, releases, incidents.

``generate(spec)`` builds everything as ``leadline.records`` objects; ``iter_items(spec)``
streams work items; ``frames(spec)`` returns engine-ready Polars frames fast enough for
millions of items; ``demo_story(end)`` is the demo organisation. Same spec, same output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from leadline.records import (
    ChangeRecord,
    DeploymentRecord,
    IncidentRecord,
    ReleaseRecord,
    SprintRecord,
    StatusRecord,
    WorkItemRecord,
)
from leadline.synth.delivery import generate_delivery
from leadline.synth.demo import demo_spec
from leadline.synth.items import frames, iter_items, team_sprints
from leadline.synth.spec import Era, SynthSpec, TeamSpec, simple_spec, status_records
from leadline.synth.writers import write_csv, write_jira_json


@dataclass(slots=True)
class SynthData:
    """One generated organisation: its spec and every record made from it."""

    spec: SynthSpec
    statuses: list[StatusRecord] = field(default_factory=list)
    items: list[WorkItemRecord] = field(default_factory=list)
    sprints: list[SprintRecord] = field(default_factory=list)
    changes: list[ChangeRecord] = field(default_factory=list)
    deployments: list[DeploymentRecord] = field(default_factory=list)
    releases: list[ReleaseRecord] = field(default_factory=list)
    incidents: list[IncidentRecord] = field(default_factory=list)


def generate(spec: SynthSpec) -> SynthData:
    """Generate work items (with epics), sprints and delivery data for ``spec``."""
    items = list(iter_items(spec))
    delivery = generate_delivery(spec, items)
    return SynthData(
        spec=spec,
        statuses=status_records(spec),
        items=items,
        sprints=[s for t in range(len(spec.teams)) for s in team_sprints(spec, t)],
        changes=delivery.changes,
        deployments=delivery.deployments,
        releases=delivery.releases,
        incidents=delivery.incidents,
    )


def demo_story(end: date) -> SynthData:
    """Generate the demo organisation: Checkout, Mobile, Platform and Data over two years."""
    return generate(demo_spec(end))


__all__ = [
    "Era",
    "SynthData",
    "SynthSpec",
    "TeamSpec",
    "demo_spec",
    "demo_story",
    "frames",
    "generate",
    "iter_items",
    "simple_spec",
    "write_csv",
    "write_jira_json",
]
