"""The alignment checks' Radar rules: a question people answered differently (a contested scope
item, diverging priorities, success targets far apart, no shared metric, several deciders or one
the framework does not name), and a check closing soon that people have not answered.

They read :func:`open_disagreements` and :func:`unanswered_checks`, the services the pages use:
only checks whose results are shown count, so a lead never learns from the Radar what the
results page does not show yet.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from leadline.radar.context import RunContext
from leadline.radar.registry import Contact, Evidence, Signal, Subject, Threshold, rule

from .models import AlignmentCheck
from .services import open_disagreements, unanswered_checks

KIND_NAMES = {
    "scope": "what is in and out of scope",
    "priorities": "what comes first",
    "success_criteria": "what success looks like",
    "metrics": "which metrics matter",
    "who_decides": "who decides",
    "likert": "a statement",
}


def _teams(ctx: RunContext) -> dict[int, int | None]:
    return ctx.memo(
        "alignment-teams",
        lambda: dict(
            AlignmentCheck.objects.filter(workspace=ctx.workspace).values_list("pk", "team_id")
        ),
    )


@rule(
    "alignment_disagreement",
    area="alignment",
    title="Stakeholders disagree on a question of an alignment check",
    why="Disagreement found while it is still a conversation costs a meeting; found in review it "
    "costs rework. Teams that assume alignment instead of confirming it discover the gap late.",
    source="Delphi consensus threshold of 75 %: Diamond et al. (2014), Journal of Clinical "
    "Epidemiology 67(4); Kendall's W for rankings",
    thresholds=(
        Threshold("high_items", "Contested items from which it is high", 2, 1, 50, "items"),
    ),
)
def alignment_disagreement(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    teams = _teams(ctx)
    for d in open_disagreements(ctx.workspace, ctx.now):
        url = ctx.url("alignment-results", d["check_id"])
        team = ctx.team(teams.get(d["check_id"]))
        about = KIND_NAMES.get(d["kind"], d["kind"])
        n = len(d["contested"])
        evidence = [Evidence("Question", d["question"], url)]
        if d["contested"]:
            evidence.append(Evidence("Contested", ", ".join(d["contested"]), url))
        if d["value"] is not None:
            evidence.append(Evidence(d["measure"].replace("_", " "), f"{d['value']:g}", url))
        if d["framework_mismatch"]:
            evidence.append(Evidence("Against the decision framework", d["framework_mismatch"],
                                     ctx.url("who-decides")))  # fmt: skip
        high = n >= t["high_items"] or bool(d["framework_mismatch"]) or d["kind"] == "scope"
        people = tuple(Contact("person", name) for name in d["who"][:6])
        yield Signal(
            subject=Subject(
                "alignment_question",
                f"{d['check_id']}:{d['question_id']}",
                f"{d['check']}: {d['question']}",
                url,
            ),  # fmt: skip
            severity="high" if high else "medium",
            title=f"“{d['check']}”: people disagree on {about}"
            + (f" ({', '.join(d['contested'][:3])})" if d["contested"] else ""),
            evidence=tuple(evidence),
            talk_to=people + ctx.team_leads(team)[:1],
            conversation=(
                f"The answers to “{d['question']}” point in different directions"
                + (f", above all on {d['contested'][0]}" if d["contested"] else "")
                + ". Could the people involved spend half an hour agreeing on it before more "
                "work depends on it?"
            ),
            score=float(max(n, 1) + (1 if d["framework_mismatch"] else 0)),
            team=team.pk if team else None,
        )


@rule(
    "alignment_unanswered",
    area="alignment",
    title="An alignment check closes soon without everyone's answer",
    why="A check answered by half its audience shows the agreement of those who answered; the "
    "missing voices are often the ones who would disagree.",
    thresholds=(
        Threshold("days", "Days before it closes", 3, 1, 60, "days"),
        Threshold("min_waiting", "People not answered, from", 1, 1, 500, "people"),
    ),
)
def alignment_unanswered(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    teams = _teams(ctx)
    for u in unanswered_checks(ctx.workspace, ctx.now):
        left = (u["closes_at"] - ctx.now).total_seconds() / 86400
        waiting = len(u["waiting"])
        if left > t["days"] or waiting < t["min_waiting"]:
            continue
        url = ctx.url("alignment-check", u["check_id"])
        team = ctx.team(teams.get(u["check_id"]))
        yield Signal(
            subject=Subject("alignment_check", str(u["check_id"]), u["check"], url),
            severity="medium" if waiting * 2 >= u["invited"] else "low",
            title=f"“{u['check']}” closes {u['closes_at']:%Y-%m-%d}; {waiting} of "
            f"{u['invited']} have not answered",
            evidence=(
                Evidence("Not answered yet", ", ".join(u["waiting"][:10]), url),
                Evidence("Closes", f"{u['closes_at']:%Y-%m-%d %H:%M}", url),
            ),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{waiting} of the people asked about “{u['check']}” have not answered yet. Is the "
                f"question clear to them, or would a five-minute call get their view in?"
            ),
            score=float(waiting),
            team=team.pk if team else None,
        )


@rule(
    "alignment_drift",
    area="alignment",
    title="Agreement on a repeating alignment check is falling",
    why="Alignment is not settled once: a team aligned at kickoff drifts as people, scope and "
    "pressure change. A question that agreed in one repeat and disagrees in the next is the "
    "moment to talk again, before the work diverges.",
    source="Repeated Delphi rounds; consensus threshold of 75 % (Diamond et al. 2014)",
    thresholds=(
        Threshold("min_drop", "Fall of the measure that counts, from", 0.2, 0.01, 1, "", False),
    ),
)
def alignment_drift(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    from .series import drifts

    for d in drifts(ctx.workspace, ctx.now, min_drop=t["min_drop"]):
        url = ctx.url("alignment-series", d["series_id"])
        team = ctx.team(d["team_id"])
        about = KIND_NAMES.get(d["kind"], d["kind"])
        measure = d["measure"].replace("_", " ")
        drop = (d["before"] or 0) - (d["after"] or 0)
        yield Signal(
            subject=Subject(
                "alignment_series",
                f"{d['series_id']}:{d['question'][:80]}",
                f"{d['series']}: {d['question']}",
                url,
            ),  # fmt: skip
            severity="high" if d["newly_apart"] else "medium",
            title=f"“{d['series']}”: agreement on {about} is falling"
            + (" (now a disagreement)" if d["newly_apart"] else ""),
            evidence=(
                Evidence("Question", d["question"], url),
                Evidence(f"{measure}, {d['before_check']}", _num(d["before"]), url),
                Evidence(
                    f"{measure}, {d['after_check']}",
                    _num(d["after"]),
                    ctx.url("alignment-results", d["after_check_id"]),
                ),  # fmt: skip
            ),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"The answers to “{d['question']}” agreed more in “{d['before_check']}” than "
                "now. What changed since then, and does everyone still share the same picture?"
            ),
            score=float(max(drop, 0.1)) + (1 if d["newly_apart"] else 0),
            team=team.pk if team else None,
        )


def _num(v: float | None) -> str:
    return "—" if v is None else f"{v:g}"
