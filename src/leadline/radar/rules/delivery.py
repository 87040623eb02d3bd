"""Radar rules: delivery (releases, failures, incidents, data quality).

Figures come from the DORA engine over the DORA page's frames (see :mod:`.delivery_data`) and
from the data-quality report (:mod:`leadline.delivery.quality`), never re-derived here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

import polars as pl

from leadline.delivery.models import Incident
from leadline.flow.dora import attribute_incidents

from ..context import RunContext
from ..registry import Evidence, Signal, Subject, Threshold, rule
from .delivery_data import (
    WINDOW_HOURS,
    dora_by_team,
    frames,
    hours,
    pct,
    plural,
    releases,
    windows,
)

ACCELERATE = (
    "Forsgren, Humble, Kim, “Accelerate” (2018), and the DORA State of DevOps reports: small "
    "batches deployed often go with lower change failure rates and faster recovery"
)


def _window(days: int) -> str:
    return f"last {days} days"


def _dora_url(ctx: RunContext, slug: str, start: object, end: object) -> str:
    return ctx.url("dora", query=f"team={slug}&start={start}&end={end}")


@rule(
    "releases_bigger_rarer",
    area="delivery",
    title="Releases getting bigger and rarer",
    why="When releases wait for each other they grow: each carries more changes, so each is "
    "riskier, harder to test and slower to recover from. Bigger, rarer releases are the road "
    "back to a release train.",
    source=ACCELERATE + "; Reinertsen, “The Principles of Product Development Flow” (batch size)",
    thresholds=(
        Threshold("days", "Days in each period compared (recent, and the one before)",
                  180, 28, 730, "days"),
        Threshold("growth", "Growth of both changes per release and days between them",
                  50, 10, 1000, "%"),
        Threshold("min_releases", "Releases needed in the period before", 2, 1, 50),
    ),
)  # fmt: skip
def releases_bigger_rarer(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    days = int(t["days"])
    factor = 1 + t["growth"] / 100
    (r0, r1), (b0, b1) = windows(ctx, days)
    for team in ctx.teams:
        mine = releases(ctx).get(team.slug, [])
        recent = [r for r in mine if r0 <= r.at <= r1]
        before = [r for r in mine if b0 <= r.at <= b1]
        if not recent or len(before) < t["min_releases"]:
            continue
        gaps_now = [r.gap for r in recent if r.gap is not None]
        gaps_then = [r.gap for r in before if r.gap is not None]
        if not gaps_now or not gaps_then:
            continue
        gap_now, gap_then = median(gaps_now), median(gaps_then)
        size_now = sum(r.changes for r in recent) / len(recent)
        size_then = sum(r.changes for r in before) / len(before)
        if not (size_now >= factor * max(size_then, 1) and gap_now >= factor * gap_then):
            continue
        url = _dora_url(ctx, team.slug, b0, r1)
        biggest = max(recent, key=lambda r: r.changes)
        risk = dora_by_team(ctx, r0, r1).get(team.slug, {})
        risk_then = dora_by_team(ctx, b0, b1).get(team.slug, {})
        doubled = size_now >= 2 * max(size_then, 1) and gap_now >= 2 * gap_then
        yield Signal(
            subject=Subject("team", str(team.pk), team.name, ctx.url("dora", query=f"team={team.slug}")),
            severity="high" if doubled else "medium",
            title=f"{team.name}'s releases are getting bigger and rarer: every {gap_now:g} days "
            f"with {size_now:.0f} changes, against every {gap_then:g} days with {size_then:.0f}",
            evidence=(
                Evidence(f"Releases, {_window(days)}",
                         f"{len(recent)} (median {gap_now:g} days apart)", url),
                Evidence(f"Releases, the {days} days before",
                         f"{len(before)} (median {gap_then:g} days apart)", url),
                Evidence(f"Changes per release, {_window(days)}", f"{size_now:.0f}", url),
                Evidence(f"Changes per release, the {days} days before", f"{size_then:.0f}", url),
                Evidence("Biggest recent release",
                         f"{biggest.at:%Y-%m-%d}: {plural(biggest.changes, 'change')}", url),
                Evidence("Change failure rate, recent / before",
                         f"{pct(risk.get('change_failure_rate'))} / "
                         f"{pct(risk_then.get('change_failure_rate'))}", url),
                Evidence("Downtime per release, recent / before",
                         f"{hours(risk.get('downtime_per_release_hours'))} / "
                         f"{hours(risk_then.get('downtime_per_release_hours'))}", url),
                Evidence("Threshold", f"both grew by {t['growth']:g} % or more",
                         ctx.url("radar-rules")),
            ),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{team.name}'s releases now come every {gap_now:g} days with about "
                f"{size_now:.0f} changes each, against every {gap_then:g} days with "
                f"{size_then:.0f} before. What is making changes wait for each other, and what "
                "would it take to ship smaller batches more often?"
            ),
            score=round(size_now, 1),
            team=team.pk,
        )  # fmt: skip


@rule(
    "failure_rate_rising",
    area="delivery",
    title="Change failure rate or downtime per release rising",
    why="More deployments that need a fix, or more downtime per release, means changes reach "
    "production less safe than before; it usually follows bigger batches, thinner testing or "
    "rushed releases, and it costs the trust that lets a team deploy often.",
    source=ACCELERATE,
    thresholds=(
        Threshold("days", "Days in each period compared", 90, 14, 365, "days"),
        Threshold("points", "Rise of the change failure rate", 10, 1, 100, "percentage points"),
        Threshold("downtime_growth", "Growth of downtime per release", 50, 10, 1000, "%"),
        Threshold("min_downtime", "Least downtime per release that counts", 15, 1, 1440,
                  "minutes"),
        Threshold("min_deployments", "Production deployments needed in each period", 3, 1, 100),
    ),
)  # fmt: skip
def failure_rate_rising(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    """Per team, the last ``days`` against the ``days`` before (the DORA page's figures).

    The score is the recent change failure rate in percent plus the downtime per release in
    hours: either growing makes the finding worse.
    """
    days = int(t["days"])
    (r0, r1), (b0, b1) = windows(ctx, days)
    now_rows, then_rows = dora_by_team(ctx, r0, r1), dora_by_team(ctx, b0, b1)
    for team in ctx.teams:
        now, then = now_rows.get(team.slug), then_rows.get(team.slug)
        if now is None or then is None:
            continue
        n_now, n_then = now["production_deployments"] or 0, then["production_deployments"] or 0
        if n_now < t["min_deployments"] or n_then < t["min_deployments"]:
            continue
        cfr, cfr_then = now["change_failure_rate"] or 0.0, then["change_failure_rate"] or 0.0
        down, down_then = (
            now["downtime_per_release_hours"] or 0.0,
            then["downtime_per_release_hours"] or 0.0,
        )
        cfr_up = cfr - cfr_then >= t["points"] / 100 - 1e-9
        down_up = (
            down * 60 >= t["min_downtime"] and down >= (1 + t["downtime_growth"] / 100) * down_then
        )
        if not (cfr_up or down_up):
            continue
        url = _dora_url(ctx, team.slug, b0, r1)
        what = " and ".join(
            w for w, up in (("change failure rate", cfr_up), ("downtime per release", down_up))
            if up
        )  # fmt: skip
        yield Signal(
            subject=Subject("team", str(team.pk), team.name, ctx.url("dora", query=f"team={team.slug}")),
            severity="high" if cfr_up and down_up else "medium",
            title=f"{team.name}'s {what} rose: {pct(cfr)} of deployments failed "
            f"({pct(cfr_then)} before), {hours(down)} downtime per release ({hours(down_then)})",
            evidence=(
                Evidence(f"Change failure rate, {_window(days)}",
                         f"{pct(cfr)} ({now['failed_deployments']} of {n_now} deployments)",
                         _dora_url(ctx, team.slug, r0, r1)),
                Evidence(f"Change failure rate, the {days} days before",
                         f"{pct(cfr_then)} ({then['failed_deployments']} of {n_then} deployments)",
                         _dora_url(ctx, team.slug, b0, b1)),
                Evidence(f"Downtime per release, {_window(days)}", hours(down),
                         _dora_url(ctx, team.slug, r0, r1)),
                Evidence(f"Downtime per release, the {days} days before", hours(down_then),
                         _dora_url(ctx, team.slug, b0, b1)),
                Evidence("Failure window",
                         "incidents, rollbacks and hotfixes within 24 hours of a deployment", url),
                Evidence("Threshold", f"+{t['points']:g} points, or downtime +"
                         f"{t['downtime_growth']:g} %", ctx.url("radar-rules")),
            ),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{team.name}: {now['failed_deployments']} of {n_now} deployments in the last "
                f"{days} days needed a fix ({pct(cfr)}, against {pct(cfr_then)} before) and a "
                f"release now costs {hours(down)} of downtime. What changed in how changes are "
                "tested and released, and what would make the next one safer?"
            ),
            score=round(100 * cfr + down, 2),
            team=team.pk,
        )  # fmt: skip


@rule(
    "incidents_unattributed",
    area="delivery",
    title="Incidents no deployment can be attributed to",
    why="The change failure rate counts only incidents that can be tied to a deployment. An "
    "incident that names no deployment or change, with no production deployment of its service "
    "in the attribution window, counts against none: the rate looks better than it is, or the "
    "incident was not caused by a change and belongs somewhere else. Either way someone should "
    "say which.",
    source=ACCELERATE,
    thresholds=(
        Threshold("days", "Days looked back", 90, 7, 730, "days"),
        Threshold("incidents", "Unattributed incidents that raise a finding", 1, 1, 1000),
        Threshold("high_share", "Share of the period's incidents from which it is high",
                  50, 1, 100, "%"),
    ),
)  # fmt: skip
def incidents_unattributed(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    days = int(t["days"])
    (r0, r1), _ = windows(ctx, days)
    found_all, totals = unattributed(ctx, r0)
    by_slug = {team.slug: team for team in ctx.teams}
    for slug, total in totals.items():
        found = [i for i in found_all if i.team == slug]
        if not found or len(found) < t["incidents"]:
            continue
        team = by_slug.get(slug)
        share = len(found) / total
        url = (
            _dora_url(ctx, slug, r0, r1) if team else ctx.url("dora", query=f"start={r0}&end={r1}")
        )
        subject = (
            Subject("team", str(team.pk), team.name, ctx.url("dora", query=f"team={slug}"))
            if team else Subject("workspace", ctx.workspace.slug, "Incidents without a team",
                                 ctx.url("dora"))
        )  # fmt: skip
        name = team.name if team else "the workspace"
        cfr = dora_by_team(ctx, r0, r1).get(slug, {}) if team else {}
        listed = [
            Evidence(f"{i.id} ({i.started:%Y-%m-%d}, {i.service})", i.why, url) for i in found[:5]
        ]
        more = len(found) - len(listed)
        first = f"{found[0].id} ({found[0].title or found[0].service})"
        others = f" and {plural(len(found) - 1, 'other')} are" if len(found) > 1 else " is"
        yield Signal(
            subject=subject,
            severity="high" if 100 * share >= t["high_share"] else "medium",
            title=f"{name}: {plural(len(found), 'incident')} of the last {days} days "
            "count against no deployment",
            evidence=(
                Evidence(f"Unattributed, {_window(days)}",
                         f"{len(found)} of {plural(total, 'incident')} ({pct(share)})", url),
                *listed,
                *([Evidence("And", plural(more, "more incident"), url)] if more else []),
                Evidence("Change failure rate shown",
                         f"{pct(cfr.get('change_failure_rate'))} "
                         f"({cfr.get('failed_deployments', 0)} of "
                         f"{cfr.get('production_deployments', 0)} deployments); "
                         "these incidents count in none of them", url),
                Evidence("Attribution window",
                         f"{WINDOW_HOURS:g} hours after a deployment of the same service", url),
            ),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{first}{others} tied to no deployment, so the change failure rate of {name} "
                "leaves them out. Was a change we can name behind them, or something outside "
                "the team that we should track elsewhere?"
            ),
            score=float(len(found)),
            team=team.pk if team else None,
        )  # fmt: skip


@dataclass(frozen=True)
class Unattributed:
    id: str
    team: str  # slug, "" without a team
    service: str
    title: str
    started: datetime
    why: str


def unattributed(ctx: RunContext, since: date) -> tuple[list[Unattributed], dict[str, int]]:
    """The incidents started since ``since`` that count against no production deployment (each
    with why), and how many incidents each team (slug) had in the period."""
    f = frames(ctx)
    period = f.incidents.filter(pl.col("started").dt.date() >= since)
    if period.is_empty():
        return [], {}
    links = attribute_incidents(f.deployments, period, window_hours=WINDOW_HOURS)
    live = set(
        f.deployments.filter(
            pl.col("is_production") & pl.col("status").is_in(["success", "rolled_back"])
        )["id"].to_list()
    )
    linked = dict(links.select("incident", "dep").iter_rows())
    # A change named by the incident attributes it too (to the deployment that shipped it).
    named_change = set(
        Incident.objects.filter(workspace=ctx.workspace, started__date__gte=since)
        .exclude(change_id="")
        .values_list("external_id", flat=True)
    )
    totals = {
        str(team): int(n) for team, n in period.group_by("team").len().sort("team").iter_rows()
    }
    out: list[Unattributed] = []
    rows = period.sort("started").select(
        "id", "team", "service", "title", "started", "deployment_id"
    )
    for ext, team, service, title, started, named in rows.iter_rows():
        if ext in named_change or linked.get(ext) in live:
            continue
        why = (
            f"names deployment {named}, which is no production deployment Leadline has"
            if named
            else f"names no deployment or change; no {service} production deployment in the "
            f"{WINDOW_HOURS:g} hours before it"
        )
        out.append(Unattributed(ext, team, service, title or "", started, why))
    return out, totals


# check → (the number it makes untrustworthy, where it is shown, why)
QUALITY_NUMBERS: dict[str, tuple[str, str, str]] = {
    "finished_never_started": (
        "cycle time", "delivery",
        "they count as finished the day they started (1 day), pulling cycle times down",
    ),
    "changed_after_done": (
        "throughput and cycle time", "delivery",
        "their finish date may be the wrong one, so they may count in the wrong week",
    ),
    "finished_before_created": (
        "lead time", "delivery", "they finished before they were created",
    ),
    "history_gaps": (
        "time in stage and flow efficiency", "delivery",
        "their history skips statuses, so time in those stages is missing",
    ),
    "unmapped_statuses": (
        "WIP, throughput and cycle time", "delivery",
        "moves into these statuses are left out of every flow figure until they are mapped",
    ),
}  # fmt: skip


@rule(
    "data_quality",
    area="delivery",
    title="Data-quality problems behind a shown number",
    why="A figure computed from data that cannot be trusted looks as precise as one that can. "
    "Saying which number is affected, and by which items, lets the team fix the data (or read "
    "the number with care) before anyone plans on it.",
    thresholds=(
        Threshold("share", "Share of a team's items with the problem", 3, 1, 100, "%"),
        Threshold("statuses", "Unmapped statuses that raise a finding", 1, 1, 100),
        Threshold("rejected", "Rejected import rows that raise a finding", 1, 1, 100000),
    ),
)  # fmt: skip
def data_quality(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    from leadline.delivery.quality import cached_quality_report

    for team in ctx.teams:
        report = cached_quality_report(ctx.workspace, team)
        items = report["items"]
        if not items:
            continue
        for check in report["checks"]:
            name, count = check["check"], check["count"]
            if name not in QUALITY_NUMBERS or not count:
                continue
            share = count / items
            if name == "unmapped_statuses":
                if count < t["statuses"]:
                    continue
            elif 100 * share < t["share"]:
                continue
            number, page, effect = QUALITY_NUMBERS[name]
            url = ctx.url("quality", query=f"team={team.slug}")
            what = (
                plural(count, "unmapped status", "unmapped statuses")
                if name == "unmapped_statuses"
                else f"{count} of {items} items ({pct(share)})"
            )
            examples = check["examples"][:3]
            yield Signal(
                subject=Subject("metric", f"{team.pk}:{name}", f"{team.name}: {number}", url),
                severity="high" if 100 * share >= 3 * t["share"] else "medium",
                title=f"{team.name}'s {number} cannot be trusted: {what} — {check['meaning'].split(':')[0].lower()}",
                evidence=(
                    Evidence("Number affected", f"{number} of {team.name}",
                             ctx.url(page, query=f"team={team.slug}")),
                    Evidence("Items or statuses", what, url),
                    Evidence("Why it is off", effect, url),
                    *(Evidence(e["key"], e["detail"], url) for e in examples),
                ),
                talk_to=ctx.team_leads(team),
                conversation=(
                    f"{team.name}'s {number} rests on {what} where {effect}. "
                    f"Can we look at {examples[0]['key'] if examples else 'them'} together and "
                    "decide whether to fix the data or the way the board is used?"
                ),
                score=float(count),
                team=team.pk,
            )  # fmt: skip
    yield from _rejected_rows(ctx, t)


def _rejected_number(source: str) -> str:
    s = source.lower()
    for words, number in (
        (("incident", "pagerduty", "opsgenie"),
         "change failure rate, recovery time and downtime per release"),
        (("deploy",), "deployment frequency and change failure rate"),
        (("change", "pull", "commit", "merge"), "lead time for changes"),
        (("release", "tag"), "releases"),
    ):  # fmt: skip
        if any(w in s for w in words):
            return number
    return "the flow figures (WIP, throughput, cycle time)"


def _rejected_rows(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    from leadline.delivery.models import ImportProblem

    by_source: dict[str, list[tuple[str, str]]] = {}
    rows = ImportProblem.objects.filter(workspace=ctx.workspace).order_by("source", "id")
    for source, location, message in rows.values_list("source", "location", "message"):
        by_source.setdefault(source, []).append((location, message))
    url = ctx.url("quality")
    for source, problems in by_source.items():
        if len(problems) < t["rejected"]:
            continue
        number = _rejected_number(source)
        yield Signal(
            subject=Subject("import", f"rejected:{source}", f"Rejected rows of {source}", url),
            severity="medium",
            title=f"{plural(len(problems), 'row')} of {source} were rejected: the {number} "
            "shown leave them out",
            evidence=(
                Evidence("Number affected", number, ctx.url("dora")),
                Evidence("Rejected rows", f"{len(problems)} from {source}", url),
                *(Evidence(loc, msg[:200], url) for loc, msg in problems[:3]),
            ),
            talk_to=ctx.team_leads(None),
            conversation=(
                f"{plural(len(problems), 'row')} of {source} did not make it in (first: "
                f"{problems[0][0]}, “{problems[0][1][:80]}”), so the {number} we show leave "
                "them out. Who can fix the source, and should we re-import?"
            ),
            score=float(len(problems)),
        )
