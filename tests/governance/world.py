"""The governance apps' test world: one workspace with people in every role, teams and a framework.

Each governance app's tests (tests/raid, tests/decisions, ...) use it through their conftest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class World:
    workspace: Any
    owner: Any
    member: Any
    viewer: Any
    access: Any
    teams: dict[str, Any]
    people: dict[str, Any]


@pytest.fixture
def world(make_user, make_workspace) -> World:
    from leadline.decisions.services import save_domain
    from leadline.governance.services import settings_for
    from leadline.workspaces.models import Person, Team
    from leadline.workspaces.services import access_for

    owner, member, viewer = make_user("olga"), make_user("mo"), make_user("vic")
    ws = make_workspace("Acme", {owner: "owner", member: "member", viewer: "viewer"})
    access = access_for(owner, ws.slug)
    teams = {
        slug: Team.objects.create(workspace=ws, slug=slug, name=slug.title())
        for slug in ("mobile", "platform", "checkout")
    }
    people = {}
    for name, team in [
        ("Ann", "mobile"),
        ("Bo", "platform"),
        ("Cy", "checkout"),
        ("Di", "checkout"),
    ]:
        people[name] = Person.objects.create(workspace=ws, name=name)
        people[name].teams.set([teams[team]])
    people["Mo"] = Person.objects.create(workspace=ws, name="Mo", user=member)
    people["Mo"].teams.set([teams["checkout"]])
    people["Sam"] = Person.objects.create(workspace=ws, name="Sam", kind="stakeholder")
    save_domain(access, "User experience", decider_person=people["Ann"])
    save_domain(access, "Architecture", decider_person=people["Bo"], consulted=[people["Cy"]])
    save_domain(access, "Compliance", decider_role="lead")
    settings_for(ws).triage_group.set([people["Cy"], people["Di"]])
    return World(ws, owner, member, viewer, access, teams, people)
