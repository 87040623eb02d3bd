"""Concentration of the work itself, not the code: one-person finishers in the tracker and each
team's out-of-hours pace (stored weekly by :func:`store_pace` when the results are refreshed).

Pace is counted per team and week and shown only for teams of at least the workspace's minimum
group size k; never per person.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from leadline.delivery.models import Transition, WorkItem
from leadline.pulse.services import min_group_size
from leadline.workspaces.models import Person, Team, Workspace

from .models import PaceWeek
from .results import ConcentrationFinisherOut, ConcentrationPaceOut
from .truckfactor import Commit

FINISH_SHARE = (50, 100, 60)  # low, high, default (%)
FINISH_MIN_ITEMS = 5
FINISH_DAYS = 180
PACE_WEEKS = 4  # recent weeks compared with the same number before
PACE_KEEP_WEEKS = 26
WORK_START, WORK_END = 8, 18


def parse_share(
    value: Any, *, field: str = "share", bounds: tuple[int, int, int] = FINISH_SHARE
) -> int:
    """A share (%) from a form, validated: a whole number within ``bounds`` (low, high,
    default), the default when empty; errors name ``field``."""
    low, high, default = bounds
    if value in (None, ""):
        return default
    try:
        share = int(str(value).strip())
    except ValueError:
        raise ValidationError({field: f"Use a whole number from {low} to {high}."}) from None
    if not low <= share <= high:
        raise ValidationError({field: f"Use a whole number from {low} to {high}."})
    return share


def finishers(workspace: Workspace, now: datetime, *, share: int = FINISH_SHARE[2],
              min_items: int = FINISH_MIN_ITEMS,
              days: int = FINISH_DAYS) -> list[ConcentrationFinisherOut]:  # fmt: skip
    """Epics and components where one person finished ``share`` % or more of the items
    finished in the last ``days`` days (the first assignee of each item)."""
    since = now - timedelta(days=days)
    by_group: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for epic, components, assignees in (
        WorkItem.objects.filter(workspace=workspace, resolved__gte=since, resolved__lte=now)
        .exclude(type__iexact="epic")
        .values_list("epic_key", "components", "assignees")
    ):
        if not assignees:
            continue
        who = str(assignees[0])
        if epic:
            by_group[("epic", epic)][who] += 1
        for c in components or []:
            by_group[("component", str(c))][who] += 1
    titles = dict(WorkItem.objects.filter(
        workspace=workspace, key__in=[k for kind, k in by_group if kind == "epic"]
    ).values_list("key", "title"))  # fmt: skip
    out: list[ConcentrationFinisherOut] = []
    for (kind, key), counts in by_group.items():
        total = sum(counts.values())
        if total < min_items:
            continue
        person, n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if n * 100 >= share * total:
            out.append({"kind": kind, "key": key, "title": titles.get(key, key),  # type: ignore[typeddict-item]
                        "items": total, "person": person, "share": round(n / total, 3)})  # fmt: skip
    out.sort(key=lambda f: (-f["share"], -f["items"], f["kind"], f["key"]))
    return out


def pace(
    workspace: Workspace, now: datetime, weeks: int = PACE_WEEKS
) -> list[ConcentrationPaceOut]:
    """Each team's out-of-hours share: the last ``weeks`` full weeks and the weeks before.

    Teams with fewer active people than k show nothing (not even that they exist here)."""
    k = min_group_size(workspace)
    zone = ZoneInfo(workspace.tz)
    this_week = _monday(now.astimezone(zone).date())
    recent_from = this_week - timedelta(weeks=weeks)
    earlier_from = recent_from - timedelta(weeks=weeks)
    sizes = _team_sizes(workspace)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for team_id, week, events, outside in PaceWeek.objects.filter(
        workspace=workspace, week__gte=earlier_from, week__lt=this_week
    ).values_list("team_id", "week", "events", "outside"):
        t = totals[team_id]
        if week >= recent_from:
            t[0] += events
            t[1] += outside
        else:
            t[2] += events
            t[3] += outside
    out: list[ConcentrationPaceOut] = []
    for team in Team.objects.filter(workspace=workspace, pk__in=list(totals)).order_by("name"):
        members = sizes.get(team.pk, 0)
        if members < k:
            continue
        r, ro, e, eo = totals[team.pk]
        out.append({"team": team.slug, "team_name": team.name, "members": members,
                    "recent_events": r, "recent_share": round(ro / r, 3) if r else None,
                    "earlier_events": e, "earlier_share": round(eo / e, 3) if e else None})  # fmt: skip
    return out


def _team_sizes(workspace: Workspace) -> dict[int, int]:
    sizes: Counter[int] = Counter()
    for team_id in Person.teams.through.objects.filter(
        person__workspace=workspace, person__active=True
    ).values_list("team_id", flat=True):
        sizes[team_id] += 1
    return dict(sizes)


def _outside(when: datetime, zone: ZoneInfo) -> bool:
    local = when.astimezone(zone)
    return local.weekday() >= 5 or not (WORK_START <= local.hour < WORK_END)


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def store_pace(workspace: Workspace, now: datetime, commits: list[Commit],
               match: Callable[[str, list[str]], Person | None]) -> None:  # fmt: skip
    """Store each team's weekly events and out-of-hours events (commits and status changes) of
    the last weeks; ``match`` finds a commit author's person (active or not) by name and emails."""
    zone = ZoneInfo(workspace.tz)
    since = _monday(now.astimezone(zone).date()) - timedelta(weeks=PACE_KEEP_WEEKS)
    teams_of: dict[int, list[int]] = defaultdict(list)
    for person_id, team_id in Person.teams.through.objects.filter(
        person__workspace=workspace
    ).values_list("person_id", "team_id"):
        teams_of[person_id].append(team_id)
    counts: Counter[tuple[int, date]] = Counter()
    outside: Counter[tuple[int, date]] = Counter()

    def count(team_ids: Iterable[int], when: datetime) -> None:
        week = _monday(when.astimezone(zone).date())
        if week < since:
            return
        late = _outside(when, zone)
        for t in team_ids:
            counts[(t, week)] += 1
            outside[(t, week)] += late

    matched: dict[tuple[str, str], Person | None] = {}
    for c in commits:
        if c.authored is None:
            continue
        if (c.name, c.email) not in matched:
            matched[(c.name, c.email)] = match(c.name, [c.email] if c.email else [])
        person = matched[(c.name, c.email)]
        if person is not None:
            count(teams_of[person.pk], c.authored)
    start = datetime.combine(since, datetime.min.time(), tzinfo=zone)
    for at, team_id in (
        Transition.objects.filter(
            item__workspace=workspace, at__gte=start, item__team__isnull=False
        )
        .exclude(by="")
        .values_list("at", "item__team_id")
    ):
        count([team_id], at)
    PaceWeek.objects.filter(workspace=workspace).delete()
    PaceWeek.objects.bulk_create(
        PaceWeek(workspace=workspace, team_id=t, week=w, events=n, outside=outside[(t, w)])
        for (t, w), n in sorted(counts.items())
    )
