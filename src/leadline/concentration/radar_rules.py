"""The concentration Radar rules: an unmanaged key-person risk, a rising out-of-hours share.

They read the stored results through :mod:`.services` (the same the pages use): one query for
the areas, one for the epics, one for the open RAID risks, one for the pace weeks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from leadline.radar.context import RunContext
from leadline.radar.registry import Evidence, Signal, Subject, Threshold, plural, rule

from . import services, workload
from .results import ConcentrationEpicOut, ConcentrationPaceOut

TF_SOURCE = (
    "Avelino, G., Passos, L., Hora, A., Valente, M. T. (2016). A novel approach for estimating "
    "truck factors. ICPC 2016"
)
LIVE_RAID = ("open", "mitigating", "materialised")


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
    rows = [r for r in services.iter_single_author_areas(ctx.workspace)
            if r.files >= t["min_files"] and r.epics]  # fmt: skip
    if not rows:
        return
    epics = services.epic_rows(ctx.workspace, {k for r in rows for k in r.epics})
    risks = _open_risks(ctx)
    for r in rows:
        live: list[ConcentrationEpicOut] = [
            epics[k] for k in r.epics if k in epics and epics[k]["open"]
        ]
        if not live or mentions(risks, r.repository, r.area):
            continue
        forecasts = services.forecasts_for(ctx.workspace, [e["key"] for e in live])
        url = ctx.url("concentration-area", query=f"repository={r.repository}&area={r.area}")
        who = r.authors[0] if r.authors else None
        name = f"{r.repository}/{r.area}"
        team = ctx.team_by_slug(live[0]["team"]) if live[0]["team"] else None
        holder = (f"{who['name']} alone authors {plural(who['sole'], 'file')} of {r.files}"
                  if who else f"nobody still here authors its {plural(r.files, 'file')}")  # fmt: skip
        yield Signal(
            subject=Subject("code_area", name[:64], name, url),
            severity="high" if forecasts or who is None else "medium",
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
            ),  # fmt: skip
            talk_to=ctx.team_leads(team),
            conversation=(
                f"Only {who['name'] if who else 'people who have left'} really knows {name}, "
                f"and {live[0]['key']} needs it. Could someone pair with them on the next change "
                f"there, or could we rotate a story into the area, and shall we log the risk?"
            ),
            score=float(len(live) + 2 * len(forecasts)),
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
