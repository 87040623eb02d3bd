"""What a rule sees of one workspace during one run: the clock, the teams, shared loads.

Rules of one run often need the same figures (a team's flow over the last weeks, the open RAID
items); :meth:`RunContext.memo` computes each once per run. Time is ``now`` (aware) and ``today``
(the workspace's calendar date), never the clock, so a run is reproducible with time frozen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.urls import reverse

from leadline.workspaces.models import Person, Role, Team, Workspace

from .registry import Contact

T = TypeVar("T")


class RunContext:
    """One workspace, one moment."""

    def __init__(self, workspace: Workspace, now: datetime) -> None:
        self.workspace = workspace
        self.now = now
        self.today: date = now.astimezone(ZoneInfo(workspace.tz)).date()
        self._memo: dict[Any, Any] = {}
        # The rules of this run with their thresholds in force (the engine fills it in), so a
        # rule can tell whether another runs: blocked_chain's parts are not raised twice.
        self.thresholds: dict[str, dict[str, float]] = {}

    def memo(self, key: Any, factory: Callable[[], T]) -> T:
        """Return ``factory()``, computed once per run for ``key``."""
        if key not in self._memo:
            self._memo[key] = factory()
        return self._memo[key]  # type: ignore[no-any-return]

    @property
    def teams(self) -> list[Team]:
        return self.memo("teams", lambda: list(self.workspace.teams.order_by("name")))

    def team(self, pk: int | None) -> Team | None:
        return next((t for t in self.teams if t.pk == pk), None)

    def team_by_slug(self, slug: str) -> Team | None:
        """The team with ``slug`` (from the run's one read of the teams, not a query)."""
        return next((t for t in self.teams if t.slug == slug), None)

    def url(self, name: str, *args: Any, query: str = "") -> str:
        """Return the path of page ``name`` in this workspace (``query`` without the ``?``)."""
        path = reverse(name, args=[self.workspace.slug, *args])
        return f"{path}?{query}" if query else path

    def days_ago(self, n: int) -> date:
        return self.today - timedelta(days=n)

    # Whom to talk to -------------------------------------------------------------------------

    def leads(self) -> list[Person]:
        """People of the workspace whose account is a lead or owner, active, by name."""
        return self.memo(
            "leads",
            lambda: list(
                Person.objects.filter(
                    workspace=self.workspace,
                    active=True,
                    user__memberships__workspace=self.workspace,
                    user__memberships__role__in=[Role.LEAD, Role.OWNER],
                )
                .distinct()
                .order_by("name")
            ),
        )

    def team_leads(self, team: Team | None) -> tuple[Contact, ...]:
        """The team's lead: its active people who are leads or owners of the workspace; else the
        workspace's leads; else the team itself (never "someone")."""
        leads = self.leads()
        if team is not None:
            members = self.memo(
                ("team-people", team.pk),
                lambda: set(
                    Person.objects.filter(teams=team, active=True).values_list("pk", flat=True)
                ),
            )
            own = [p for p in leads if p.pk in members]
            if own:
                return tuple(Contact("person", f"{p.name} (lead, {team.name})") for p in own)
        if leads:
            return tuple(Contact("person", f"{p.name} (workspace lead)") for p in leads[:2])
        if team is not None:
            return (Contact("team", f"the {team.name} team"),)
        return (Contact("role", f"the leads of {self.workspace.name}"),)
