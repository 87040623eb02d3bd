"""The metrics API's response schemas: the JSON is exactly what the services return, and the
OpenAPI document describes it field by field.

django-ninja validates each answer against its schema and serialises the validated model; a
schema that dropped a key, reordered keys or turned 3 into 3.0 would change the API. So each
endpoint's JSON is compared byte for byte with the service's own answer, encoded the way the API
encoded it before it had schemas (Django's JSON encoder, which ninja's encoder extends).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pydantic
import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict

from leadline.dashboards import schemas, services
from leadline.dashboards.dora import dora
from leadline.dashboards.forecasts import forecast
from leadline.dashboards.portfolio import PORTFOLIO_DAYS, portfolio
from leadline.dashboards.scope import DORA_DAYS, FLOW_DAYS, parse_scope, positive_int, team_by_slug
from leadline.dashboards.views import forecast_inputs
from leadline.workspaces.models import Role, Workspace

JAN = "start=2026-01-01&end=2026-01-20"


# --- what each endpoint's service answers (the same wiring as metrics/api.py) ------------------


def _flow(workspace: Workspace, query: QueryDict) -> dict[str, Any]:
    team = team_by_slug(workspace, query.get("team"))
    return services.flow(parse_scope(workspace, team, query, default_days=FLOW_DAYS))


def _dora(workspace: Workspace, query: QueryDict) -> dict[str, Any]:
    team = team_by_slug(workspace, query.get("team"))
    scope = parse_scope(workspace, team, query, default_days=DORA_DAYS)
    return dora(scope, window_hours=float(positive_int(query, "window", 24, 24 * 90)))


def _forecast(workspace: Workspace, query: QueryDict, drop: str) -> dict[str, Any]:
    team = team_by_slug(workspace, query.get("team"))
    scope = parse_scope(workspace, team, query, default_days=84)
    data = forecast(scope, **forecast_inputs(query, scope.end))
    data.pop(drop)
    return data


def _portfolio(workspace: Workspace, query: QueryDict) -> dict[str, Any]:
    scope = parse_scope(workspace, None, query, default_days=PORTFOLIO_DAYS)
    sort = query.get("sort") or "team"
    return portfolio(scope, sort=sort.lstrip("-"), descending=sort.startswith("-"))


Service = Callable[[Workspace, QueryDict], dict[str, Any]]

# endpoint -> (service, query variants on the demo workspace)
ENDPOINTS: dict[str, tuple[Service, list[str]]] = {
    "flow": (
        _flow,
        [
            "",
            "team=checkout",
            "type=Bug",
            "type=Story,Task&team=mobile",
            "teams=checkout,mobile",
            # items exist but none finished in the range: empty efficiency and percentiles
            "start=2020-01-01&end=2020-01-31",
        ],
    ),
    "dora": (_dora, ["", "team=checkout", "window=48&team=platform"]),
    "forecast/when": (
        lambda w, q: _forecast(w, q, "how_many"),
        ["", "team=checkout&items=50&trials=2000", "teams=checkout,mobile&trials=2000&seed=7"],
    ),
    "forecast/how-many": (
        lambda w, q: _forecast(w, q, "when"),
        ["", "team=mobile&days=14&trials=2000", "teams=checkout,mobile&trials=2000"],
    ),
    "portfolio": (_portfolio, ["", "sort=-wip", "type=Bug&sort=cycle_time_p85"]),
}


def _assert_unchanged(response: Any, expected: dict[str, Any], what: str) -> None:
    assert response.status_code == 200, (what, response.content[:500])
    got = response.content.decode()
    want = DjangoJSONEncoder().encode(expected)
    if got != want:
        assert json.loads(got) == json.loads(want), what  # shows which values differ
        at = next(i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b)
        near = slice(max(at - 80, 0), at + 40)
        pytest.fail(
            f"{what}: same values, different JSON (key order, or 3 vs 3.0) at {at}:\n"
            f"  api:     ...{got[near]}\n  service: ...{want[near]}"
        )


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_api_json_is_the_service_answer_unchanged(demo, make_user, make_workspace, api_for, name):
    service, variants = ENDPOINTS[name]
    empty_owner = make_user("empty-owner")
    empty = make_workspace("Nothing yet", {empty_owner: Role.LEAD})
    cases = [(demo.workspace, demo.user, q) for q in variants] + [(empty, empty_owner, "")]
    for workspace, user, query in cases:
        response = api_for(user).get(f"/api/v1/workspaces/{workspace.slug}/metrics/{name}?{query}")
        expected = service(workspace, QueryDict(query))
        _assert_unchanged(response, expected, f"{workspace.slug} {name}?{query}")


def test_numbers_keep_their_json_type_when_nothing_finished_in_the_range(demo, api_for):
    # Nothing finished: the efficiency figures are null (not 0), the rates stay fractions.
    url = "/api/v1/workspaces/demo/metrics/flow?start=2020-01-01&end=2020-01-31"
    data = api_for(demo.user).get(url).json()
    assert data["flow_efficiency"]["working_days"] is None
    assert data["flow_efficiency"]["items"] == 0 and type(data["flow_efficiency"]["items"]) is int
    assert type(data["headline"]["throughput_per_week"]) is float


def test_an_empty_scope_has_the_same_shape_with_null_figures(make_user, make_workspace, api_for):
    user = make_user("new")
    workspace = make_workspace("Empty", {user: Role.LEAD})
    data = api_for(user).get(f"/api/v1/workspaces/{workspace.slug}/metrics/flow").json()
    assert data["flow_efficiency"] == {
        "pooled": None, "median": None, "items": 0, "working_days": None, "waiting_days": None,
    }  # fmt: skip
    assert data["cfd"] == [] and data["epics_left_out"] == 0
    assert data["quality"]["items"] == 0


# --- unknown keys fail instead of vanishing ---------------------------------------------------


def test_a_key_added_to_a_service_fails_instead_of_vanishing(small, api_for, monkeypatch):
    workspace, _, user = small
    real = services.flow
    url = f"/api/v1/workspaces/{workspace.slug}/metrics/flow?{JAN}"

    def with_new_key(scope: Any) -> dict[str, Any]:
        return {**real(scope), "new_figure": 1}

    def with_new_nested_key(scope: Any) -> dict[str, Any]:
        data = real(scope)
        return {**data, "headline": {**data["headline"], "new_figure": 1}}

    for patched in (with_new_key, with_new_nested_key):
        monkeypatch.setattr(services, "flow", patched)
        with pytest.raises(pydantic.ValidationError, match="new_figure"):
            api_for(user).get(url)


def test_fixed_shapes_forbid_unknown_keys():
    models = [
        m
        for m in vars(schemas).values()
        if isinstance(m, type)
        and issubclass(m, pydantic.BaseModel)
        and m.__module__ == schemas.__name__
    ]
    assert len(models) > 30
    open_rows = {m for m in models if m.model_config.get("extra") != "forbid"}
    assert open_rows == {schemas.FlowCfdRow}  # one key per stage name: extra keys are the data
    row = schemas.FlowCfdRow.model_validate({"day": "2026-01-05", "In Progress": 3, "Done": 2})
    assert row.model_dump(mode="json") == {"day": "2026-01-05", "In Progress": 3, "Done": 2}
    with pytest.raises(pydantic.ValidationError):
        schemas.FlowCfdRow.model_validate({"day": "2026-01-05", "In Progress": "three"})


# --- the OpenAPI document ---------------------------------------------------------------------

DESCRIBED = {
    "flow": ("FlowOut", {"headline", "cycle_times", "cfd", "definitions", "aging", "wip_daily",
                         "percentile_trend", "flow_efficiency", "blocked", "quality",
                         "epics_left_out", "stages"}),
    "dora": ("DoraOut", {"recent", "range", "trend", "by_service", "by_team", "timeline",
                         "metrics", "report_tiers", "window_hours"}),
    "forecast/when": ("ForecastWhenOut", {"inputs", "when", "backtest", "as_of", "teams"}),
    "forecast/how-many": ("ForecastHowManyOut", {"inputs", "how_many", "backtest", "as_of"}),
    "portfolio": ("PortfolioOut", {"teams", "columns", "definitions", "throughput_weekly",
                                   "wip_daily", "sort"}),
}  # fmt: skip


def _component(components: dict[str, Any], ref: str) -> tuple[str, dict[str, Any]]:
    name = ref.rsplit("/", 1)[-1]
    return name, components[name]


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_openapi_describes_each_metrics_response(make_user, api_for):
    doc = api_for(make_user("reader")).get("/api/v1/openapi.json").json()
    components = doc["components"]["schemas"]
    seen: dict[str, dict[str, Any]] = {}
    for path, (component, keys) in DESCRIBED.items():
        operation = doc["paths"][f"/api/v1/workspaces/{{workspace}}/metrics/{path}"]["get"]
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        name, root = _component(components, schema["$ref"])
        assert name == component
        assert keys <= set(root["properties"]), path
        assert root["additionalProperties"] is False
        todo = [name]
        while todo:  # every component the answer reaches: each field described
            current = todo.pop()
            if current in seen:
                continue
            seen[current] = components[current]
            for field, prop in components[current].get("properties", {}).items():
                assert prop.get("description"), f"{current}.{field} has no description"
            todo += [_component(components, r)[0] for r in _refs(components[current])]
    flow = components["FlowOut"]["properties"]
    assert flow["cycle_times"]["items"]["$ref"].endswith("/FlowCycleTime")
    assert components["FlowCycleTime"]["properties"]["started"]["format"] == "date-time"
    assert components["FlowCycleTime"]["properties"]["finished_date"]["format"] == "date"
    cfd_row = components[flow["cfd"]["items"]["$ref"].rsplit("/", 1)[-1]]
    assert cfd_row["additionalProperties"] == {"type": "integer"}  # one count per stage name
    efficiency = components["FlowEfficiency"]
    assert "working_days" in efficiency["required"]  # always there, null when none finished
    assert {"DoraPeriod", "DoraMonth", "DoraTimelineIncident", "ForecastBacktest",
            "PortfolioTeam"} <= set(seen)  # fmt: skip
