"""The concentration test world: a workspace with people (one has left), a Checkout team, a
git repository built here and read through a git connection, an open epic and a story."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from .gitrepo import Repo

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday
ALICE = "Alice Smith <alice@corp.example>"
BOB = "Bob Jones <bob@corp.example>"
CAROL = "Carol White <carol@corp.example>"


@dataclass
class World:
    workspace: Any
    other: Any
    lead: Any
    member: Any
    viewer: Any
    team: Any
    people: dict[str, Any]
    repo: Repo


def build_repo(path: Path) -> Repo:
    """payments/: Alice alone (3 files, commits naming CHK-2). basket/: Alice and Bob, one file
    each. legacy/: Carol alone (she has left). README at the root: Bob."""
    repo = Repo(path)
    repo.commit(ALICE, {"payments/card.py": "a\n", "payments/refund.py": "r\n",
                        "payments/ledger.py": "l\n"}, message="CHK-2 payment provider")  # fmt: skip
    repo.commit(ALICE, {"basket/add.py": "b\n"}, message="basket")
    repo.commit(BOB, {"basket/total.py": "t\n", "README.md": "hi\n"}, message="CHK-3 totals")
    repo.commit(CAROL, {"legacy/old.py": "o\n"}, message="old stuff")
    return repo


@pytest.fixture
def world(make_user, make_workspace, tmp_path: Path) -> World:
    from leadline.delivery.models import Connection, WorkItem
    from leadline.workspaces.models import Person, Team

    lead, member, viewer = (make_user(n) for n in ("lena", "max", "val"))
    ws = make_workspace("Acme", {lead: "lead", member: "member", viewer: "viewer"})
    other = make_workspace("Other", {lead: "owner"})
    team = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    people = {}
    for name, email, active in [("Alice Smith", "alice@corp.example", True),
                                ("Bob Jones", "", True), ("Carol White", "", False),
                                ("Lena Lead", "", True)]:  # fmt: skip
        people[name] = Person.objects.create(workspace=ws, name=name, email=email, active=active)
        people[name].teams.add(team)
    people["Lena Lead"].user = lead
    people["Lena Lead"].save()
    repo = build_repo(tmp_path / "shop")
    Connection.objects.create(workspace=ws, kind="git", name="shop", target=str(repo.path))
    WorkItem.objects.create(workspace=ws, team=team, source="jira", key="CHK-1", type="Epic",
                            title="Payment provider migration", created=NOW, status="In Progress")  # fmt: skip
    WorkItem.objects.create(workspace=ws, team=team, source="jira", key="CHK-2", type="Story",
                            epic_key="CHK-1", title="Switch card payments", created=NOW,
                            status="In Progress")  # fmt: skip
    WorkItem.objects.create(workspace=ws, team=team, source="jira", key="CHK-3", type="Story",
                            title="Totals", created=NOW, status="Done", resolved=NOW)  # fmt: skip
    return World(ws, other, lead, member, viewer, team, people, repo)
