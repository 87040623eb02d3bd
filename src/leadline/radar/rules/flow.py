"""Radar rules: flow (WIP, arrivals and departures, aging, throughput, rework, waiting).

Every rule reads each team's flow figures from the flow dashboard's own service, once per run
(:mod:`.flow_data`), so the numbers in a finding are the ones its link shows. Sprint scope and
target dates are in :mod:`.flow_plans`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import timedelta

from ..context import RunContext
from ..registry import Evidence, Signal, Subject, Threshold, rule
from . import flow_plans  # noqa: F401  (registers sprint_scope_added, forecast_misses_target)
from .chains import chained_items
from .flow_data import (
    between,
    finished_by_day,
    flow_url,
    live_teams,
    nearest_rank,
    percent,
    plural,
    reopened,
    weekly,
)

VACANTI = "Daniel S. Vacanti, Actionable Agile Metrics for Predictability (2015)"


def _rules_url(ctx: RunContext) -> str:
    return ctx.url("radar-rules")


@rule(
    "wip_above_norm",
    area="flow",
    title="Work in progress above the team's own norm",
    why="By Little's law, more work in progress at the same throughput means every item takes "
    "longer: WIP above what the team usually carries is the earliest sign that cycle times will "
    "grow and forecasts slip, before either shows.",
    source=f"{VACANTI}; Little's law",
    thresholds=(
        Threshold("weeks", "Weeks of daily WIP that set the norm", 8, 2, 25, "weeks"),
        Threshold("percentile", "Percentile of daily WIP that is the norm", 85, 50, 100, "%"),
        Threshold("min_wip", "Fewest items in progress that can fire", 3, 1, 10_000, "items"),
        Threshold("high_pct", "% above the median WIP from which it is high", 50, 1, 1000, "%"),
    ),
)
def wip_above_norm(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    weeks = int(t["weeks"])
    first = ctx.today - timedelta(days=7 * weeks)
    for team, f in live_teams(ctx):
        days = f["wip_daily"]
        if not days or days[-1]["day"] != ctx.today:
            continue
        wip = days[-1]["wip"]
        window = [d["wip"] for d in days if first <= d["day"] < ctx.today]
        if len(window) < 14 or wip < t["min_wip"]:
            continue
        norm, median = nearest_rank(window, t["percentile"]), nearest_rank(window, 50)
        if wip <= norm:
            continue
        url = flow_url(ctx, team)
        oldest = f["headline"]["oldest_key"]
        yield Signal(
            subject=Subject("team", str(team.pk), team.name, url),
            severity="high" if wip >= median * (1 + t["high_pct"] / 100) else "medium",
            title=f"{team.name} has {plural(wip, 'item')} in progress, above its usual {norm:g}",
            evidence=(
                Evidence("In progress now", plural(wip, "item"), url),
                Evidence(
                    f"Usual WIP (P{t['percentile']:g} of each day's, last {weeks} weeks)",
                    plural(norm, "item"),
                    url,
                ),
                Evidence(f"Median WIP, last {weeks} weeks", plural(median, "item"), url),
                Evidence(
                    "Oldest item in progress",
                    f"{oldest}, {plural(f['headline']['oldest_age_days'] or 0, 'day')}"
                    if oldest
                    else "none",
                    url,
                ),
                Evidence("Threshold", f"above P{t['percentile']:g}", _rules_url(ctx)),
            ),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{team.name} has {wip} items in progress; over the last {weeks} weeks it "
                f"usually had at most {norm:g} (median {median:g}). Which of them could we "
                f"finish together before starting the next one?"
            ),
            score=float(wip - norm),
            team=team.pk,
        )


@rule(
    "starting_more_than_finishing",
    area="flow",
    title="Starting more than finishing",
    why="When more work starts than leaves, week after week, work in progress grows and with it "
    "every item's cycle time: the team is busy but finishes later. Stop starting, start "
    "finishing.",
    source=f"{VACANTI}; Little's law",
    thresholds=(
        Threshold(
            "weeks", "Consecutive weeks with more arrivals than departures", 3, 1, 12, "weeks"
        ),
        Threshold(
            "min_gap", "Items started beyond those finished, in total", 3, 1, 10_000, "items"
        ),
        Threshold("high_ratio", "Started ÷ finished from which it is high", 2, 1, 20, "", False),
    ),
)
def starting_more_than_finishing(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    weeks = int(t["weeks"])
    for team, f in live_teams(ctx):
        arrivals = weekly({d["day"]: d["arrivals"] for d in f["wip_daily"]}, ctx.today, weeks)
        departures = weekly({d["day"]: d["departures"] for d in f["wip_daily"]}, ctx.today, weeks)
        started, left = sum(arrivals), sum(departures)
        if any(a <= d for a, d in zip(arrivals, departures, strict=True)):
            continue
        if started - left < t["min_gap"]:
            continue
        url = flow_url(ctx, team)
        span = plural(weeks, "week")
        yield Signal(
            subject=Subject("team", str(team.pk), team.name, url),
            severity="high" if started >= t["high_ratio"] * left else "medium",
            title=f"{team.name} started {started} items and finished or set aside {left} in the "
            f"last {span}",
            evidence=(
                Evidence(
                    f"Started (moved into progress), last {span}",
                    f"{plural(started, 'item')} ({', '.join(map(str, arrivals))} a week)",
                    url,
                ),
                Evidence(
                    f"Finished or set aside (moved out of progress), last {span}",
                    f"{plural(left, 'item')} ({', '.join(map(str, departures))} a week)",
                    url,
                ),
                Evidence("In progress now", plural(f["headline"]["wip"], "item"), url),
                Evidence("Threshold", f"{span} in a row", _rules_url(ctx)),
            ),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{team.name} has started {started} items and finished (or set aside) {left} "
                f"over the last {span}; what would it take to finish two before starting the "
                f"next?"
            ),
            score=float(started - left),
            team=team.pk,
        )


@rule(
    "aging_work",
    area="flow",
    title="Work in progress older than the team usually takes",
    why="An item in progress longer than 85 % of the team's items took to finish has already "
    "missed the team's usual pace; the older it gets the less likely it finishes soon. Age is "
    "the one flow metric that shows a delay while something can still be done about it.",
    source=VACANTI,
    thresholds=(
        Threshold("factor", "Age ÷ cycle time p85 from which it fires", 1, 0.5, 20, "", False),
        Threshold("min_finished", "Finished items the p85 needs", 10, 1, 10_000, "items"),
        Threshold(
            "max_items", "Oldest items raised per team (the rest are counted)", 3, 1, 100, "items"
        ),
    ),  # fmt: skip
)
def aging_work(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for team, f in live_teams(ctx):
        p85, p95 = f["headline"]["cycle_time_p85"], f["percentiles"]["p95"]
        finished = f["percentiles"]["count"]
        if not p85 or finished < t["min_finished"]:
            continue  # no start dates (lead time shown), or too few items to know the pace
        url = flow_url(ctx, team)
        wip = f["headline"]["wip"]
        late = [row for row in f["aging"] if row["age_days"] > p85 * t["factor"]]
        # The oldest few, one finding each (a Radar that lists every late item hides the rest);
        # an item a blocked_chain finding covers is left to that one finding.
        chained = chained_items(ctx)
        oldest = sorted((r for r in late if r["key"] not in chained),
                        key=lambda r: (-r["age_days"], r["key"]))[: int(t["max_items"])]  # fmt: skip
        for row in oldest:
            age = row["age_days"]
            name = f"{row['key']} {row['title']}".strip()
            yield Signal(
                subject=Subject("work_item", row["key"], name, url),
                severity="high" if p95 is not None and age > p95 else "medium",
                title=f"{row['key']} has been in progress {plural(age, 'day')}; "
                f"{team.name}'s p85 is {plural(p85, 'day')}",
                evidence=(
                    Evidence(
                        "Age",
                        f"{plural(age, 'day')} (started {row['started']:%Y-%m-%d}, now in "
                        f"{row['stage']})",
                        url,
                    ),
                    Evidence(
                        "Cycle time of the team's finished items",
                        f"p85 = {plural(p85, 'day')}, p95 = {plural(p95 or 0, 'day')} "
                        f"({plural(finished, 'item')}, last 26 weeks)",
                        url,
                    ),
                    Evidence(
                        "Items in progress beyond p85",
                        f"{len(late)} of {plural(wip, 'item')}",
                        url,
                    ),
                    Evidence("Threshold", f"age above {t['factor']:g} × p85", _rules_url(ctx)),
                ),
                talk_to=ctx.team_leads(team),
                conversation=(
                    f"{row['key']} has been in progress for {age} days, while 85 % of "
                    f"{team.name}'s items finish within {p85}. What is it waiting for, and "
                    f"could the team swarm on it or split it?"
                ),
                # Whole multiples of the p85 reached: a dismissed item comes back when it has
                # aged by another p85, not every day it ages.
                score=float(math.floor(age / p85)),
                team=team.pk,
            )


@rule(
    "throughput_falling",
    area="flow",
    title="Throughput below its own recent range",
    why="A team finishing fewer items than in almost any week of the last quarter has something "
    "in its way (blockers, interruptions, people away, work too big); forecasts made from the "
    "old pace will be late.",
    source=VACANTI,
    thresholds=(
        Threshold("weeks", "Recent weeks that must all be below the range", 2, 1, 8, "weeks"),
        Threshold("baseline_weeks", "Weeks before them that set the range", 12, 4, 18, "weeks"),
        Threshold("percentile", "Low end of the range (percentile; 0 = minimum)", 10, 0, 50, "%"),
    ),
)
def throughput_falling(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    weeks, base_weeks = int(t["weeks"]), int(t["baseline_weeks"])
    for team, f in live_teams(ctx):
        series = weekly(finished_by_day(f), ctx.today, weeks + base_weeks)
        base, recent = series[:base_weeks], series[base_weeks:]
        low = nearest_rank(base, t["percentile"]) if t["percentile"] else min(base)
        if not all(n < low for n in recent):
            continue
        median, high = nearest_rank(base, 50), max(base)
        url = flow_url(ctx, team)
        span = plural(weeks, "week")
        done = sum(recent)
        yield Signal(
            subject=Subject("team", str(team.pk), team.name, url),
            severity="high" if done < 0.5 * median * weeks else "medium",
            title=f"{team.name} finished {plural(done, 'item')} in the last {span}, below "
            f"its usual {low:g}–{high:g} a week",
            evidence=(
                Evidence(
                    f"Finished, last {span}",
                    f"{plural(done, 'item')} ({', '.join(map(str, recent))} a week)",
                    url,
                ),
                Evidence(
                    f"The {base_weeks} weeks before",
                    f"{low:g}–{high:g} a week (P{t['percentile']:g} to max), median {median:g}",
                    url,
                ),
                Evidence("Threshold", f"{span} below P{t['percentile']:g}", _rules_url(ctx)),
            ),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{team.name} finished {done} items in the last {span}, against {low:g} to "
                f"{high:g} a week in the {base_weeks} weeks before. What changed, and what is "
                f"getting in the way of finishing?"
            ),
            score=float(low * weeks - done),
            team=team.pk,
        )


@rule(
    "rework_rising",
    area="flow",
    title="Rework rising: more finished items reopened",
    why="Items that come back after they were done are rework found late, most often because "
    "what done meant was unclear: acceptance criteria nobody agreed before the work started. A "
    "rising share is cheaper to fix in the next refinement than in the next release.",
    source="Gojko Adzic, Specification by Example (2011)",
    thresholds=(
        Threshold("weeks", "Weeks in each period compared", 4, 2, 12, "weeks"),
        Threshold("rise", "Rise of the reopened share, in points", 5, 1, 100, "%"),
        Threshold("min_items", "Fewest reopened items that can fire", 2, 1, 10_000, "items"),
        Threshold("high_share", "Reopened share from which it is high", 20, 1, 100, "%"),
    ),
)
def rework_rising(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    weeks = int(t["weeks"])
    first = ctx.today - timedelta(days=7 * weeks - 1)
    before = first - timedelta(days=7 * weeks)
    for team, f in live_teams(ctx):
        if not f["reopened"]["moves"]:
            continue
        moves = reopened(ctx, team, before)
        now = {i for d, i in moves if first <= d <= ctx.today}
        then = {i for d, i in moves if before <= d < first}
        finished = [row["finished_date"] for row in f["cycle_times"]]
        done_now = between(finished, first, ctx.today)
        done_then = between(finished, before, first - timedelta(days=1))
        if len(now) < t["min_items"] or not done_now:
            continue
        share = len(now) / done_now
        share_then = len(then) / done_then if done_then else 0.0
        if (share - share_then) * 100 < t["rise"]:
            continue
        url = flow_url(ctx, team)
        span = plural(weeks, "week")
        keys = [m["key"] for m in f["reopened"]["recent"][:5]]
        yield Signal(
            subject=Subject("team", str(team.pk), team.name, url),
            severity="high" if share * 100 >= t["high_share"] else "medium",
            title=f"{team.name} reopened {percent(share)} of what it finished in the last "
            f"{span}, up from {percent(share_then)}",
            evidence=(
                Evidence(
                    f"Reopened, last {span}",
                    f"{len(now)} items, against {plural(done_now, 'item')} finished "
                    f"({percent(share)})",
                    url,
                ),
                Evidence(
                    f"Reopened, the {span} before",
                    f"{len(then)} items, against {plural(done_then, 'item')} finished "
                    f"({percent(share_then)})",
                    url,
                ),
                Evidence("Most recently reopened", ", ".join(keys) or "none", url),
                Evidence("Threshold", f"up {t['rise']:g} points", _rules_url(ctx)),
            ),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{len(now)} items {team.name} had finished came back in the last {span} "
                f"({percent(share)} of what it finished, up from {percent(share_then)}). Shall "
                f"we look at two of them together: what did done miss, and would acceptance "
                f"criteria agreed up front have caught it?"
            ),
            score=float(round(share * 100)),
            team=team.pk,
        )


@rule(
    "waiting_stage",
    area="flow",
    title="Work mostly waiting",
    why="Time in a waiting stage (review, blocked, waiting for test) is time nobody works on "
    "the item: shortening the biggest wait speeds delivery more than working faster, and most "
    "often it needs a change in how the team works rather than more effort.",
    source="Donald G. Reinertsen, The Principles of Product Development Flow (2009); "
    "Modig & Åhlström, This is Lean (2012)",
    thresholds=(
        Threshold("weeks", "Weeks of work in progress read", 4, 1, 25, "weeks"),
        Threshold(
            "stage_share", "Share of time in progress in one waiting stage", 50, 10, 100, "%"
        ),
        Threshold("efficiency", "Flow efficiency below which it fires", 15, 1, 100, "%"),
        Threshold("min_finished", "Finished items flow efficiency needs", 10, 1, 10_000, "items"),
    ),
)
def waiting_stage(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    weeks = int(t["weeks"])
    first = ctx.today - timedelta(days=7 * weeks - 1)
    for team, f in live_teams(ctx):
        active = [s for s in f["stages"] if s["category"] == "active"]
        # Item-days per stage: each day's count of items in it, summed (the cumulative flow).
        load = {s["name"]: 0 for s in active}
        for row in f["cfd"]:
            if row["day"] >= first:
                for name in load:
                    load[name] += int(row.get(name, 0))  # type: ignore[call-overload]
        total = sum(load.values())
        waiting = [(load[s["name"]], s["name"]) for s in active if s["waiting"]]
        held, stage = max(waiting) if waiting and total else (0, "")
        share = held / total if total else 0.0
        eff = f["flow_efficiency"]
        pooled = eff["pooled"]
        by_stage = share * 100 >= t["stage_share"]
        low_eff = (
            pooled is not None
            and eff["items"] >= t["min_finished"]
            and pooled * 100 < t["efficiency"]
        )
        if not (by_stage or low_eff):
            continue
        url = flow_url(ctx, team)
        span = plural(weeks, "week")
        shown = percent(pooled) if pooled is not None else "not known"
        if by_stage:
            title = (
                f"{team.name}'s work spent {percent(share)} of its time in progress in “{stage}”"
            )
            opening = (
                f"Over the last {span}, {percent(share)} of {team.name}'s time in progress was "
                f"spent in “{stage}”. What would it take for items to wait there less, a daily "
                f"slot for it perhaps, or pairing?"
            )
        else:
            waited = percent(1 - (pooled or 0))
            title = f"{team.name}'s items spent {waited} of their cycle time waiting"
            opening = (
                f"{team.name}'s finished items were worked on {shown} of their cycle time and "
                f"waited the rest. Which wait would be the easiest to shorten?"
            )
        yield Signal(
            subject=Subject("team", str(team.pk), team.name, url),
            severity="high" if by_stage and low_eff else "medium",
            title=title,
            evidence=(
                Evidence(
                    f"Time in progress in “{stage}”, last {span}" if stage else "Waiting stages",
                    f"{percent(share)} ({held} of {plural(total, 'item-day')})"
                    if stage
                    else ("nothing in progress" if waiting else "none mapped"),
                    url,
                ),
                Evidence(
                    "Flow efficiency (items finished in the last 26 weeks)",
                    f"{shown} of {plural(eff['items'], 'item')}"
                    if pooled is not None
                    else "not known: no items finished",
                    url,
                ),
                Evidence(
                    "Threshold",
                    f"one stage ≥ {t['stage_share']:g} %, or efficiency < {t['efficiency']:g} %",
                    _rules_url(ctx),
                ),
            ),
            talk_to=ctx.team_leads(team),
            conversation=opening,
            score=float(
                round(max(share, 1 - pooled if low_eff and pooled is not None else 0) * 100)
            ),
            team=team.pk,
        )
