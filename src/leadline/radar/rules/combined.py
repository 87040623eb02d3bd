"""Radar rules where signals meet on one subject: one finding instead of several alerts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..context import RunContext
from ..registry import Evidence, Signal, Subject, Threshold, rule
from .chains import Chain, chains
from .governance_data import (
    days,
    deciders,
    item_url,
    names,
    provider_contacts,
    raid_owner,
    unique,
)


@rule(
    "blocked_chain",
    area="combined",
    title="Blocked chain: aging work, a late dependency, an overdue decision",
    why="When an aging item waits on a dependency that is late, which itself waits on a decision "
    "past its due time, the three alerts each look like someone else's problem. Shown as one "
    "chain, it is one conversation with the people who can unblock all of it. The dependency "
    "and decision it covers are not raised again on their own.",
    source="Reinertsen, The Principles of Product Development Flow (2009); Vacanti, Actionable "
    "Agile Metrics for Predictability (2015): work item age",
    thresholds=(
        Threshold("late_days", "Days past the need-by date", 1, 1, 90, "days"),
        Threshold("item_age_days", "Work item age from which it is aging", 10, 1, 365, "days"),
    ),
)
def blocked_chain(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for chain in chains(ctx, t):
        yield _signal(ctx, chain)


def _signal(ctx: RunContext, chain: Chain) -> Signal:
    item = chain.item
    first = chain.links[0].dependency
    evidence: list[Evidence] = []
    steps: list[str] = []
    if item is not None:
        url = item_url(ctx, item)
        subject = Subject("work_item", item.key, f"{item.key} {item.title}".strip(), url)
        evidence.append(Evidence("Work item", item.describe(), url))
        steps.append(f"{item.key} ({days(item.age_days)}{', aging' if chain.aging else ''})")
        team = item.team.pk if item.team else first.team_id
    else:
        url = ctx.url("raid-item", first.pk)
        subject = Subject("raid", str(first.pk), first.title, url)
        team = first.team_id
    who = []
    for link in chain.links:
        dep = link.dependency
        dep_url = ctx.url("raid-item", dep.pk)
        evidence.append(
            Evidence(
                "Blocked by",
                f"dependency “{dep.title}” on {dep.provider_label}, needed by "
                f"{dep.need_by:%Y-%m-%d} ({days(link.late)} late)",
                dep_url,
            )
        )
        steps.append(f"dependency #{dep.pk} ({days(link.late)} late)")
        who += [*raid_owner(ctx, dep), *provider_contacts(ctx, dep)]
    asks = []
    for decision, cr in chain.decisions.values():
        d_url = ctx.url("decision", decision.pk)
        overdue = (ctx.now - decision.due_at).days
        evidence.append(
            Evidence(
                "Via change request",
                f"“{cr.title}” links the dependency and "
                f"{names(x.name for x in cr.domains.all()) or 'its decision'}",
                ctx.url("change", cr.pk),
            )
        )
        evidence.append(
            Evidence(
                "Waiting on",
                f"decision “{decision.title}”, routed to {decision.routed_name}, due "
                f"{decision.due_at:%Y-%m-%d} ({days(overdue)} overdue)",
                d_url,
            )
        )
        steps.append(f"decision #{decision.pk} ({days(overdue)} overdue)")
        contacts, words = deciders(ctx, decision)
        who += contacts
        asks.append(words)
    evidence.insert(0, Evidence("Chain", " → ".join(steps), url))
    opening = (
        f"{item.key} has been {'in progress' if item.started else 'open'} for "
        f"{days(item.age_days)}, waiting on"
        if item is not None
        else f"{first.team.name if first.team else 'A team'} waits on"
    )
    deps = names(f"“{link.dependency.title}” ({days(link.late)} late)" for link in chain.links)
    titles = [f"“{d.title}”" for d, _ in chain.decisions.values()]
    waits = (
        f", which waits on {titles[0]} past its due time"
        if len(titles) == 1
        else f", which waits on {len(titles)} decisions past their due time ({names(titles, 2)})"
        if titles
        else ""
    )
    people = names(
        [
            first.owner.name
            if first.owner is not None and first.owner.active
            else f"{first.team.name if first.team else 'the waiting team'}'s lead"
        ]
        + [f"{first.provider_label}'s lead" if first.provider_team else first.provider_label]
        + list(dict.fromkeys(asks))
    )
    return Signal(
        subject=subject,
        # As high as the parts would have been: a blocker past its need-by is high on its own.
        severity="high"
        if chain.signals >= 3 or any(link.dependency.blocker for link in chain.links)
        else "medium",
        title=(
            f"{subject.name} ({days(item.age_days)} old) is blocked by a dependency "
            f"{days(chain.late)} late"
            + (" that waits on an overdue decision" if chain.decisions else "")
            if item is not None
            else f"Dependency “{first.title}” is {days(chain.late)} late and waits on an "
            "overdue decision"
        ),
        evidence=tuple(evidence),
        talk_to=unique(who),
        conversation=f"{opening} {deps}{waits}. Could {people} meet once this week and unblock "
        f"the whole chain together?",
        score=float(chain.late),
        team=team,
    )
