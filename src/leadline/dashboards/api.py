"""JSON twins of the dashboard pages: the same services, the same query parameters.

Dates are ISO strings; a workspace the caller is not a member of is a 404, bad parameters a 422.
Each route returns its service's typed result (:mod:`.results`), which is also its response
schema: the OpenAPI document describes field by field what the service returns.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router

from leadline import bounds, defaults
from leadline.api_input import PlausibleDate, number
from leadline.flow.methods import DEFAULT_METHOD
from leadline.flow.methods import MethodName as ForecastMethodName
from leadline.workspaces.services import access_for

from . import services
from .dora import dora
from .forecasts import forecast_how_many as how_many_service
from .forecasts import forecast_when as when_service
from .portfolio import PORTFOLIO_DAYS, portfolio
from .results.dora import DoraOut
from .results.flow import FlowOut
from .results.forecasts import ForecastHowManyOut, ForecastWhenOut
from .results.portfolio import PortfolioOut
from .scope import DORA_DAYS, FLOW_DAYS, Scope, bounded_int, parse_scope, team_by_slug
from .views import forecast_inputs

router = Router(tags=["metrics"])
WS = "/workspaces/{workspace}/metrics"


def _scope(request: HttpRequest, workspace: str, default_days: int) -> Scope:
    access = access_for(request.user, workspace)
    team = team_by_slug(access.workspace, request.GET.get("team"))
    return parse_scope(access.workspace, team, request.GET, default_days=default_days)


@router.get(f"{WS}/flow", response=FlowOut)
def flow(
    request: HttpRequest,
    workspace: str,
    team: str | None = None,
    start: PlausibleDate | None = None,
    end: PlausibleDate | None = None,
    type: Query[list[str]] = None,  # type: ignore[assignment]  # noqa: A002 - may repeat
) -> FlowOut:
    """Return the team flow dashboard: WIP, throughput, cycle times and percentiles (with their
    trend), aging WIP, cumulative flow, flow efficiency, blocked time and the data-quality note.

    ``start``/``end`` (YYYY-MM-DD) default to the 26 weeks up to today; ``type`` may repeat or
    be comma-separated; no ``team`` means all teams.
    """
    return services.flow(_scope(request, workspace, FLOW_DAYS))


@router.get(f"{WS}/dora", response=DoraOut)
def dora_metrics(
    request: HttpRequest,
    workspace: str,
    team: str | None = None,
    start: PlausibleDate | None = None,
    end: PlausibleDate | None = None,
    window: Annotated[int, number(bounds.FAILURE_WINDOW_HOURS)] = defaults.FAILURE_WINDOW_HOURS,
) -> DoraOut:
    """Return DORA metrics with DORA 2023 tiers: last 90 days, whole range, monthly trend,
    per service, per team, and the deployment/incident timeline.

    ``window`` is the change-failure attribution window in hours (default 24); the range
    defaults to the two years up to today.
    """
    scope = _scope(request, workspace, DORA_DAYS)
    hours = bounded_int(
        request.GET, "window", defaults.FAILURE_WINDOW_HOURS, bounds.FAILURE_WINDOW_HOURS
    )
    return dora(scope, window_hours=float(hours))


def _forecast_scope(request: HttpRequest, workspace: str) -> tuple[Scope, dict[str, Any]]:
    scope = _scope(request, workspace, defaults.WINDOW_DAYS)
    return scope, forecast_inputs(request.GET, scope.end)


# exclude_unset: "epics" is in the answer only when asked for (the service adds it then).
@router.get(f"{WS}/forecast/when", response=ForecastWhenOut, exclude_unset=True)
def forecast_when(
    request: HttpRequest,
    workspace: str,
    items: Annotated[int, number(bounds.FORECAST_ITEMS)] = defaults.FORECAST_ITEMS,
    team: str | None = None,
    teams: Query[list[str]] = None,  # type: ignore[assignment]
    end: PlausibleDate | None = None,
    window_days: Annotated[int, number(bounds.WINDOW_DAYS)] = defaults.WINDOW_DAYS,
    trials: Annotated[int, number(bounds.TRIALS)] = defaults.TRIALS,
    seed: Annotated[int, number(bounds.SEED)] = defaults.SEED,
    epics: Query[list[str]] = None,  # type: ignore[assignment]
    method: ForecastMethodName = DEFAULT_METHOD,
) -> ForecastWhenOut:
    """Return when ``items`` items will be done (50/70/85/95%), the outcome histogram, the
    inputs and the backtest calibration. ``teams`` (comma-separated) forecasts teams together;
    ``end`` is the as-of date (default today). ``epics`` (comma-separated keys, in priority
    order) adds when each epic's remaining items will be done, working through the epics in
    that order; an unknown key is a 422 naming it. ``method`` names the forecast method
    (default calibrated_blocks; independent_days is the classic one); every answer states it
    and the team's own track record.
    """
    scope, inputs = _forecast_scope(request, workspace)
    return when_service(scope, **inputs)


@router.get(f"{WS}/forecast/how-many", response=ForecastHowManyOut)
def forecast_how_many(
    request: HttpRequest,
    workspace: str,
    days: Annotated[int, number(bounds.FORECAST_DAYS)] = defaults.FORECAST_DAYS,
    by: PlausibleDate | None = None,
    team: str | None = None,
    teams: Query[list[str]] = None,  # type: ignore[assignment]
    end: PlausibleDate | None = None,
    window_days: Annotated[int, number(bounds.WINDOW_DAYS)] = defaults.WINDOW_DAYS,
    trials: Annotated[int, number(bounds.TRIALS)] = defaults.TRIALS,
    seed: Annotated[int, number(bounds.SEED)] = defaults.SEED,
    method: ForecastMethodName = DEFAULT_METHOD,
) -> ForecastHowManyOut:
    """Return how many items will be done in ``days`` days (or by the date ``by``), read
    downward at 50/70/85/95%, with the outcome histogram, the inputs, the method, the team's
    own track record and the backtest.
    """
    scope, inputs = _forecast_scope(request, workspace)
    return how_many_service(scope, **inputs)


@router.get(f"{WS}/portfolio", response=PortfolioOut)
def portfolio_metrics(
    request: HttpRequest,
    workspace: str,
    start: PlausibleDate | None = None,
    end: PlausibleDate | None = None,
    sort: str = "team",
) -> PortfolioOut:
    """Return every team side by side: WIP, throughput per week, cycle time p85, deployment
    frequency, change failure rate and data-quality findings (``sort``, ``-`` for descending).
    """
    access = access_for(request.user, workspace)
    scope = parse_scope(access.workspace, None, request.GET, default_days=PORTFOLIO_DAYS)
    return portfolio(scope, sort=sort.lstrip("-"), descending=sort.startswith("-"))
