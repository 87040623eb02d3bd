"""The governance test world with leads and a workflow, for the governance and combined rules.

On top of tests/governance/world.py: Olga (the owner) is a person in Checkout, Lee is a lead in
Platform, and work items map To Do → In Progress → Done. Time is frozen: every run gets ``now``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from leadline.radar import engine, services
from leadline.radar.models import Finding

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def day(days: int) -> Any:
    return (T0 + timedelta(days=days)).date()


def build(world, make_user):
    """Add the leads and the workflow to the governance world; each test module wraps this in
    its own ``gov`` fixture."""
    from leadline.delivery.models import StatusMapping
    from leadline.workspaces.models import Membership, Person

    olga = Person.objects.create(workspace=world.workspace, name="Olga", user=world.owner)
    olga.teams.set([world.teams["checkout"]])
    lee_user = make_user("lee")
    Membership.objects.create(user=lee_user, workspace=world.workspace, role="lead")
    lee = Person.objects.create(workspace=world.workspace, name="Lee", user=lee_user)
    lee.teams.set([world.teams["platform"]])
    world.people.update(Olga=olga, Lee=lee)
    for n, (status, category) in enumerate(
        [("To Do", "backlog"), ("In Progress", "active"), ("Done", "done")]
    ):
        StatusMapping.objects.create(
            workspace=world.workspace, source="jira", status=status, category=category, position=n
        )
    return world


def work_item(world, key: str, team: str, started: float | None, status: str = "In Progress"):
    """A work item created 30 days before T0 that started ``started`` days after T0."""
    from leadline.delivery.models import Transition, WorkItem

    item = WorkItem.objects.create(
        workspace=world.workspace, team=world.teams[team], source="jira", key=key,
        title=f"Story {key}", created=at(-30), status=status,
    )  # fmt: skip
    if started is not None:
        Transition.objects.create(
            item=item, seq=0, at=at(started), from_status="To Do", to_status="In Progress"
        )
    if status == "Done":
        Transition.objects.create(
            item=item, seq=1, at=at(-1), from_status="In Progress", to_status="Done"
        )
    return item


def run(world, days: float, *rules: str) -> engine.RunResult:
    return engine.run(world.workspace, at(days), only=list(rules))


def findings(world, rule: str) -> list[Finding]:
    return list(Finding.objects.filter(workspace=world.workspace, rule=rule).order_by("pk"))


def one(world, rule: str) -> Finding:
    (f,) = findings(world, rule)
    return f


def evidence(f: Finding) -> dict[str, str]:
    """The finding's evidence as {label: value} (the last value of a repeated label)."""
    return {e["label"]: e["value"] for e in f.evidence}


def talk_to(f: Finding) -> list[str]:
    return [c["name"] for c in f.talk_to]


def dismiss(world, f: Finding, days: float) -> None:
    services.act(world.access, f.pk, "dismiss", world.owner, reason="Known", now=at(days))


def resolve(world, f: Finding, days: float) -> None:
    services.act(world.access, f.pk, "resolve", world.owner, now=at(days))
