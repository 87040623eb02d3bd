"""The concentration Radar rules: an unmanaged key-person risk, an area one person reviews, a
rising out-of-hours share.

They read the stored results through :mod:`.services` (the same the pages use): one query for
the areas, one for the epics, one for the open RAID risks, one for the reviews, one for the
pace weeks. An area both rules would raise is raised once, by the key-person risk, with the
reviews as part of its evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from leadline.radar.context import RunContext
from leadline.radar.registry import Evidence, Signal, Subject, Threshold, plural, rule

from . import reviews, services, workload
from .models import AreaResult
from .results import ConcentrationEpicOut, ConcentrationPaceOut, ConcentrationReviewerOut

TF_SOURCE = (
    "Avelino, G., Passos, L., Hora, A., Valente, M. T. (2016). A novel approach for estimating "
    "truck factors. ICPC 2016"
)
LIVE_RAID = ("open", "mitigating", "materialised")
KEY_PERSON, ONE_REVIEWER = "unmanaged_key_person_risk", "one_reviewer_area"
REVIEW_SOURCE = (
    "Mirsaeedi, E., Rigby, P. C. (2020). Mitigating turnover with code review recommendation: "
    "balancing expertise, workload, and knowledge distribution. ICSE 2020"
)


def _one_reviewer(ctx: RunContext) -> dict[tuple[str, str], ConcentrationReviewerOut]:
    """Areas whose changes one person reviews, under one_reviewer_area's thresholds when it
    runs, else the page's defaults; computed once per run."""
    t = ctx.thresholds.get(ONE_REVIEWER) or {}
    share = int(t.get("share", reviews.REVIEW_SHARE[2]))
    least = int(t.get("min_changes", reviews.REVIEW_MIN_CHANGES))

    def load() -> dict[tuple[str, str], ConcentrationReviewerOut]:
        found = services.review_areas(ctx.workspace, ctx.now, share=share, min_changes=least)[1]
        return {(r["repository"], r["area"]): r["reviewer"] for r in found}

    return ctx.memo(("concentration-reviews", share, least), load)


def _review_text(r: ConcentrationReviewerOut) -> str:
    left = " (who has left)" if r["left"] else ""
    return (f"{r['name']}{left} reviewed {r['reviewed']} of the {r['changes']} changes reviewed "
            f"in the last {reviews.REVIEW_DAYS} days")  # fmt: skip


def _open_risks(ctx: RunContext) -> list[str]:
    from leadline.raid.models import RaidItem

    def load() -> list[str]:
        rows = RaidItem.objects.filter(workspace=ctx.workspace, kind=RaidItem.Kind.RISK,
                                       status__in=LIVE_RAID).values_list("title", "description")  # fmt: skip
        return [f"{t}\n{d}".casefold() for t, d in rows]

    return ctx.memo("concentration-risks", load)


def mentions(texts: list[str], repository: str, area: str) -> bool:
    """True when a text names the area (as a word, or as repository/area)."""
    word = re.compile(rf"(?<![\w-]){re.escape(area.casefold())}(?![\w-])")
    path = f"{repository}/{area}".casefold()
    return any(path in t or word.search(t) for t in texts)


@rule(
    "unmanaged_key_person_risk",
    area="people",
    title="Unmanaged key-person risk: an area only one person knows, which a plan depends on",
    why="When one person authors most of an area of the code (a truck factor of 1), their "
    "absence stops every plan that needs that area. If an open epic or a forecast depends on "
    "it and the RAID log holds no risk about it, nobody has decided to accept or reduce that "
    "risk; pairing or rotating work into the area spreads the knowledge before it is needed.",
    source=TF_SOURCE,
    thresholds=(
        Threshold("min_files", "Files in the area from which it counts", 3, 1, 100_000, "files"),
    ),  # fmt: skip
)
def unmanaged_key_person_risk(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for r, live, forecasts in _unmanaged(ctx, t):
        url = ctx.url("concentration-area", query=f"repository={r.repository}&area={r.area}")
        who = r.authors[0] if r.authors else None
        name = f"{r.repository}/{r.area}"
        team = ctx.team_by_slug(live[0]["team"]) if live[0]["team"] else None
        holder = (f"{who['name']} alone authors {plural(who['sole'], 'file')} of {r.files}"
                  if who else f"nobody still here authors its {plural(r.files, 'file')}")  # fmt: skip
        review = _one_reviewer(ctx).get((r.repository, r.area))
        # The one author also reviews the area's changes: nobody else reads that code.
        alone = bool(review and who and review["person"] and review["person"] == who["person"])
        yield Signal(
            subject=Subject("code_area", name[:64], name, url),
            severity="high" if forecasts or who is None or alone else "medium",
            title=f"{name}: truck factor {r.truck_factor}, and "
            f"{plural(len(live), 'open epic')} {'depends' if len(live) == 1 else 'depend'} on it "
            "with no RAID risk about it",
            evidence=(
                Evidence("Truck factor", f"{r.truck_factor} ({holder})", url),
                Evidence(
                    "Open epics touching it",
                    ", ".join(f"{e['key']} {e['title']}" for e in live[:5]),
                    url,
                ),
                Evidence(
                    "Forecasts on those epics",
                    ", ".join(f"{f['title']} (target {f['target_date']})" for f in forecasts[:3])
                    or "none",
                    ctx.url("changes"),
                ),
                Evidence("RAID risks naming the area", "none", ctx.url("raid")),
                Evidence(
                    "Reviews",
                    _review_text(review) if review else "no one person reviews most changes here",
                    ctx.url("concentration"),
                ),
            ),  # fmt: skip
            talk_to=ctx.team_leads(team),
            conversation=(
                f"Only {who['name'] if who else 'people who have left'} really knows {name}"
                f"{' and reviews its changes' if alone else ''}, "
                f"and {live[0]['key']} needs it. Could someone pair with them on the next change "
                f"there, or could we rotate a story into the area, and shall we log the risk?"
            ),
            score=float(len(live) + 2 * len(forecasts)),
            team=team.pk if team else None,
        )


Unmanaged = tuple[AreaResult, list[ConcentrationEpicOut], list[Any]]


def _unmanaged(ctx: RunContext, t: Mapping[str, float]) -> list[Unmanaged]:
    """The single-author areas an open epic needs and no RAID risk names (once per run)."""

    def load() -> list[Unmanaged]:
        rows = [r for r in services.iter_single_author_areas(ctx.workspace)
                if r.files >= t["min_files"] and r.epics]  # fmt: skip
        if not rows:
            return []
        epics = services.epic_rows(ctx.workspace, {k for r in rows for k in r.epics})
        risks = _open_risks(ctx)
        out: list[Unmanaged] = []
        for r in rows:
            live = [epics[k] for k in r.epics if k in epics and epics[k]["open"]]
            if not live or mentions(risks, r.repository, r.area):
                continue
            out.append((r, live, services.forecasts_for(ctx.workspace, [e["key"] for e in live])))
        return out

    return ctx.memo(("concentration-unmanaged", tuple(sorted(t.items()))), load)


@rule(
    ONE_REVIEWER,
    area="people",
    title="One person reviews nearly every change to an area of the code",
    why="Code review is how a team shares what it knows about its code, and how a change gets "
    "a second pair of eyes. When one person reviews nearly every change to an area, changes wait "
    "whenever they are away, and nobody else learns the area by reviewing it; if they also "
    "write most of it, nobody else reads that code at all. Spreading reviews keeps both the "
    "flow and the knowledge going.",
    source=REVIEW_SOURCE,
    thresholds=(
        Threshold("share", "One reviewer's share of the reviewed changes", 80, 50, 100, "%"),
        Threshold("min_changes", "Reviewed changes from which it counts", 5, 1, 100_000),
    ),
)
def one_reviewer_area(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    found = _one_reviewer(ctx)
    if not found:
        return
    other = ctx.thresholds.get(KEY_PERSON)
    raised = {(r.repository, r.area) for r, _, _ in _unmanaged(ctx, other)} if other else set()
    stored = {(a.repository, a.area): a for a in AreaResult.objects.filter(
        workspace=ctx.workspace)}  # fmt: skip
    epics = services.epic_rows(ctx.workspace, {k for a in stored.values() for k in a.epics})
    for (repository, area), review in sorted(found.items()):
        if (repository, area) in raised:
            continue  # the key-person risk names the area and its reviews
        known = stored.get((repository, area))
        name = f"{repository}/{area}" if area else repository
        url = (ctx.url("concentration-area", query=f"repository={repository}&area={area}")
               if known else ctx.url("concentration"))  # fmt: skip
        author = known.authors[0] if known and known.authors else None
        alone = bool(known and known.truck_factor <= 1 and author and review["person"]
                     and author["person"] == review["person"])  # fmt: skip
        live = [epics[k] for k in (known.epics if known else []) if k in epics and epics[k]["open"]]
        team = ctx.team_by_slug(live[0]["team"]) if live and live[0]["team"] else None
        evidence = [Evidence("Reviews", f"{_review_text(review)} "
                             f"({round(review['share'] * 100)} %)", ctx.url("concentration"))]  # fmt: skip
        if known:
            evidence.append(Evidence("Truck factor", f"{known.truck_factor}" + (
                f" ({author['name']} authors the most files)" if author else ""), url))  # fmt: skip
        if live:
            evidence.append(Evidence("Open epics touching it",
                                     ", ".join(f"{e['key']} {e['title']}" for e in live[:5]), url))  # fmt: skip
        who = review["name"]
        yield Signal(
            subject=Subject("code_area", name[:64], name, url),
            severity="high" if review["left"] or alone else "medium",
            title=f"{name}: {who} reviewed {review['reviewed']} of its {review['changes']} "
            "reviewed changes" + (" and alone authors it" if alone else ""),
            evidence=tuple(evidence),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"Most changes to {name} wait for {who}'s review. Who else could review the next "
                f"few, so that changes keep moving when {who} is away and someone else gets to "
                "know the area?"
            ),
            score=round(review["share"] * 100, 1),
            team=team.pk if team else None,
        )


@rule(
    "rising_out_of_hours",
    area="people",
    title="A team's share of work done out of hours is rising",
    why="Commits and status changes at night or at weekends are a sign of an unsustainable "
    "pace; a share that keeps rising usually comes before mistakes and burnout. Counted for "
    "the team only (never per person), and only for teams of at least the minimum group size.",
    source="Beck, K. (2004). Extreme Programming Explained, 2nd ed.: sustainable pace",
    thresholds=(
        Threshold("rise", "Rise in points over the weeks before", 10, 1, 100, "points"),
        Threshold("share", "Recent share from which it fires", 20, 1, 100, "%"),
        Threshold("events", "Recent events needed (commits and status changes)", 20, 1, 100_000),
    ),
)
def rising_out_of_hours(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    rows: list[ConcentrationPaceOut] = ctx.memo(
        "concentration-pace", lambda: workload.pace(ctx.workspace, ctx.now)
    )
    weeks = workload.PACE_WEEKS
    for p in rows:
        recent, earlier = p["recent_share"], p["earlier_share"]
        if recent is None or earlier is None or p["recent_events"] < t["events"]:
            continue
        rise = (recent - earlier) * 100
        if rise < t["rise"] or recent * 100 < t["share"]:
            continue
        team = ctx.team_by_slug(p["team"])
        if team is None:
            continue
        url = ctx.url("concentration", query=f"team={team.slug}")
        yield Signal(
            subject=Subject("team", str(team.pk), team.name, url),
            severity="high" if rise >= 2 * t["rise"] else "medium",
            title=f"{team.name}: {recent * 100:.0f} % of the work in the last {weeks} weeks was "
            f"out of hours, up from {earlier * 100:.0f} %",
            evidence=(
                Evidence(
                    f"Last {weeks} weeks",
                    f"{recent * 100:.0f} % of {p['recent_events']} commits and status changes",
                    url,
                ),
                Evidence(
                    f"The {weeks} weeks before",
                    f"{earlier * 100:.0f} % of {p['earlier_events']}",
                    url,
                ),
                Evidence(
                    "Out of hours",
                    f"weekends, or before 08:00 or after 18:00 ({ctx.workspace.tz})",
                    url,
                ),
            ),  # fmt: skip
            talk_to=ctx.team_leads(team),
            conversation=(
                f"More of {team.name}'s work has been happening in the evenings and at weekends "
                f"lately. What is pushing it there, and what could we take off the plate?"
            ),
            score=round(rise, 1),
            team=team.pk,
        )
