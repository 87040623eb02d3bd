"""What the governance and combined Radar rules read, loaded once per run (a few bulk queries,
never one per item), and whom they name: a RAID item's owner, a decision's decider, the
triage group by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max

from leadline.decisions.models import Decision, DecisionComment
from leadline.delivery.models import StatusMapping, Transition, WorkItem
from leadline.raid.models import OPEN_STATUSES, RaidItem
from leadline.records import StageCategory
from leadline.workspaces.models import ROLE_RANK, Person, Role, Team

from ..context import RunContext
from ..registry import Contact, plural

FINISHED = {StageCategory.DONE.value, StageCategory.REMOVED.value}


def days(n: int) -> str:
    return plural(n, "day")


def names(items: Iterable[str], most: int = 0) -> str:
    """Return "A", "A and B" or "A, B and C"; past ``most`` names (0: no limit) "A, B, C and
    4 others"."""
    xs = list(items)
    if most and len(xs) > most:
        xs = [*xs[:most], f"{len(xs) - most} others"]
    return xs[0] if len(xs) == 1 else f"{', '.join(xs[:-1])} and {xs[-1]}" if xs else ""


def unique(contacts: Iterable[Contact]) -> tuple[Contact, ...]:
    """Return ``contacts`` without repeats, in order."""
    return tuple(dict.fromkeys(contacts))


# RAID ----------------------------------------------------------------------------------------


def open_raid(ctx: RunContext) -> list[RaidItem]:
    """The workspace's open RAID items, loaded once per run."""
    return ctx.memo(
        "open-raid",
        lambda: list(
            RaidItem.objects.filter(workspace=ctx.workspace, status__in=OPEN_STATUSES)
            .select_related("owner", "team", "provider_team", "source_risk__owner")
            .order_by("pk")
        ),
    )


def raid_owner(ctx: RunContext, item: RaidItem) -> tuple[Contact, ...]:
    """The item's owner; without one, its team's lead (an ownerless item is itself a finding)."""
    if item.owner is not None and item.owner.active:
        return (Contact("person", f"{item.owner.name} (owner)"),)
    return ctx.team_leads(item.team)


def provider_contacts(ctx: RunContext, item: RaidItem) -> tuple[Contact, ...]:
    """Who provides a dependency: the providing team's lead, or the vendor or person named."""
    if item.provider_team is not None:
        return tuple(
            Contact(c.kind, c.name.replace("(lead,", "(lead of the provider,"))
            for c in ctx.team_leads(item.provider_team)
        )
    if item.provider_name:
        kind = "group" if item.provider_kind == RaidItem.ProviderKind.VENDOR else "person"
        return (
            Contact(kind, f"{item.provider_name} ({item.get_provider_kind_display().lower()})"),
        )
    return ()


def days_late(ctx: RunContext, due: date) -> int:
    """Whole calendar days from ``due`` to today (negative: still to come). As in the escalation
    rules, an item due today is not yet late."""
    return (ctx.today - due).days


# Work items ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """A work item a RAID item names, as the Radar needs it."""

    key: str
    title: str
    team: Team | None
    status: str
    finished: bool
    started: datetime | None
    age_days: int  # since it started, else since it was created

    def describe(self) -> str:
        since = "it started" if self.started is not None else "it was created"
        head = f"{self.key} {self.title}".strip()
        return f"{head} — {self.status}, {days(self.age_days)} since {since}"


def work_items(ctx: RunContext) -> dict[str, Item]:
    """The work items named by the open RAID items (by key), with their status and age."""
    return ctx.memo("raid-work-items", lambda: _load_items(ctx))


def _load_items(ctx: RunContext) -> dict[str, Item]:
    keys = {k for i in open_raid(ctx) for k in i.work_item_keys()}
    if not keys:
        return {}
    rows = list(
        WorkItem.objects.filter(workspace=ctx.workspace, key__in=keys)
        .values("pk", "key", "title", "team_id", "status", "created")
        .order_by("pk")
    )
    category: dict[str, str] = {}
    for status, cat in StatusMapping.objects.filter(workspace=ctx.workspace).values_list(
        "status", "category"
    ):
        category.setdefault(status, cat or "")
    started: dict[int, datetime] = {}
    for item_id, at, to in (
        Transition.objects.filter(item_id__in=[r["pk"] for r in rows], at__lte=ctx.now)
        .values_list("item_id", "at", "to_status")
        .order_by("item_id", "seq")
    ):
        if category.get(to) == StageCategory.ACTIVE and item_id not in started:
            started[item_id] = at
    out: dict[str, Item] = {}
    for r in rows:
        begun = started.get(r["pk"])
        out.setdefault(
            r["key"],
            Item(
                key=r["key"],
                title=r["title"],
                team=ctx.team(r["team_id"]),
                status=r["status"],
                finished=category.get(r["status"]) in FINISHED,
                started=begun,
                age_days=max((ctx.now - (begun or r["created"])).days, 0),
            ),
        )
    return out


def item_url(ctx: RunContext, item: Item) -> str:
    """The flow dashboard of the item's team, where its age is shown."""
    return ctx.url("delivery", query=f"team={item.team.slug}" if item.team else "")


# Decisions -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Activity:
    comments: int
    last: datetime  # the latest comment, else when it was proposed


def proposed(ctx: RunContext) -> list[Decision]:
    """The workspace's proposed decisions with their domains (two queries per run)."""
    return ctx.memo(
        "proposed-decisions",
        lambda: list(
            Decision.objects.filter(
                workspace=ctx.workspace, status=Decision.Status.PROPOSED, created_at__lte=ctx.now
            )
            .select_related("routed_person", "team")
            .prefetch_related("domains__decider_person")
            .order_by("pk")
        ),
    )


def activity(ctx: RunContext, decision: Decision) -> Activity:
    """How many comments a proposed decision has and when it last moved (as of ``now``).

    A proposed decision is not edited in Leadline (deciding or superseding ends the proposal),
    so its activity is its proposal and its comments."""
    rows = ctx.memo(
        "decision-comments",
        lambda: {
            r["decision_id"]: (r["n"], r["last"])
            for r in DecisionComment.objects.filter(
                decision__workspace=ctx.workspace,
                decision__status=Decision.Status.PROPOSED,
                at__lte=ctx.now,
            )
            .values("decision_id")
            .annotate(n=Count("id"), last=Max("at"))
        },
    )
    n, last = rows.get(decision.pk, (0, None))
    return Activity(n, max(decision.created_at, last) if last else decision.created_at)


def triage_people(ctx: RunContext) -> list[Person]:
    """The triage group's active members, by name."""
    return ctx.memo(
        "triage",
        lambda: list(
            Person.objects.filter(triage_groups__workspace=ctx.workspace, active=True)
            .distinct()
            .order_by("name")
        ),
    )


def role_people(ctx: RunContext, role: str) -> list[Person]:
    """Active people whose account has ``role`` or a higher one in the workspace, by name."""
    wanted = [r for r in Role.values if ROLE_RANK[Role(r)] >= ROLE_RANK[Role(role)]]
    return ctx.memo(
        ("role-people", role),
        lambda: list(
            Person.objects.filter(
                workspace=ctx.workspace,
                active=True,
                user__memberships__workspace=ctx.workspace,
                user__memberships__role__in=wanted,
            )
            .distinct()
            .order_by("name")
        ),
    )


def deciders(ctx: RunContext, decision: Decision) -> tuple[tuple[Contact, ...], str]:
    """Whom a decision is routed to, as contacts and as words for a conversation ("Ann",
    "the triage group (Cy and Di)")."""
    kind = decision.routed_kind
    if kind == Decision.RouteKind.PERSON and decision.routed_person is not None:
        p = decision.routed_person
        if p.active:
            return (Contact("person", f"{p.name} (decider)"),), p.name
        group = triage_people(ctx)
        if group:
            who = tuple(Contact("person", f"{g.name} (triage group)") for g in group)
            return who, f"the triage group ({names(g.name for g in group)}), as {p.name} has left"
    if kind == Decision.RouteKind.ROLE and decision.routed_role in Role.values:
        label = Role(decision.routed_role).label
        people = role_people(ctx, decision.routed_role)[:3]
        if people:
            who = tuple(Contact("person", f"{p.name} ({label.lower()})") for p in people)
            return who, f"the {label.lower()}s ({names(p.name for p in people)})"
        return (Contact("role", f"anyone with the {label.lower()} role"),), f"the {label.lower()}s"
    group = triage_people(ctx)
    if group:
        who = tuple(Contact("person", f"{g.name} (triage group)") for g in group)
        return who, f"the triage group ({names(g.name for g in group)})"
    leads = ctx.team_leads(decision.team)
    return leads, names(c.name for c in leads)
