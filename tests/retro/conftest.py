"""The retrospective test world: a team with people, users in every role, another workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone


@dataclass
class RetroWorld:
    workspace: Any
    other: Any
    lead: Any
    member: Any
    facilitator: Any
    viewer: Any
    team: Any
    people: dict[str, Any]

    def access(self, user: Any) -> Any:
        from leadline.workspaces.services import access_for

        return access_for(user, self.workspace.slug)

    def retro(self, *, phase: str = "write", held_on: date | None = None, fmt: str = "4ls",
              facilitator: Any = None, now: datetime | None = None) -> Any:  # fmt: skip
        from leadline.retro import services

        retro = services.create_retro(
            self.access(self.lead), self.lead, team=self.team, format=fmt,
            held_on=held_on or timezone.localdate(), facilitator=facilitator, now=now,
        )  # fmt: skip
        if phase != "write":
            services.set_phase(self.access(self.lead), retro, self.lead, phase)
        return retro


@pytest.fixture
def rw(make_user, make_workspace) -> RetroWorld:
    from leadline.workspaces.models import Person, Team

    lead, member, fac, viewer = (make_user(n) for n in ("lena", "max", "fay", "val"))
    ws = make_workspace("Acme", {lead: "lead", member: "member", fac: "member", viewer: "viewer"})
    other = make_workspace("Other", {lead: "owner"})
    team = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    people = {}
    for name, user in [("Lena", lead), ("Max", member), ("Fay", fac), ("Ann", None)]:
        people[name] = Person.objects.create(workspace=ws, name=name, user=user)
        people[name].teams.set([team])
    people["Out"] = Person.objects.create(workspace=ws, name="Out")  # in no team
    return RetroWorld(ws, other, lead, member, fac, viewer, team, people)


def days_ago(n: int) -> datetime:
    return timezone.now() - timedelta(days=n)
