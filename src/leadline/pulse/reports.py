"""Pulse results, trends, the portfolio, the CSV and the Radar's input: every figure here is
computed only for rounds that :func:`decisions` releases (the one privacy decision, k)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import Count

from leadline import csvsafe
from leadline.workspaces.models import Workspace

from . import privacy, scoring
from .catalog import TEMPLATES, Item
from .models import Comment, Invitation, Pulse, Response, Round
from .results import (
    ItemResult,
    PulseChange,
    PulsePortfolio,
    PulsePortfolioTeam,
    PulseSummary,
    Results,
    TeamChanges,
    TrendPoint,
)


def _items(pulse: Pulse) -> list[Item]:
    return [Item(**i) for i in pulse.items]


def _k(workspace: Workspace) -> int:
    from .services import min_group_size

    return min_group_size(workspace)


def decisions(workspace: Workspace, now: datetime) -> dict[int, privacy.Decision]:
    """Decide, for every round of the workspace, whether its figures may be shown: THE check
    that every page, API answer, export and Radar input goes through (see :mod:`.privacy`)."""
    rounds = list(
        Round.objects.filter(workspace=workspace)
        .select_related("pulse")
        .annotate(n=Count("responses"))
        .values("id", "pulse__team_id", "pulse__template", "closes_at", "closed", "n")
    )
    people: dict[int, set[int]] = defaultdict(set)
    for rid, pid in Invitation.objects.filter(workspace=workspace, answered=True).values_list(
        "round_id", "person_id"
    ):
        people[rid].add(pid)
    facts = [
        privacy.RoundFacts(
            id=r["id"],
            series=(r["pulse__team_id"], r["pulse__template"]),
            order=(r["closes_at"], r["id"]),
            closed=r["closed"] or now >= r["closes_at"],
            respondents=r["n"],
            people=frozenset(people[r["id"]]),
        )
        for r in rounds
    ]
    return privacy.decide(_k(workspace), facts)


def _answers(round_ids: list[int]) -> dict[int, list[dict[str, int]]]:
    out: dict[int, list[dict[str, int]]] = defaultdict(list)
    for rid, answers in Response.objects.filter(round_id__in=round_ids).values_list(
        "round_id", "answers"
    ):
        out[rid].append(answers)
    return out


def _pick(pulse: Pulse, number: int | None, now: datetime) -> Round:
    from django.http import Http404

    rounds = pulse.rounds.order_by("-number")
    if number is not None:
        rnd = rounds.filter(number=number).first()
    else:
        closed = [r for r in rounds if r.closed or now >= r.closes_at]
        rnd = closed[0] if closed else rounds.first()
    if rnd is None:
        raise Http404("No such round")
    return rnd


def results(
    workspace: Workspace,
    pulse: Pulse,
    now: datetime,
    number: int | None = None,
    decided: dict[int, privacy.Decision] | None = None,
) -> Results:
    """Return one round's results (default: the latest closed one); suppressed, only the count."""
    rnd = _pick(pulse, number, now)
    decision = (decided or decisions(workspace, now))[rnd.pk]
    k = _k(workspace)
    items = _items(pulse)
    out = Results(
        pulse=pulse.pk, team=pulse.team.slug, template=pulse.template, round=rnd.number,
        closes_at=rnd.closes_at, closed=rnd.closed or now >= rnd.closes_at,
        respondents=decision.respondents, suppressed=not decision.released,
        reason=decision.explain(k), min_group_size=k,
        items=[ItemResult(key=i.key, text=i.text) for i in items],
    )  # fmt: skip
    if not decision.released:
        return out
    answers = _answers([rnd.pk])[rnd.pk]
    total = scoring.overall(items, answers)
    if total is not None:
        out["score"], out["normalised"] = total
    out["items"] = []
    for item in items:
        result = ItemResult(key=item.key, text=item.text)
        s = scoring.score_item(item, answers)
        if s is not None and s.rwg is not None:
            result["mean"], result["normalised"] = s.mean, s.normalised
            result["distribution"], result["rwg"], result["split"] = s.distribution, s.rwg, s.split
        out["items"].append(result)
    # uuid ids are random and rewritten with every answer: this order is random.
    out["comments"] = list(
        Comment.objects.filter(round=rnd).order_by("id").values_list("text", flat=True)
    )
    return out


def trend(pulse: Pulse, decided: dict[int, privacy.Decision], now: datetime) -> list[TrendPoint]:
    """Return the pulse's rounds, oldest first, with the overall 0-1 score where released."""
    rounds = list(pulse.rounds.order_by("number"))
    released = [r.pk for r in rounds if decided.get(r.pk) and decided[r.pk].released]
    answers = _answers(released)
    items = _items(pulse)
    points = []
    for r in rounds:
        d = decided[r.pk]
        point = TrendPoint(round=r.number, closes_at=r.closes_at, respondents=d.respondents,
                           suppressed=not d.released)  # fmt: skip
        total = scoring.overall(items, answers[r.pk]) if d.released else None
        if total is not None:
            point["normalised"] = total[1]
        points.append(point)
    return points


def summaries(workspace: Workspace, now: datetime, team: Any = None) -> list[PulseSummary]:
    """Return the workspace's pulses (one team's with ``team``) with their trends."""
    decided = decisions(workspace, now)
    pulses = Pulse.objects.filter(workspace=workspace).select_related("team")
    if team is not None:
        pulses = pulses.filter(team=team)
    out = []
    for p in pulses:
        current = p.rounds.filter(closed=False, closes_at__gt=now).order_by("-number").first()
        answered = current.invitations.filter(answered=True).count() if current else 0
        out.append(
            PulseSummary(
                id=p.pk, team=p.team.slug, team_name=p.team.name, template=p.template,
                title=p.title, schedule=p.schedule, active=p.active,
                open_round=current.number if current else None, answered=answered,
                invited=current.invited if current else 0, trend=trend(p, decided, now),
            )
        )  # fmt: skip
    return out


def _latest_closed(workspace: Workspace, template: str, now: datetime) -> dict[int, Round]:
    latest: dict[int, Round] = {}
    rounds = Round.objects.filter(workspace=workspace, pulse__template=template).select_related(
        "pulse__team"
    )
    for r in rounds.order_by("closes_at", "id"):
        if r.closed or now >= r.closes_at:
            latest[r.pulse.team_id] = r
    return latest


def portfolio(workspace: Workspace, template: str, now: datetime) -> PulsePortfolio:
    """Return each team's latest closed round of ``template`` and the figure across teams,
    computed from released rounds only: hidden teams are left out of the total, so the total
    minus the teams shown reveals no one (the difference attack)."""
    decided = decisions(workspace, now)
    latest = _latest_closed(workspace, template, now)
    shown = privacy.released_only(decided, [r.pk for r in latest.values()])
    answers = _answers(shown)
    teams, pooled, items = [], [], None
    for r in sorted(latest.values(), key=lambda r: r.pulse.team.name):
        items = _items(r.pulse)
        row = PulsePortfolioTeam(team=r.pulse.team.slug, team_name=r.pulse.team.name, round=r.number,
                            respondents=decided[r.pk].respondents, suppressed=r.pk not in shown)  # fmt: skip
        if r.pk in shown:
            total = scoring.overall(items, answers[r.pk])
            if total is not None:
                row["normalised"] = total[1]
            pooled.extend(answers[r.pk])
        teams.append(row)
    out = PulsePortfolio(template=template, title=TEMPLATES.get(template, template), min_group_size=_k(workspace), teams=teams,
                    respondents=len(pooled))  # fmt: skip
    if pooled and items is not None:
        total = scoring.overall(items, pooled)
        if total is not None:
            out["normalised"] = total[1]
    return out


CSV_HEADER = ["round", "closes", "respondents", "suppressed", "item", "text", "mean",
              "normalised", "rwg", "split", "distribution"]  # fmt: skip


def results_csv(workspace: Workspace, pulse: Pulse, now: datetime) -> str:
    """Return every round's results as CSV; a suppressed round has its count and no figure."""
    rows: list[list[Any]] = []
    decided = decisions(workspace, now)
    for rnd in pulse.rounds.order_by("number"):
        r = results(workspace, pulse, now, rnd.number, decided)
        day = r["closes_at"].date().isoformat()
        if "score" in r:
            rows.append([r["round"], day, r["respondents"], "no", "overall", "",
                         round(r["score"], 3), round(r["normalised"], 3), "", "", ""])  # fmt: skip
        for i in r["items"] if not r["suppressed"] else []:
            rows.append([r["round"], day, r["respondents"], "no", i["key"], i["text"],
                         round(i["mean"], 3), round(i["normalised"], 3), round(i["rwg"], 3),
                         "yes" if i["split"] else "no",
                         " ".join(str(n) for n in i["distribution"])])  # fmt: skip
        if r["suppressed"]:
            rows.append([r["round"], day, r["respondents"], "yes", "", "", "", "", "", "", ""])
    return csvsafe.to_text(CSV_HEADER, rows)


def round_changes(workspace: Workspace, now: datetime) -> list[TeamChanges]:
    """Per pulse: its latest closed round's participation (counts), and between its last two
    released rounds the change overall and per item (0-1) and the items the team is split on."""
    decided = decisions(workspace, now)
    out = []
    for pulse in Pulse.objects.filter(workspace=workspace).select_related("team"):
        closed = [r for r in pulse.rounds.order_by("number") if r.closed or now >= r.closes_at]
        if not closed:
            continue
        last = closed[-1]
        prev = closed[-2] if len(closed) > 1 else None
        released = [r for r in closed if decided[r.pk].released]
        change = TeamChanges(
            team=pulse.team.slug, pulse=pulse.pk, template=pulse.template, round=last.number,
            previous_round=prev.number if prev else None,
            respondents=decided[last.pk].respondents,
            previous_respondents=decided[prev.pk].respondents if prev else None,
            invited=last.invited, previous_invited=prev.invited if prev else None,
            suppressed=not decided[last.pk].released, changes=[], split_items=[],
        )  # fmt: skip
        if decided[last.pk].released:
            now_r = results(workspace, pulse, now, last.number, decided)
            change["split_items"] = [i["key"] for i in now_r["items"] if i.get("split")]
            if len(released) > 1:
                before = results(workspace, pulse, now, released[-2].number, decided)
                change["changes"] = _deltas(before, now_r)
        out.append(change)
    return out


def _deltas(before: Results, after: Results) -> list[PulseChange]:
    out = []
    if "normalised" in before and "normalised" in after:
        out.append(PulseChange(key="overall", text="Overall", before=before["normalised"],
                          after=after["normalised"],
                          delta=after["normalised"] - before["normalised"]))  # fmt: skip
    old = {i["key"]: i for i in before["items"]}
    for i in after["items"]:
        b = old.get(i["key"])
        if b and "normalised" in b and "normalised" in i:
            out.append(PulseChange(key=i["key"], text=i["text"], before=b["normalised"],
                              after=i["normalised"], delta=i["normalised"] - b["normalised"]))  # fmt: skip
    return out
