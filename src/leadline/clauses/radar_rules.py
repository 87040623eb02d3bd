"""The Radar rule for working-agreement clauses the data shows broken: a conversation about
the clause (is it still right? what makes it hard to keep?), never a sanction."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from leadline.radar.context import RunContext
from leadline.radar.registry import Evidence, Signal, Subject, rule

from .services import broken_clauses


@rule(
    "agreement_clause_broken",
    area="governance",
    title="A working-agreement clause the data shows is not kept",
    why="A team's agreement is what it meant to do; the data shows what happens. When they part, "
    "either the clause no longer fits how the team works or something keeps the team from it. "
    "Both are worth a conversation while the agreement still means something.",
    source="Working agreements as a team's explicit norms (Derby & Larsen, Agile Retrospectives, "
    "2006); the clause's own number",
)
def agreement_clause_broken(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for c in broken_clauses(ctx.workspace, ctx.now):
        url = ctx.url("agreement", c["agreement_id"])
        team = ctx.team(c["team_id"])
        evidence = [Evidence("Clause", c["clause"], url), Evidence("Check", c["check"], url)]
        evidence += [Evidence(e["label"], e["value"], e["url"] or url) for e in c["evidence"][:5]]
        yield Signal(
            subject=Subject(
                "agreement_clause", str(c["id"]), f"{c['agreement']}: {c['clause']}", url
            ),
            severity="medium",
            title=f"{c['agreement']}: “{c['clause'][:80]}” is not what the data shows",
            evidence=tuple(evidence),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"The agreement says “{c['clause']}”; {c['summary'][0].lower()}{c['summary'][1:]} "
                "Is the clause still the right one for how the team works, or what makes it hard "
                "to keep?"
            ),
            score=1.0,
            team=team.pk if team else None,
        )
