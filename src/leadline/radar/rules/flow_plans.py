"""Radar rules: flow against plans (scope added to a running sprint, a target date missed).

Registered when :mod:`.flow` is imported.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from ..context import RunContext
from ..registry import Contact, Evidence, Signal, Subject, Threshold, rule
from .flow_data import change_requests, flow_url, live_teams, plural

LIVE_REQUESTS = ("pending", "approved")  # declined and deferred requests promise nothing now


@rule(
    "sprint_scope_added",
    area="flow",
    title="Scope added to a running sprint without a change-impact check",
    why="Items added to a sprint after it started push out what was committed, unless someone "
    "weighed what they do to the sprint first. A change request (the change-impact check) makes "
    "that trade visible before the work begins, instead of at the review.",
    source="Schwaber & Sutherland, The Scrum Guide (2020): scope is renegotiated with the "
    "Product Owner, the Sprint Goal kept",
    thresholds=(
        Threshold("min_items", "Added items no change request covers", 3, 1, 10_000, "items"),
        Threshold("high_share", "Of the committed items, from which it is high", 25, 1, 1000, "%"),
    ),
)
def sprint_scope_added(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    zone = ZoneInfo(ctx.workspace.tz)
    requests = change_requests(ctx)
    for team, f in live_teams(ctx):
        for sprint in f["plan_churn"]["sprints"]:
            if sprint["end"] is not None or sprint["start"] > ctx.today:
                continue  # only sprints running today
            added, committed = sprint["added"], sprint["committed"]
            checked = [
                cr
                for cr in requests
                if cr.team_id == team.pk
                and cr.status in LIVE_REQUESTS
                and cr.created_at.astimezone(zone).date() >= sprint["start"]
            ]
            covered = sum(cr.added_items for cr in checked)
            unchecked = added - covered
            if unchecked < t["min_items"]:
                continue
            url = flow_url(ctx, team)
            name = sprint["sprint"]
            since = f"{sprint['start']:%Y-%m-%d}"
            share = unchecked / committed if committed else None
            yield Signal(
                subject=Subject("sprint", f"{team.pk}:{name}"[:200], f"{name} ({team.name})", url),
                severity="high" if share is None or share * 100 >= t["high_share"] else "medium",
                title=f"{plural(unchecked, 'item')} added to “{name}” after it started, "
                "without a change-impact check",
                evidence=(
                    Evidence(
                        "Sprint",
                        f"started {since}, {plural(committed, 'item')} committed at the start",
                        url,
                    ),
                    Evidence("Added after the start", plural(added, "item"), url),
                    Evidence(
                        f"Change requests for {team.name} since {since}",
                        f"{len(checked)}, adding {plural(covered, 'item')}" if checked else "none",
                        ctx.url("changes"),
                    ),
                    Evidence(
                        "Threshold",
                        f"{plural(int(t['min_items']), 'item')}",
                        ctx.url("radar-rules"),
                    ),
                ),
                talk_to=ctx.team_leads(team),
                conversation=(
                    f"“{name}” started with {committed} items and {added} more came in since "
                    f"{since}, {unchecked} of them without a change request to weigh them. "
                    f"Before the next one comes in, shall we look together at what they do to "
                    f"what was committed?"
                ),
                score=float(unchecked),
                team=team.pk,
            )


def _impact(cr: Any, today: date) -> dict[str, Any] | None:
    from leadline.changes.services import change_impact

    impact: dict[str, Any] = change_impact(cr, today)
    return impact if impact.get("target") else None


@rule(
    "forecast_misses_target",
    area="flow",
    title="A forecast no longer meets its target date",
    why="A date promised for a set of items (a sprint, epics, a list) is a forecast someone "
    "relies on. When the Monte Carlo forecast from the team's recent throughput puts the 85 % "
    "date after the target, the promise is unlikely to hold; saying so now leaves room to cut "
    "scope or move the date together, instead of missing it.",
    source="Daniel S. Vacanti, When Will It Be Done? (2020)",
    thresholds=(
        Threshold("days", "Days after the target (85 % date) that fire", 1, 1, 365, "days"),
        Threshold(
            "past_days", "Days after a passed target it is still checked", 14, 0, 365, "days"
        ),
    ),
)
def forecast_misses_target(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for cr in change_requests(ctx):
        if cr.target_date is None or cr.status not in LIVE_REQUESTS:
            continue
        if (ctx.today - cr.target_date).days > t["past_days"]:
            continue  # long past: a missed date is history, and the scope it read has moved on
        impact = _impact(cr, ctx.today)
        if impact is None:
            continue  # nothing to forecast: no scope read, or no throughput
        # An approved change is part of the promise; a pending one is not yet.
        which = "with" if cr.status == "approved" else "without"
        check = impact["target"][which]
        late = check["days_late"]
        if check["meets"] or late is None or late < t["days"]:
            continue
        forecast = impact["forecast"][which]
        median = forecast["dates"]["50"]
        url = ctx.url("change", cr.pk)
        target = f"{cr.target_date:%Y-%m-%d}"
        scope = impact["scope"]["label"] + (
            f", plus the change's {plural(cr.added_items, 'item')}" if which == "with" else ""
        )
        team = cr.team
        talk = ctx.team_leads(team)
        if cr.requested_by is not None and cr.requested_by.active:
            talk = (*talk, Contact("person", f"{cr.requested_by.name} (asked for it)"))
        yield Signal(
            subject=Subject("change_request", str(cr.pk), cr.title, url),
            severity="high" if median is None or median > cr.target_date.isoformat() else "medium",
            title=f"“{cr.title}”: the 85 % forecast is {plural(late, 'day')} after the target "
            f"{target}",
            evidence=(
                Evidence("Target date", target, url),
                Evidence("Forecast at 85 %", f"{check['date']} ({plural(late, 'day')} late)", url),
                Evidence("Forecast at 50 %", median or "not known", url),
                Evidence("Scope", f"{plural(forecast['items'], 'item')}: {scope}", url),
                Evidence(
                    "Throughput",
                    f"{plural(impact['throughput'], 'item')} finished, from {impact['source']}",
                    flow_url(ctx, team),
                ),
            ),
            talk_to=talk,
            conversation=(
                f"The forecast for “{cr.title}” now says {check['date']} at 85 %, {late} days "
                f"after the {target} promised. Shall we look together at what could come out of "
                f"scope, or whether the date should move, while there is still time to say so?"
            ),
            score=float(late),
            team=team.pk,
        )
