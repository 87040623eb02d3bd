"""Radar rules over decisions and decision rights (imported by ``rules.governance``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta

from leadline.decisions.models import Decision, DecisionDomain
from leadline.decisions.rules import route_decision
from leadline.decisions.services import TRIAGE_NAME, rights_of

from ..context import RunContext
from ..registry import Contact, Evidence, Signal, Subject, Threshold, rule
from .chains import merged
from .governance_data import activity, days, deciders, names, proposed, triage_people, unique

DECISION_SOURCE = (
    "Rogers and Blenko, “Who Has the D? How Clear Decision Roles Enhance Organizational "
    "Performance”, Harvard Business Review (2006)"
)


def span(delta: timedelta) -> str:
    """Say a duration in days, or in hours under a day."""
    if delta >= timedelta(days=1):
        return days(delta.days)
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def _domains(d: Decision) -> str:
    return ", ".join(x.name for x in d.domains.all()) or "none given"


def _route(d: Decision) -> str:
    if d.routed_kind == Decision.RouteKind.PERSON:
        return f"{d.routed_name} (decider)"
    if d.routed_kind == Decision.RouteKind.ROLE:
        return f"the {d.routed_name.lower()} role"
    return d.routed_name


@rule(
    "decision_overdue",
    area="governance",
    title="Decision past its due time",
    why="A decision that waits past its due time holds up the work behind it, and people start "
    "working around it. Most of the time the decider is missing something: an option, a fact, "
    "someone consulted.",
    source=DECISION_SOURCE,
    thresholds=(
        Threshold("days_overdue", "Days past the due time before it is raised", 0, 0, 90, "days"),
        Threshold("high_days", "Days overdue from which it is high", 3, 1, 365, "days"),
    ),
)
def decision_overdue(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    _, chained = merged(ctx)
    for d in proposed(ctx):
        late = ctx.now - d.due_at
        if d.pk in chained or late <= timedelta(0) or late < timedelta(days=t["days_overdue"]):
            continue
        url = ctx.url("decision", d.pk)
        waited = ctx.now - d.created_at
        act = activity(ctx, d)
        who, words = deciders(ctx, d)
        sla = int((d.due_at - d.created_at).total_seconds() // 3600)
        yield Signal(
            subject=Subject("decision", str(d.pk), d.title, url),
            severity="high" if late >= timedelta(days=t["high_days"]) else "medium",
            title=f"Decision “{d.title}” is {span(late)} past its due time",
            evidence=(
                Evidence("Proposed", f"{d.created_at:%Y-%m-%d} ({span(waited)} ago)", url),
                Evidence("Due", f"{d.due_at:%Y-%m-%d %H:%M} ({sla} h after it was proposed)", url),
                Evidence("Overdue by", span(late), url),
                Evidence("Routed to", _route(d), url),
                Evidence("Domains", _domains(d), url),
                Evidence(
                    "Comments",
                    f"{act.comments}; last activity {act.last:%Y-%m-%d} "
                    f"({span(ctx.now - act.last)} ago)",
                    url,
                ),
            ),
            talk_to=who,
            conversation=f"“{d.title}” has waited {span(waited)}, {span(late)} past its due "
            f"time. What would help {words} decide it this week?",
            score=float(late.days),
            team=d.team_id,
        )


@rule(
    "decision_stalled",
    area="governance",
    title="Decision without activity",
    why="A proposed decision nobody has commented on for days is usually stuck before it is "
    "late: the decider may lack an option or a fact, or not know it is theirs. Asking early "
    "is cheaper than chasing an overdue decision.",
    source=DECISION_SOURCE,
    thresholds=(Threshold("days", "Days without a comment", 3, 1, 90, "days"),),
)
def decision_stalled(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    # Overdue decisions are decision_overdue's (its evidence shows the last activity too).
    for d in proposed(ctx):
        if d.is_overdue(ctx.now):
            continue
        act = activity(ctx, d)
        idle = ctx.now - act.last
        if idle < timedelta(days=t["days"]):
            continue
        url = ctx.url("decision", d.pk)
        who, words = deciders(ctx, d)
        last = f"a comment on {act.last:%Y-%m-%d}" if act.comments else "none since it was proposed"
        yield Signal(
            subject=Subject("decision", str(d.pk), d.title, url),
            severity="medium",
            title=f"Decision “{d.title}” has not moved for {span(idle)}",
            evidence=(
                Evidence(
                    "Proposed", f"{d.created_at:%Y-%m-%d} ({span(ctx.now - d.created_at)} ago)", url
                ),
                Evidence("Last activity", f"{last} ({span(idle)} ago)", url),
                Evidence("Comments", str(act.comments), url),
                Evidence("Due", f"{d.due_at:%Y-%m-%d %H:%M} (in {span(d.due_at - ctx.now)})", url),
                Evidence("Routed to", _route(d), url),
                Evidence("Threshold", days(int(t["days"])), ctx.url("radar-rules")),
            ),
            talk_to=who,
            conversation=f"Nothing has moved on “{d.title}” for {span(idle)}, and it is due in "
            f"{span(d.due_at - ctx.now)}. What is missing for {words} to decide it: another "
            f"option, a fact, someone consulted?",
            score=float(idle.days),
            team=d.team_id,
        )


def _leads(ctx: RunContext) -> tuple[Contact, ...]:
    leads = ctx.leads()
    if leads:
        return tuple(Contact("person", f"{p.name} (workspace lead)") for p in leads[:3])
    return ctx.team_leads(None)


@rule(
    "domain_without_decider",
    area="governance",
    title="Decision domain without a decider",
    why="A domain nobody decides sends every decision in it to the triage group, or nowhere; "
    "when its decider has left, people keep waiting on someone who is gone.",
    source=DECISION_SOURCE,
)
def domain_without_decider(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    waiting: dict[int, list[Decision]] = {}
    for d in proposed(ctx):
        for x in d.domains.all():
            waiting.setdefault(x.pk, []).append(d)
    domains = DecisionDomain.objects.filter(workspace=ctx.workspace).select_related(
        "decider_person"
    )
    for domain in domains.order_by("name"):
        rights = rights_of(domain)
        if rights.decider_kind and rights.decider_active:
            continue
        gap = f"{rights.decider_name} (has left)" if rights.decider_kind else "nobody is named"
        url = ctx.url("who-decides")
        queue = waiting.get(domain.pk, [])
        evidence = [
            Evidence("Domain", domain.name, url),
            Evidence("Decider", gap, url),
            Evidence("Proposed decisions in it", str(len(queue)), ctx.url("decisions")),
        ]
        evidence += [Evidence("Waiting", d.title, ctx.url("decision", d.pk)) for d in queue[:5]]
        since = f" since {rights.decider_name} left" if rights.decider_kind else ""
        pending = (
            f"{len(queue)} proposed decision{'s' if len(queue) != 1 else ''} wait"
            f"{'s' if len(queue) == 1 else ''} in it"
            if queue
            else "no decision waits in it yet"
        )
        yield Signal(
            subject=Subject("decision_domain", str(domain.pk), domain.name, url),
            severity="high" if queue else "medium",
            title=f"Nobody decides {domain.name}{since}",
            evidence=tuple(evidence),
            talk_to=_leads(ctx),
            conversation=f"Nobody decides {domain.name} now{since}, and {pending}. Who is "
            f"best placed to decide it from here, and who should they consult?",
            score=float(len(queue)),
        )


@rule(
    "cross_domain_not_triaged",
    area="governance",
    title="Cross-domain decision not routed to triage",
    why="A decision that touches several domains has several deciders; routed to one of them, "
    "the others may learn of it when it is made, and each group may think another decides it.",
    source=DECISION_SOURCE,
)
def cross_domain_not_triaged(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    group = triage_people(ctx)
    for d in proposed(ctx):
        domains = list(d.domains.all())
        if len(domains) < 2 or d.routed_kind == Decision.RouteKind.TRIAGE:
            continue
        url = ctx.url("decision", d.pk)
        rights = [rights_of(x) for x in domains]
        route = route_decision(
            rights, d.created_at, triage_name=TRIAGE_NAME, triage_sla_hours=0, domain_sla_hours=0
        )
        named = list(dict.fromkeys(r.decider_name for r in rights if r.decider_kind))
        listed = ", ".join(f"{r.name} ({r.decider_name or 'nobody named'})" for r in rights)
        triage = names(p.name for p in group) or "nobody yet"
        who = tuple(Contact("person", f"{p.name} (triage group)") for p in group)
        yield Signal(
            subject=Subject("decision", str(d.pk), d.title, url),
            severity="high" if len(named) > 1 else "medium",
            title=f"Decision “{d.title}” touches {len(domains)} domains but went to "
            f"{d.routed_name}",
            evidence=(
                Evidence("Domains", listed, url),
                Evidence("Routed to", _route(d), url),
                Evidence(
                    "The framework routes it to",
                    f"{route.name}: {route.reason}",
                    ctx.url("decision-framework"),
                ),  # fmt: skip
                Evidence("Triage group", triage, ctx.url("who-decides")),
            ),
            talk_to=unique(who + deciders(ctx, d)[0]) or _leads(ctx),
            conversation=f"“{d.title}” touches {names(x.name for x in domains)}, and it went to "
            f"{d.routed_name} alone. Could the triage group ({triage}) take it, so "
            f"{names(named) or 'each domain'} agree on one answer?",
            score=float(len(domains)),
            team=d.team_id,
        )
