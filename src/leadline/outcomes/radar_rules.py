"""The outcomes' Radar rules: siloed incentives (:mod:`leadline.outcomes.silos`).

They read the KPIs in use on the run's day (``active_from`` ≤ today < ``active_until``), so a
run with time frozen in the past sees the KPIs of that period.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from leadline.radar.context import RunContext
from leadline.radar.registry import Contact, Evidence, Signal, Subject, Threshold, plural, rule
from leadline.workspaces.models import Function

from . import silos
from .models import Kpi
from .services import active_nodes

SOURCE = (
    "Kerr, S. (1975). On the folly of rewarding A, while hoping for B. Academy of Management "
    "Journal 18(4); Goldratt, E. M. (1990). The Haystack Syndrome: 'tell me how you measure me "
    "and I will tell you how I will behave'"
)


def _kpis(ctx: RunContext) -> tuple[list[silos.KpiNode], dict[int, Kpi]]:
    return ctx.memo("outcomes-kpis", lambda: active_nodes(ctx.workspace, ctx.today))


def _functions(ctx: RunContext) -> dict[str, Function]:
    return ctx.memo("outcomes-functions",
                    lambda: {f.name: f for f in Function.objects.filter(workspace=ctx.workspace)})  # fmt: skip


def function_leads(ctx: RunContext, name: str, kpis: Mapping[int, Kpi]) -> tuple[Contact, ...]:
    """Whom to talk to for a function: its people who lead in the workspace (a Function has no
    lead of its own); else the leads of the teams of its group (``Team.group`` = the function's
    name) or owning its KPIs; else the function's head, by role."""
    function = _functions(ctx).get(name)
    own = [p for p in ctx.leads() if function is not None and p.function_id == function.pk]
    if own:
        return tuple(Contact("person", f"{p.name} (lead, {name})") for p in own)
    teams = [t for t in ctx.teams if t.group.strip().lower() == name.lower()]
    teams += [t for k in kpis.values() if name in {f.name for f in k.functions.all()}
              for t in k.teams.all() if t not in teams]  # fmt: skip
    contacts: list[Contact] = []
    named: set[str] = set()
    for team in teams:
        for c in ctx.team_leads(team):
            who = c.name.split(" (")[0]  # one person leading several of the teams: once
            if who not in named:
                named.add(who)
                contacts.append(c)
    return tuple(contacts) or (Contact("role", f"the head of {name}"),)


def _evidence(ctx: RunContext, k: silos.KpiNode, kpis: Mapping[int, Kpi]) -> Evidence:
    kpi = kpis[k.id]
    owners = ", ".join(sorted(k.functions)) or "no function"
    target = (
        "" if kpi.target_value is None else f", target {kpi.target_value:g} {kpi.unit}".rstrip()
    )
    return Evidence(k.name, f"owned by {owners} only{target}; serves no shared outcome",
                    ctx.url("outcomes-kpi", k.id))  # fmt: skip


@rule(
    "siloed_function",
    area="outcomes",
    title="A function is measured only on its own output",
    why="When every KPI a function is measured on is its alone and serves no outcome it shares "
    "with another function, each can hit its numbers while the whole delivers late: in the "
    "story Leadline comes from, product and IT both earned full bonuses while releases came "
    "every three to four months with hours of downtime.",
    source=SOURCE,
    thresholds=(
        Threshold("min_kpis", "KPIs a function owns from which it counts", 1, 1, 50, "KPIs"),
    ),
)
def siloed_function(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    found, kpis = _kpis(ctx)
    functions = _functions(ctx)
    for s in silos.siloed_functions(found):
        if len(s.kpis) < t["min_kpis"]:
            continue
        f = functions.get(s.function)
        subject = Subject("function", str(f.pk if f else s.function), s.function,
                          ctx.url("outcomes", query=f"function={f.pk}" if f else ""))  # fmt: skip
        yield Signal(
            subject=subject,
            severity="medium",
            title=f"{s.function} is measured only on {plural(len(s.kpis), 'KPI')} it owns alone, "
            "none serving a shared outcome",
            evidence=tuple(_evidence(ctx, k, kpis) for k in s.kpis[:8]),
            talk_to=function_leads(ctx, s.function, kpis),
            conversation=(
                f"{s.function}'s KPIs ({', '.join(k.name for k in s.kpis[:4])}) can all be met "
                "while customers wait. Which outcome do you share with the functions you hand "
                "work to — time to delivery, successful releases — and could you be measured "
                "on it together?"
            ),
            score=float(len(s.kpis)),
        )


@rule(
    "opposing_kpis",
    area="outcomes",
    title="Two functions' KPIs pull against each other with no shared outcome above them",
    why="KPIs marked as pulling against each other, or measuring the same quantity in opposite "
    "directions, set two functions against each other; without an outcome both are measured "
    "on, each function's win is the other's loss and the hand-off between them becomes a "
    "negotiation.",
    source=SOURCE,
)
def opposing_kpis(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    found, kpis = _kpis(ctx)
    functions = _functions(ctx)
    for pair in silos.opposing_functions(found):
        a, b = pair.functions
        ids = "-".join(str(functions[n].pk) if n in functions else n for n in pair.functions)
        subject = Subject("function_pair", ids, f"{a} and {b}", ctx.url("outcomes"))
        talk = function_leads(ctx, a, kpis) + tuple(
            c for c in function_leads(ctx, b, kpis) if c not in function_leads(ctx, a, kpis)
        )
        yield Signal(
            subject=subject,
            severity="high" if len(pair.tensions) >= 2 else "medium",
            title=f"{a} and {b} are measured on KPIs that pull against each other",
            evidence=tuple(
                Evidence(
                    f"{x.a.name} ({a}) vs {x.b.name} ({b})",
                    x.reason,
                    ctx.url("outcomes-kpi", x.a.id),
                )  # fmt: skip
                for x in pair.tensions[:8]
            ),
            talk_to=talk,
            conversation=(
                f"{a} wins on {pair.tensions[0].a.name} when {b} loses on "
                f"{pair.tensions[0].b.name}. What outcome do both of you want for the customer, "
                "and could it sit above both KPIs, owned by both functions?"
            ),
            score=float(len(pair.tensions)),
        )
