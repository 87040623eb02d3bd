"""Blocked chains: where a late dependency, the work it blocks and an overdue decision meet.

How the chain is linked in the data:

- **work item → dependency**: the dependency (an open RAID item of kind dependency, past its
  need-by date) lists the item's key in ``RaidItem.work_items``;
- **dependency → decision**: a change request lists the dependency among its RAID items, and a
  proposed decision past its due time is that request's own decision, or touches one of the
  request's decision domains for the request's team, the dependency's team or its provider (or
  for no team).

A chain is raised (by ``blocked_chain``) when at least two signals meet: per open work item the
dependency blocks, when the item has aged past the threshold or the dependency waits on an
overdue decision; for a dependency naming no open item Leadline knows, when it waits on an
overdue decision. ``merged`` tells ``dependency_due`` and ``decision_overdue`` which subjects a
chain already covers, so one problem is one finding, not three.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from leadline.changes.models import ChangeRequest
from leadline.decisions.models import Decision
from leadline.raid.models import RaidItem

from ..context import RunContext
from .governance_data import Item, days_late, open_raid, proposed, work_items

KEY = "blocked_chain"


@dataclass(frozen=True)
class Link:
    """A late dependency in a chain, with the change requests that tie it to decisions."""

    dependency: RaidItem
    late: int
    changes: tuple[ChangeRequest, ...] = ()


@dataclass
class Chain:
    """One subject (a work item, or the dependency when it names none) and what meets on it."""

    item: Item | None
    links: list[Link] = field(default_factory=list)
    decisions: dict[int, tuple[Decision, ChangeRequest]] = field(default_factory=dict)
    aging: bool = False

    @property
    def late(self) -> int:
        return max(link.late for link in self.links)

    @property
    def signals(self) -> int:
        return 1 + int(self.aging) + int(bool(self.decisions))


def chains(ctx: RunContext, t: Mapping[str, float]) -> list[Chain]:
    """Every chain in the workspace now, under thresholds ``t`` (computed once per run)."""
    return ctx.memo(("chains", tuple(sorted(t.items()))), lambda: _chains(ctx, t))


def merged(ctx: RunContext) -> tuple[set[int], set[int]]:
    """The dependency and decision ids a blocked_chain finding covers in this run (none when
    blocked_chain does not run: it is muted, or the run is limited to other rules)."""
    t = ctx.thresholds.get(KEY)
    if t is None:
        return set(), set()
    found = chains(ctx, t)
    deps = {link.dependency.pk for c in found for link in c.links}
    return deps, {pk for c in found for pk in c.decisions}


def chained_items(ctx: RunContext) -> set[str]:
    """The work item keys a blocked_chain finding is about in this run (none when it does not
    run), for the flow rule ``aging_work`` to leave to the chain: one line there,
    ``if row["key"] in chained_items(ctx): continue``."""
    t = ctx.thresholds.get(KEY)
    return {c.item.key for c in chains(ctx, t) if c.item is not None} if t is not None else set()


def _chains(ctx: RunContext, t: Mapping[str, float]) -> list[Chain]:
    late = [
        Link(i, days_late(ctx, i.need_by))
        for i in open_raid(ctx)
        if i.kind == RaidItem.Kind.DEPENDENCY
        and i.need_by is not None
        and days_late(ctx, i.need_by) >= t["late_days"]
    ]
    if not late:
        return []
    waiting = _decisions(ctx, late)
    items = work_items(ctx)
    by_item: dict[str, Chain] = {}
    out: list[Chain] = []
    for link in late:
        dep = link.dependency
        open_items = [
            items[k] for k in dep.work_item_keys() if k in items and not items[k].finished
        ]
        found = waiting.get(dep.pk, {})
        for item in open_items:
            chain = by_item.setdefault(item.key, Chain(item))
            chain.links.append(link)
            chain.decisions.update(found)
            chain.aging = item.age_days >= t["item_age_days"]
        if not open_items and found:
            out.append(Chain(None, [link], dict(found)))
    out += [c for c in by_item.values() if c.aging or c.decisions]
    return out


def _decisions(
    ctx: RunContext, late: list[Link]
) -> dict[int, dict[int, tuple[Decision, ChangeRequest]]]:
    """Per late dependency: the overdue proposed decisions it waits on, each with the change
    request that links them. Also fills in each link's change requests."""
    overdue = [d for d in proposed(ctx) if d.is_overdue(ctx.now)]
    through = ChangeRequest.raid_items.through
    pairs = list(
        through.objects.filter(raiditem_id__in=[link.dependency.pk for link in late]).values_list(
            "changerequest_id", "raiditem_id"
        )
    )
    if not pairs:
        return {}
    requests = {
        cr.pk: cr
        for cr in ChangeRequest.objects.filter(
            workspace=ctx.workspace, pk__in={c for c, _ in pairs}
        ).prefetch_related("domains")
    }
    out: dict[int, dict[int, tuple[Decision, ChangeRequest]]] = {}
    for i, link in enumerate(late):
        dep = link.dependency
        linked = [requests[c] for c, r in pairs if r == dep.pk and c in requests]
        late[i] = Link(dep, link.late, tuple(linked))
        teams = {None, dep.team_id, dep.provider_team_id}
        for cr in linked:
            domains = {d.pk for d in cr.domains.all()}
            for d in overdue:
                own = cr.decision_id == d.pk
                shared = domains & {x.pk for x in d.domains.all()}
                if own or (shared and d.team_id in teams | {cr.team_id}):
                    out.setdefault(dep.pk, {}).setdefault(d.pk, (d, cr))
    return out
