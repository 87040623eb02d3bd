"""The pulse test world: a workspace with a lead, a member and a viewer, a team of seven people
and a second team of four; helpers to run a round and answer it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone


@dataclass
class PulseWorld:
    workspace: Any
    lead: Any
    member: Any
    viewer: Any
    access: Any
    team: Any
    small: Any
    people: list[Any]


@pytest.fixture
def pw(make_user, make_workspace) -> PulseWorld:
    from leadline.workspaces.models import Person, Team
    from leadline.workspaces.services import access_for

    lead, member, viewer = make_user("lea"), make_user("mem"), make_user("vie")
    ws = make_workspace("Acme", {lead: "lead", member: "member", viewer: "viewer"})
    team = Team.objects.create(workspace=ws, slug="core", name="Core")
    small = Team.objects.create(workspace=ws, slug="tiny", name="Tiny")
    people = []
    for n, name in enumerate(["Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus"]):
        p = Person.objects.create(
            workspace=ws, name=f"{name} Xylo", email=f"{name.lower()}@acme.test"
        )
        p.teams.set([team] if n < 7 else [])
        people.append(p)
    for name in ["Hal", "Ivy", "Jo", "Kim"]:
        Person.objects.create(workspace=ws, name=name).teams.set([small])
    return PulseWorld(ws, lead, member, viewer, access_for(lead, ws.slug), team, small, people)


def run_round(
    pw: PulseWorld,
    answers: list[dict[str, Any]],
    *,
    team: Any = None,
    template: str = "psychological-safety",
    pulse: Any = None,
    now: datetime | None = None,
    close: bool = True,
    comments: list[str] | None = None,
) -> tuple[Any, Any, list[str]]:
    """Open a round (a new pulse, or the next round of ``pulse``), answer it with ``answers``
    (one dict per respondent), close it; return (pulse, round, unused tokens)."""
    from leadline.pulse import services
    from leadline.pulse.models import Pulse

    now = now or timezone.now() - timedelta(days=10)
    if pulse is None:
        made = services.create_pulse(pw.access, team or pw.team, template, now=now,
                                     closes_at=now + timedelta(days=2), schedule="once")  # fmt: skip
        pulse = Pulse.objects.get(pk=made["id"])
        tokens = [link["token"] for link in made["links"]]
    else:
        _, links = services.start_round(pw.access, pulse, now=now,
                                        closes_at=now + timedelta(days=2))  # fmt: skip
        tokens = [link["token"] for link in links]
    comments = comments or []
    for n, a in enumerate(answers):
        services.submit(tokens[n], a, comments[n] if n < len(comments) else "",
                        now=now + timedelta(hours=1))  # fmt: skip
    rnd = pulse.rounds.order_by("-number").first()
    if close:
        services.close_round(pw.access, rnd)
    return pulse, rnd, tokens[len(answers) :]


PS_KEYS = ["mistakes", "raise-problems", "different", "risks", "ask-help", "no-undermining",
           "skills-valued"]  # fmt: skip


def ps(*values: int) -> dict[str, int]:
    """Answers to the seven psychological-safety items, in order (raw, before reversing)."""
    return dict(zip(PS_KEYS, values, strict=True))


def same(value: int) -> dict[str, int]:
    """Every item answered ``value`` raw."""
    return ps(*([value] * 7))


def token_for(rnd: Any, person_id: int) -> str:
    """Give ``person_id``'s invitation to ``rnd`` a new link and return it (links are handed
    out without names, so a test that needs a given person's link makes one, as reminders do)."""
    import secrets

    from leadline.pulse.models import Invitation
    from leadline.workspaces.models import hash_token

    lookup = secrets.token_hex(6)
    raw = f"{lookup}{secrets.token_urlsafe(32)}"
    Invitation.objects.filter(round=rnd, person_id=person_id).update(
        lookup=lookup, digest=hash_token(raw)
    )
    return raw
