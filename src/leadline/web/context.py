"""Template context for the shell: navigation, workspace and team switchers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from leadline import __version__
from leadline.workspaces.services import workspaces_for

# (url name, label, icon) — the areas of the product, in the order a delivery lead works.
NAV_AREAS = [
    ("workspace-home", "Overview", "◎"),
    ("delivery", "Delivery", "▤"),
    ("forecasts", "Forecasts", "◔"),
    ("raid", "RAID", "⚠"),
    ("decisions", "Decisions", "⚖"),
    ("alignment", "Alignment", "⇆"),
    ("cadence", "Cadence", "↻"),
    ("people", "People", "☺"),
    ("radar", "Radar", "◉"),
]


# The Delivery area's tabs: (url name, label). Dashboards first, then the data behind them.
DELIVERY_TABS = [
    ("delivery", "Flow"),
    ("dora", "DORA"),
    ("portfolio", "Portfolio"),
    ("delivery-data", "Imports & connections"),
    ("workflow", "Workflow"),
    ("quality", "Data quality"),
]


def shell(request: HttpRequest) -> dict[str, Any]:
    """Add the signed-in user's workspaces, the current workspace and team to every page."""
    access = getattr(request, "access", None)
    context: dict[str, Any] = {
        "version": __version__,
        "nav_areas": NAV_AREAS,
        "delivery_tabs": DELIVERY_TABS,
    }
    if request.user.is_authenticated:
        context["my_workspaces"] = list(workspaces_for(request.user))
    if access is not None:
        context["access"] = access
        context["workspace"] = access.workspace
        context["teams"] = list(access.workspace.teams.all())
        context["team"] = getattr(request, "team", None)
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
