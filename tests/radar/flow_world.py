"""A small flow world for the flow rules: two teams, a four-stage workflow, items whose histories
are given in days before a frozen ``NOW`` (Monday 2 March 2026, 18:00 UTC).

Checkout has a lead (Lena); Mobile has none, so its findings go to the workspace's lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
TODAY: date = NOW.date()
WORKFLOW = [("To Do", "backlog", False), ("In Progress", "active", False),
            ("Review", "active", True), ("Done", "done", False)]  # fmt: skip


def ago(days: float, hour: int = 9) -> datetime:
    """``hour`` o'clock (UTC) on the day ``days`` before TODAY (negative: after it)."""
    return datetime.combine(TODAY - timedelta(days=days), time(hour), tzinfo=UTC)


@dataclass
class FlowWorld:
    workspace: Any
    checkout: Any
    mobile: Any
    lead: Any
    access: Any

    def item(
        self,
        key: str,
        moves: list[tuple[float, str] | tuple[float, str, int]],
        team: Any = None,
        sprints: list[tuple[float, str, bool]] = (),  # type: ignore[assignment]
    ) -> Any:
        """Create ``key`` with its moves [(days ago, status[, hour])], created the day before
        its first move, and its sprint entries/exits [(days ago, sprint, added)]."""
        from leadline.delivery.models import SprintChange, Transition, WorkItem

        stamps = [ago(m[0], m[2] if len(m) > 2 else 9) for m in moves]  # type: ignore[misc]
        first = min([*stamps, *(ago(d) for d, _, _ in sprints)])
        item = WorkItem.objects.create(
            workspace=self.workspace, team=team or self.checkout, source="jira", key=key,
            title=f"Item {key}", type="Story", created=first - timedelta(days=1),
            status=moves[-1][1] if moves else "To Do",
        )  # fmt: skip
        previous = "To Do"
        for seq, (stamp, move) in enumerate(zip(stamps, moves, strict=True)):
            Transition.objects.create(
                item=item, seq=seq, at=stamp, from_status=previous, to_status=move[1]
            )
            previous = move[1]
        for d, name, added in sprints:
            SprintChange.objects.create(item=item, sprint=name, at=ago(d), added=added)
        return item

    def move(self, item: Any, at: datetime, status: str) -> None:
        """Add a move to ``item`` as an import would (stamping it, so cached figures refresh)."""
        from django.utils import timezone

        from leadline.delivery.models import Transition

        last = item.transitions.order_by("-seq").first()
        Transition.objects.create(
            item=item, seq=last.seq + 1, at=at, from_status=last.to_status, to_status=status
        )
        item.status, item.imported_at = status, timezone.now()
        item.save()


def build(make_user, make_workspace) -> FlowWorld:
    """Build the world (the tests' ``flow`` fixture)."""
    from leadline.delivery.models import StatusMapping
    from leadline.workspaces.models import Person, Team
    from leadline.workspaces.services import access_for

    lead, member = make_user("lena"), make_user("max")
    ws = make_workspace("Flow", {lead: "lead", member: "member"})
    ws.time_zone = "UTC"
    ws.save()
    checkout = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    mobile = Team.objects.create(workspace=ws, slug="mobile", name="Mobile")
    lena = Person.objects.create(workspace=ws, name="Lena", user=lead)
    lena.teams.set([checkout])
    Person.objects.create(workspace=ws, name="Max", user=member).teams.set([checkout, mobile])
    for n, (status, category, waiting) in enumerate(WORKFLOW):
        StatusMapping.objects.create(
            workspace=ws, source="jira", status=status, category=category, waiting=waiting,
            position=n,
        )  # fmt: skip
    return FlowWorld(ws, checkout, mobile, lead, access_for(lead, ws.slug))
