"""What a dashboard is computed over: workspace, team(s), date range, item types, as-of date.

Pages, the API and CSV downloads parse the same query parameters here, so a link copied from a
page and the API call with the same parameters answer the same question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db.models import Max

from leadline import bounds, defaults
from leadline.delivery.services import today
from leadline.workspaces.models import Team, Workspace
from leadline.workspaces.services import team_by_slug as team_by_slug

FLOW_DAYS = defaults.FLOW_DAYS  # the pages' and API's default ranges (leadline.defaults)
DORA_DAYS = defaults.DORA_DAYS
# Data whose last activity is older than this is history, not a live feed: a page's default
# range then ends where the data does rather than today (a weekend or a late sync is not old).
STALE_DAYS = 14


class ScopeNames(TypedDict):
    workspace: str
    team: str | None
    teams: list[str]
    label: str


@dataclass(frozen=True)
class Scope:
    """One dashboard question: [start, end] (inclusive) with ``end`` as the as-of date."""

    workspace: Workspace
    team: Team | None
    start: date
    end: date
    types: tuple[str, ...] = ()
    teams: tuple[Team, ...] = field(default=())
    # Set when the default range was moved to end at the data's last activity (not today).
    data_end: date | None = None

    @property
    def label(self) -> str:
        """Return "Checkout", "Checkout + Mobile" or "All teams"."""
        if self.teams:
            return " + ".join(t.name for t in self.teams)
        return self.team.name if self.team else "All teams"

    def named(self) -> ScopeNames:
        """Return who the answer is about, as every dashboard result starts: the workspace,
        the team (or teams) by slug and the label."""
        return {
            "workspace": self.workspace.slug,
            "team": self.team.slug if self.team else None,
            "teams": [t.slug for t in self.teams],
            "label": self.label,
        }


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: [f"{value!r} is not a date (YYYY-MM-DD)"]}) from None
    problem = bounds.date_problem(parsed, today())
    if problem:
        raise ValidationError({name: [problem]})
    return parsed


def _listed(query: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(query, "getlist", None)
    raw = getlist(name) if getlist else [query.get(name)]
    out: list[str] = []
    for value in raw:
        if value:
            out += [v.strip() for v in str(value).split(",") if v.strip()]
    return out


def parse_scope(
    workspace: Workspace,
    team: Team | None,
    query: Mapping[str, Any],
    *,
    default_days: int = FLOW_DAYS,
    as_of: date | None = None,
    fit: str | None = None,
) -> Scope:
    """Return the scope a request asks for: ``start``, ``end`` (default today), ``type``.

    ``type`` may repeat or be comma-separated; ``teams`` (several slugs) narrows to those teams
    together. A start after the end, or dates that don't parse, raise ValidationError. With
    ``fit`` ("items" or "delivery") and no dates asked for, a scope whose data ended more than
    ``STALE_DAYS`` ago gets the default range ending at its last activity (``data_end``).
    """
    slugs = _listed(query, "teams")
    teams = tuple(t for t in (team_by_slug(workspace, s) for s in slugs) if t is not None)
    if len(teams) == 1:
        team, teams = teams[0], ()
    data_end = None
    if fit and as_of is None and not query.get("start") and not query.get("end"):
        last = latest_activity(workspace, teams or ((team,) if team else ()), fit)
        if last is not None and last < today(workspace) - timedelta(days=STALE_DAYS):
            data_end = last
    end = _date(query.get("end"), "end") or as_of or data_end or today(workspace)
    start = _date(query.get("start"), "start") or end - timedelta(days=default_days - 1)
    if start > end:
        raise ValidationError({"start": ["start must be on or before end"]})
    if (end - start).days + 1 > bounds.MAX_RANGE_DAYS:
        raise ValidationError(
            {"start": [f"the range spans {(end - start).days + 1:,} days; at most "
                       f"{bounds.MAX_RANGE_DAYS:,} (about ten years) at once"]}
        )  # fmt: skip
    return Scope(workspace, team, start, end, tuple(_listed(query, "type")), teams, data_end)


def latest_activity(workspace: Workspace, teams: tuple[Team, ...], kind: str) -> date | None:
    """Return the day of the scope's last recorded activity: the last status change or
    creation of an item ("items"), or the last deployment or incident ("delivery").

    Items count days in ``LEADLINE_TIME_ZONE`` (as the flow figures do), delivery in UTC (as
    DORA does).
    """
    from django.conf import settings

    from leadline.delivery.models import Deployment, Incident, Transition, WorkItem

    def scoped(rows: Any, prefix: str = "") -> Any:
        rows = rows.filter(**{f"{prefix}workspace": workspace})
        return rows.filter(**{f"{prefix}team__in": teams}) if teams else rows

    if kind == "delivery":
        found = [
            scoped(Deployment.objects).aggregate(m=Max("finished"))["m"],
            scoped(Incident.objects).aggregate(m=Max("started"))["m"],
        ]
        zone = "UTC"
    else:
        found = [
            scoped(Transition.objects, "item__").aggregate(m=Max("at"))["m"],
            scoped(WorkItem.objects).aggregate(m=Max("created"))["m"],
        ]
        zone = settings.TIME_ZONE
    moments = [m for m in found if m is not None]
    if not moments:
        return None
    from zoneinfo import ZoneInfo

    return max(moments).astimezone(ZoneInfo(zone)).date()


def positive_int(
    query: Mapping[str, Any], name: str, default: int, maximum: int, *, minimum: int = 1
) -> int:
    """Return the whole number ``name`` (default when absent), between ``minimum`` (1) and
    ``maximum``; anything else raises ValidationError."""
    raw = query.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise ValidationError({name: [f"{raw!r} is not a whole number"]}) from None
    if not minimum <= value <= maximum:
        raise ValidationError({name: [f"must be between {minimum} and {maximum:,}"]})
    return value


def bounded_int(query: Mapping[str, Any], name: str, default: int, bound: bounds.Bound) -> int:
    """Return the whole number ``name`` (default when absent) within ``bound``."""
    return positive_int(query, name, default, bound.high, minimum=bound.low)
