"""Dashboard pages: team flow, DORA, forecasts, portfolio; each with a CSV of its main table.

Every page is a few lines over a service; ``?format=csv`` returns the page's main table (with
``table=`` choosing another one where a page has several), and ``?format=svg|png&chart=NAME``
one of its charts drawn on the server, with its title and definition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, QueryDict
from django.shortcuts import render

from leadline import bounds, csvsafe, defaults
from leadline.charts import images
from leadline.flow.methods import DEFAULT_METHOD, METHODS
from leadline.web.labels import field_label
from leadline.workspaces.access import workspace_view
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import charts, services
from .dora import RECENT_DAYS, dora
from .dora_charts import dora_charts, duration_units
from .forecast_charts import forecast_charts
from .forecasts import epic_list, forecast
from .portfolio import PORTFOLIO_DAYS, portfolio
from .portfolio_charts import portfolio_charts
from .scope import DORA_DAYS, FLOW_DAYS, Scope, bounded_int, parse_scope


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return "" if value.get("value") is None else str(value["value"])
    return str(value)


def csv_response(
    name: str, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]
) -> HttpResponse:
    """Return ``rows`` as a CSV download named ``name``.csv (dates ISO, missing values empty,
    formula-like text neutralised)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_text(row.get(c)) for c in columns])
    return response


T = TypeVar("T")

# The filter fields' labels on the pages, for messages about a bad value.
QUERY_LABELS = {
    "start": "From", "end": "To", "type": "Item types", "teams": "Teams", "items": "Items",
    "by": "How many by", "window_days": "Window (days)", "window": "Failure attribution window",
}  # fmt: skip


def query_label(name: str) -> str:
    """Return the label of query parameter ``name`` as the page shows it."""
    return field_label(name, labels=QUERY_LABELS)


def lenient(request: HttpRequest, parse: Callable[[QueryDict], T]) -> T:
    """Parse the page's query with ``parse``; each bad value is reported and only that one
    replaced by its default, so the person's other choices are kept."""
    query = request.GET.copy()
    for _ in range(len(query) + 1):
        try:
            return parse(query)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                messages.error(request, f"{query_label(field)}: {' '.join(errors)}")
                query.pop(field, None)
    return parse(QueryDict())


def _scope(request: HttpRequest, access: Access, default_days: int, fit: str = "items") -> Scope:
    """Parse the page's filters; a bad value is reported and its default used instead. Without
    dates, a page whose data ended weeks ago shows the range where the data is (``fit``)."""
    team = getattr(request, "team", None)
    return lenient(
        request,
        lambda query: parse_scope(
            access.workspace, team, query, default_days=default_days, fit=fit
        ),
    )


def _csv_link(request: HttpRequest, **extra: str) -> str:
    query: QueryDict = request.GET.copy()
    query["format"] = "csv"
    for key, value in extra.items():
        query[key] = value
    return "?" + query.urlencode()


def chart_image(
    request: HttpRequest, page: str, specs: dict[str, dict[str, Any]]
) -> HttpResponse | None:
    """Return the chart ``?chart=NAME`` of ``specs`` as a ``?format=svg|png`` download named
    ``page-NAME.svg|png``; None when no image format is asked for, 404 for an unknown chart."""
    fmt = request.GET.get("format", "")
    if fmt not in images.FORMATS:
        return None
    name = request.GET.get("chart", "")
    if name not in specs:
        available = ", ".join(specs) or "none for this selection"
        return HttpResponseNotFound(
            f"No chart {name!r} on the {page} page; available charts: {available}.",
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        images.render_chart(specs[name], fmt), content_type=images.CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{page}-{name}.{fmt}"'
    return response


CYCLE_COLUMNS = ["key", "type", "team", "started", "finished", "cycle_time_days", "lead_time_days"]
AGING_COLUMNS = ["key", "type", "team", "stage", "started", "age_days", "beyond", "at_risk"]


@workspace_view()
@json_twin("/workspaces/{workspace}/metrics/flow")
def flow_page(request: HttpRequest, access: Access) -> HttpResponse:
    scope = _scope(request, access, FLOW_DAYS)
    data = services.flow(scope)
    if request.GET.get("format") == "csv":
        if request.GET.get("table") == "aging":
            return csv_response("aging-wip", data["aging"], AGING_COLUMNS)
        return csv_response("cycle-times", data["cycle_times"], CYCLE_COLUMNS)
    specs = charts.flow_charts(data)
    if (image := chart_image(request, "flow", specs)) is not None:
        return image
    return render(
        request,
        "dashboards/flow.html",
        {
            "data": data,
            "scope": scope,
            "charts": specs,
            "types": services.item_types(scope),
            "csv_cycle": _csv_link(request, table="cycle"),
            "csv_aging": _csv_link(request, table="aging"),
        },
    )


def _window(request: HttpRequest) -> float:
    try:
        hours = defaults.FAILURE_WINDOW_HOURS
        return float(bounded_int(request.GET, "window", hours, bounds.FAILURE_WINDOW_HOURS))
    except ValidationError as exc:
        messages.error(request, f"{query_label('window')}: {' '.join(exc.message_dict['window'])}")
        return float(defaults.FAILURE_WINDOW_HOURS)


@workspace_view()
@json_twin("/workspaces/{workspace}/metrics/dora")
def dora_page(request: HttpRequest, access: Access) -> HttpResponse:
    scope = _scope(request, access, DORA_DAYS, fit="delivery")
    data = dora(scope, window_hours=_window(request))
    if request.GET.get("format") == "csv":
        table = request.GET.get("table", "trend")
        if table in ("service", "team"):
            rows = data["by_service"] if table == "service" else data["by_team"]
            return csv_response(f"dora-by-{table}", rows, [table, *DORA_COLUMNS])
        return csv_response("dora-monthly", data["trend"], ["month", *DORA_COLUMNS])
    specs = dora_charts(data)
    if (image := chart_image(request, "dora", specs)) is not None:
        return image
    return render(
        request,
        "dashboards/dora.html",
        {
            "data": data,
            "scope": scope,
            "charts": specs,
            "units": duration_units(data),
            "recent_days": RECENT_DAYS,
            "csv_trend": _csv_link(request, table="trend"),
            "csv_service": _csv_link(request, table="service"),
            "csv_team": _csv_link(request, table="team"),
        },
    )


DORA_COLUMNS = [
    "production_deployments",
    "failed_deployments",
    "deployment_frequency",
    "lead_time_for_changes",
    "change_failure_rate",
    "recovery_time",
    "rework_rate",
    "downtime_per_release",
]


def forecast_inputs(query: Any, as_of: date) -> dict[str, Any]:
    """Return items, days, window, trials, seed, epics and method from a query; ``by`` (a date) sets
    days; ``epics`` (comma-separated keys, in priority order) may repeat."""
    days = bounded_int(query, "days", defaults.FORECAST_DAYS, bounds.FORECAST_DAYS)
    by = query.get("by")
    if by:
        try:
            target = date.fromisoformat(by)
        except ValueError:
            raise ValidationError({"by": [f"{by!r} is not a date (YYYY-MM-DD)"]}) from None
        if target <= as_of:
            raise ValidationError({"by": ["the date must be after the as-of date"]})
        if problem := bounds.date_problem(target, as_of):
            raise ValidationError({"by": [problem]})
        days = min((target - as_of).days, bounds.FORECAST_DAYS.high)
    getlist = getattr(query, "getlist", None)
    epics = epic_list(getlist("epics") if getlist else query.get("epics"))
    method = query.get("method") or DEFAULT_METHOD
    if method not in METHODS:
        raise ValidationError({"method": [f"must be one of {', '.join(METHODS)}"]})
    return {
        "method": method,
        "items": bounded_int(query, "items", defaults.FORECAST_ITEMS, bounds.FORECAST_ITEMS),
        "days": days,
        "window_days": bounded_int(query, "window_days", defaults.WINDOW_DAYS, bounds.WINDOW_DAYS),
        "trials": bounded_int(query, "trials", defaults.TRIALS, bounds.TRIALS),
        "seed": bounded_int(query, "seed", defaults.SEED, bounds.SEED),
        "epics": epics,
    }


@workspace_view()
@json_twin(
    ("/workspaces/{workspace}/metrics/forecast/when", "JSON: when"),
    ("/workspaces/{workspace}/metrics/forecast/how-many", "JSON: how many"),
)
def forecast_page(request: HttpRequest, access: Access) -> HttpResponse:
    scope = _scope(request, access, defaults.WINDOW_DAYS)
    inputs = lenient(request, lambda query: forecast_inputs(query, scope.end))
    try:
        data = forecast(scope, **inputs)
    except ValidationError as exc:  # an unknown epic: say so, forecast without the epics
        for field, errors in exc.message_dict.items():
            messages.error(request, f"{query_label(field)}: {' '.join(errors)}")
        inputs = {**inputs, "epics": ()}
        data = forecast(scope, **inputs)
    if request.GET.get("format") == "csv" and request.GET.get("table") == "epics":
        rows = [
            {
                "order": n,
                "epic": e["key"],
                "title": e["title"],
                "remaining": e["remaining"],
                "cumulative": e["cumulative"],
                **{f"p{w['percentile']}_days": w["days"] for w in e["percentiles"]},
                **{f"p{w['percentile']}_date": w["date"] for w in e["percentiles"]},
            }
            for n, e in enumerate(data.get("epics", []), start=1)
        ]
        pcts = [f"p{p}_{x}" for x in ("days", "date") for p in (50, 70, 85, 95)]
        return csv_response(
            "forecast-epics", rows, ["order", "epic", "title", "remaining", "cumulative", *pcts]
        )
    if request.GET.get("format") == "csv":
        rows = [
            {
                "percentile": w["percentile"],
                "when_days": w["days"],
                "when_date": w["date"],
                "how_many_items": h["items"],
            }
            for w, h in zip(
                data["when"]["percentiles"], data["how_many"]["percentiles"], strict=True
            )
        ]
        return csv_response(
            "forecast", rows, ["percentile", "when_days", "when_date", "how_many_items"]
        )
    specs = forecast_charts(data)
    if (image := chart_image(request, "forecasts", specs)) is not None:
        return image
    selected = {t.slug for t in scope.teams} or ({scope.team.slug} if scope.team else set())
    from leadline.delivery.services import epic_keys

    return render(
        request,
        "dashboards/forecasts.html",
        {
            "data": data,
            "scope": scope,
            "inputs": inputs,
            "selected": selected,
            "charts": specs,
            "rows": list(
                zip(data["when"]["percentiles"], data["how_many"]["percentiles"], strict=True)
            ),
            "csv": _csv_link(request),
            "epics_csv": _csv_link(request, table="epics"),
            "epics_text": ",".join(inputs["epics"]) or request.GET.get("epics", ""),
            "epic_keys": epic_keys(access.workspace)[:500],  # the form's suggestions
            "methods": list(METHODS),
        },
    )


@workspace_view()
@json_twin("/workspaces/{workspace}/metrics/portfolio")
def portfolio_page(request: HttpRequest, access: Access) -> HttpResponse:
    scope = _scope(request, access, PORTFOLIO_DAYS)
    sort = request.GET.get("sort", "team")
    descending = sort.startswith("-")
    data = portfolio(scope, sort=sort.lstrip("-"), descending=descending)
    if request.GET.get("format") == "csv":
        columns = [c["key"] for c in data["columns"]]
        return csv_response("portfolio", data["teams"], ["team", "name", *columns[1:]])
    specs = portfolio_charts(data)
    if (image := chart_image(request, "portfolio", specs)) is not None:
        return image
    base = request.GET.copy()
    headers = []
    for column in data["columns"]:
        key = column["key"]
        active = data["sort"] == key
        base["sort"] = f"-{key}" if active and not descending else key
        headers.append(
            {**column, "url": "?" + base.urlencode(), "active": active, "descending": descending}
        )
    return render(
        request,
        "dashboards/portfolio.html",
        {
            "data": data,
            "scope": scope,
            "headers": headers,
            "charts": specs,
            "csv": _csv_link(request),
        },
    )
