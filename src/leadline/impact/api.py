"""Before/after API: a metric before and after a change, the metrics, and recorded changes,
under /workspaces/{workspace}/before-after; the same services as the page."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from leadline.api_input import Input, PlausibleDate, text
from leadline.workspaces.models import Role
from leadline.workspaces.services import access_for, team_by_slug

from . import analysis, services
from .models import Change
from .results import ImpactBeforeAfterOut, ImpactChangeOut, ImpactMetricOut

router = Router(tags=["impact"])
WS = "/workspaces/{workspace}/before-after"


class ImpactChangeIn(Input):
    title: Annotated[str, text(Change, "title")]
    date: PlausibleDate
    description: Annotated[str, Field(max_length=5000)] = ""
    team: Annotated[str | None, Field(max_length=64, description="A team's slug.")] = None


@router.get(WS, response=ImpactBeforeAfterOut)
def before_after(
    request: HttpRequest,
    workspace: str,
    metric: Annotated[str, Field(max_length=200)] = services.DEFAULT_METRIC,
    at: date | None = None,
    detect: bool = False,
    changes: Annotated[int, Field(ge=1, le=analysis.MAX_CHANGES)] = 1,
    window: Annotated[int, Field(ge=1, le=analysis.MAX_WINDOW_DAYS)] = analysis.WINDOW_DAYS,
    team: str | None = None,
    change: str | None = None,
    start: PlausibleDate | None = None,
    end: PlausibleDate | None = None,
) -> ImpactBeforeAfterOut:
    """Return ``metric`` (default ``release_interval_days``) before and after a change: n, median and mean on each side, the
    Mann-Whitney U test, the Hodges-Lehmann shift with a bootstrap interval, the detected
    change point (``detected_at``: the first observation after it), the change in level and
    slope, the segments, the observations and other changes in the window (confounders).

    ``at`` is the announced date; ``detect=true`` splits at the detected change instead (with
    ``at``: the strongest within ``window`` days of it). ``change`` names a recorded change
    (``change:<id>``) or a decision (``decision:<id>``) whose date is the announced one; with
    none of ``at``, ``detect`` and ``change``, the newest recorded change (as the page). The
    range defaults to the two years up to today; no ``team`` means all teams.
    """
    access = access_for(request.user, workspace)
    found = services.find_change(access.workspace, change) if change else None
    if found is None and at is None and not detect:  # as the page: the newest recorded change
        found = Change.objects.filter(workspace=access.workspace).first()
    return services.before_after(
        access.workspace, metric=metric, team=team_by_slug(access.workspace, team), at=at,
        detect=detect, changes=changes, window=window, start=start, end=end, change=found,
    )  # fmt: skip


@router.get(f"{WS}/metrics", response=list[ImpactMetricOut])
def metric_list(request: HttpRequest, workspace: str) -> list[ImpactMetricOut]:
    """Return the metrics a before/after analysis can read: key, label, kind, unit, definition."""
    return services.metrics(access_for(request.user, workspace).workspace)


@router.get(f"{WS}/changes", response=list[ImpactChangeOut])
def change_list(request: HttpRequest, workspace: str) -> list[ImpactChangeOut]:
    """Return the recorded changes (newest first), then the decided decisions."""
    return services.changes(access_for(request.user, workspace).workspace)


@router.post(f"{WS}/changes", response={201: ImpactChangeOut})
def change_create(
    request: HttpRequest, workspace: str, payload: ImpactChangeIn
) -> Status[ImpactChangeOut]:
    """Record a dated change in ways of working (members and up)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    team = team_by_slug(access.workspace, payload.team) if payload.team else None
    made = services.create_change(
        access, title=payload.title, day=payload.date, description=payload.description,
        team=team, actor=request.user,
    )  # fmt: skip
    return Status(201, services.change_out(made))
