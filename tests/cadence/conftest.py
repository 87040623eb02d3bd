"""The cadence test world: a workspace with its four default tiers, a team with people, users in
every role, and another workspace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class CadenceWorld:
    workspace: Any
    other: Any
    owner: Any
    lead: Any
    member: Any
    viewer: Any
    team: Any
    people: dict[str, Any]

    def access(self, user: Any) -> Any:
        from leadline.workspaces.services import access_for

        return access_for(user, self.workspace.slug)

    def tier(self, kind: str) -> Any:
        from leadline.cadence.models import CadenceTier

        return CadenceTier.objects.get(workspace=self.workspace, kind=kind)


@pytest.fixture
def cw(make_user, make_workspace) -> CadenceWorld:
    from leadline.workspaces.models import Person, Team

    owner, lead, member, viewer = (make_user(n) for n in ("olga", "lena", "max", "val"))
    ws = make_workspace("Acme", {owner: "owner", lead: "lead", member: "member", viewer: "viewer"})
    other = make_workspace("Other", {lead: "owner"})
    team = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    people = {}
    for name, user in [("Olga", owner), ("Lena", lead), ("Max", member), ("Ann", None)]:
        people[name] = Person.objects.create(workspace=ws, name=name, user=user)
        people[name].teams.set([team])
    people["Sam"] = Person.objects.create(workspace=ws, name="Sam Sponsor", kind="stakeholder")
    return CadenceWorld(ws, other, owner, lead, member, viewer, team, people)
