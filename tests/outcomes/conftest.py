"""The outcomes test world: a workspace with a lead, a member and a viewer, the functions
Product and IT, two teams, and a second workspace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest


@dataclass
class OutcomesWorld:
    workspace: Any
    other: Any
    lead: Any
    member: Any
    viewer: Any
    access: Any
    product: Any
    it: Any
    checkout: Any
    platform: Any

    def kpi(self, name: str, functions: list[Any] = (), **data: Any) -> Any:  # type: ignore[assignment]
        from leadline.outcomes import values

        return values.save_kpi(self.access, {"name": name,
                                               "functions": [f.pk for f in functions], **data})  # fmt: skip


@pytest.fixture
def ow(make_user, make_workspace) -> OutcomesWorld:
    from leadline.workspaces.models import Function, Team
    from leadline.workspaces.services import access_for

    lead, member, viewer = make_user("olead"), make_user("omem"), make_user("oview")
    ws = make_workspace("Northwind", {lead: "lead", member: "member", viewer: "viewer"})
    other = make_workspace("Elsewhere", {})
    product = Function.objects.get_or_create(workspace=ws, name="Product")[0]
    it = Function.objects.get_or_create(workspace=ws, name="IT")[0]
    checkout = Team.objects.create(workspace=ws, slug="checkout", name="Checkout", group="Product")
    platform = Team.objects.create(workspace=ws, slug="platform", name="Platform", group="IT")
    return OutcomesWorld(ws, other, lead, member, viewer, access_for(lead, ws.slug), product, it,
                         checkout, platform)  # fmt: skip
