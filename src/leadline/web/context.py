"""Template context for the shell: navigation, workspace and team switchers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest

from leadline import __version__
from leadline.workspaces.services import workspaces_for
from leadline.workspaces.twins import twins_of

# (url name, label, icon) — the areas of the product, in the order a delivery lead works.
NAV_AREAS = [
    ("workspace-home", "Overview", "◎"),
    ("delivery", "Delivery", "▤"),
    ("forecasts", "Forecasts", "◔"),
    ("raid", "RAID", "⚠"),
    ("decisions", "Decisions", "⚖"),
    ("alignment", "Alignment", "⇆"),
    ("outcomes", "Outcomes", "◈"),
    ("cadence", "Cadence", "↻"),
    ("retros", "Retros", "⟲"),
    ("people", "People", "☺"),
    ("concentration", "Key people", "⚇"),
    ("competency", "Competency", "✦"),
    ("radar", "Radar", "◉"),
]


# The Delivery area's tabs: (url name, label). Dashboards first, then the data behind them.
DELIVERY_TABS = [
    ("delivery", "Flow"),
    ("dora", "DORA"),
    ("portfolio", "Portfolio"),
    ("before-after", "Before/after"),
    ("delivery-data", "Imports & connections"),
    ("workflow", "Workflow"),
    ("quality", "Data quality"),
]


# Parameters the team switcher does not carry to the next page: the team itself, a set of teams
# it replaces, and what belongs to one page of one list or one download.
NOT_CARRIED = {"team", "teams", "page", "format", "chart", "table"}


def carried_params(request: HttpRequest) -> list[tuple[str, str]]:
    """Return the current page's query parameters the team switcher keeps (date range, …)."""
    return [
        (name, value)
        for name, values in request.GET.lists()
        if name not in NOT_CARRIED
        for value in values
    ]


def team_choices(request: HttpRequest, teams: list[Any]) -> list[tuple[str, str, str]]:
    """Return the team switcher's choices: (slug, name, URL of this page for that team, with
    the page's other parameters kept); the first, with slug "", is all teams."""
    kept = carried_params(request)

    def url(slug: str) -> str:
        query = urlencode(kept + ([("team", slug)] if slug else []))
        return request.path + (f"?{query}" if query else "")

    return [("", "All teams", url(""))] + [(t.slug, t.name, url(t.slug)) for t in teams]


def shell(request: HttpRequest) -> dict[str, Any]:
    """Add the signed-in user's workspaces, the current workspace and team to every page."""
    access = getattr(request, "access", None)
    context: dict[str, Any] = {
        "version": __version__,
        "nav_areas": NAV_AREAS,
        "delivery_tabs": DELIVERY_TABS,
        "json_twins": twins_of(request),
    }
    if request.user.is_authenticated:
        context["my_workspaces"] = list(workspaces_for(request.user))
    if access is not None:
        context["access"] = access
        context["workspace"] = access.workspace
        context["teams"] = list(access.workspace.teams.all())
        context["team"] = getattr(request, "team", None)
        context["team_choices"] = team_choices(request, context["teams"])
    return context


def limits(request: HttpRequest) -> dict[str, Any]:
    """Give every template the input limits of :mod:`leadline.bounds` (min/max of its inputs)."""
    from django.utils import timezone

    from leadline import bounds

    return {
        "limits": {
            "items": bounds.FORECAST_ITEMS,
            "days": bounds.FORECAST_DAYS,
            "trials": bounds.TRIALS,
            "window_days": bounds.WINDOW_DAYS,
            "seed": bounds.SEED,
            "failure_window": bounds.FAILURE_WINDOW_HOURS,
            "first_date": bounds.FIRST_DATE.isoformat(),
            "last_date": bounds.last_date(timezone.localdate()).isoformat(),
        }
    }
