"""The governance test world (tests/governance/world.py) and a check sent to part of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.governance.world import world  # noqa: F401

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

QUESTIONS = [
    {
        "kind": "scope",
        "text": "What is in the first release?",
        "items": ["Guest checkout", "Saved cards"],
    },
    {"kind": "priorities", "text": "Rank what matters most", "items": ["Speed", "Quality", "Cost"]},
    {"kind": "success_criteria", "text": "What would convince you it worked?"},
    {
        "kind": "metrics",
        "text": "Pick up to three metrics",
        "items": ["Lead time", "Throughput", "Velocity"],
    },
    {
        "kind": "who_decides",
        "text": "Who decides the payment-page design?",
        "domain": "cross-domain",
    },
    {"kind": "likert", "text": "The team knows what success looks like."},
    {"kind": "text", "text": "Anything else?"},
]


@pytest.fixture
def groups(world):  # noqa: F811
    """Ann and Bo work in Product, Cy and Sam (a stakeholder) in IT."""
    from leadline.workspaces.models import Function

    product = Function.objects.get_or_create(workspace=world.workspace, name="Product")[0]
    it = Function.objects.get_or_create(workspace=world.workspace, name="IT")[0]
    for name, f in [("Ann", product), ("Bo", product), ("Cy", it), ("Sam", it)]:
        world.people[name].function = f
        world.people[name].save()
    return {"Product": product, "IT": it}


@pytest.fixture
def sent(world, groups):  # noqa: F811
    """A check sent to Ann, Bo, Cy, Mo and Sam, closing in 14 days; returns (check, {name: token})."""
    from leadline.alignment import services as alignment

    audience = [world.people[n] for n in ("Ann", "Bo", "Cy", "Mo", "Sam")]
    check, issued = alignment.create_check(
        world.access, "Checkout rewrite", QUESTIONS, audience, team=world.teams["checkout"],
        closes_at=START + timedelta(days=14), actor=world.owner, now=START,
    )  # fmt: skip
    return check, {i.respondent.person.name: i.token for i in issued}


def q(check, kind):
    return check.questions.get(kind=kind)
