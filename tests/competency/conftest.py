"""The competency test world: a person assessing themselves, a peer, the workspace's owner,
four possible raters, a viewer and another workspace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class CompetencyWorld:
    workspace: Any
    other: Any
    me: Any
    peer: Any
    owner: Any
    viewer: Any
    raters: list[Any]
    person: Any
    team: Any

    def access(self, user: Any, workspace: Any = None) -> Any:
        from leadline.workspaces.services import access_for

        return access_for(user, (workspace or self.workspace).slug)

    def assessment(self, user: Any = None, **levels: int) -> Any:
        from leadline.competency import services

        user = user or self.me
        a = services.start(self.access(user), user, title="Spring")
        if levels:
            services.rate(self.access(user), user, a, [
                {"competency": k.replace("_", "-"), "level": v, "evidence": f"did {k}"}
                for k, v in levels.items()
            ])  # fmt: skip
        return a


@pytest.fixture
def cw(make_user, make_workspace) -> CompetencyWorld:
    from leadline.workspaces.models import Person, Team

    me, peer, owner, viewer = (make_user(n) for n in ("mia", "pete", "olga", "vic"))
    raters = [make_user(f"rater{i}") for i in range(1, 5)]
    ws = make_workspace("Acme", {me: "lead", peer: "member", owner: "owner", viewer: "viewer",
                                 **{r: "member" for r in raters}})  # fmt: skip
    other = make_workspace("Other", {me: "owner", owner: "owner"})
    team = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    person = Person.objects.create(workspace=ws, name="Mia Lead", user=me)
    person.teams.set([team])
    return CompetencyWorld(ws, other, me, peer, owner, viewer, raters, person, team)
