"""The metrics API's answers: each route returns its service's typed result
(:mod:`leadline.dashboards.results`), and the OpenAPI document describes it field by field.

django-ninja validates each answer against that type and serialises the validated value, so a
key a service adds without declaring it fails instead of silently vanishing from the API.
"""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from leadline.dashboards import services
from leadline.dashboards.results import dora, flow, forecasts, portfolio
from leadline.workspaces.models import Role

JAN = "start=2026-01-01&end=2026-01-20"


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


def _declared() -> list[type]:
    modules = (flow, dora, forecasts, portfolio)
    return [
        m
        for module in modules
        for m in vars(module).values()
        if isinstance(m, type)
        and m.__module__ == module.__name__
        and hasattr(m, "__required_keys__")
    ]


def test_fixed_shapes_forbid_unknown_keys():
    shapes = _declared()
    assert len(shapes) > 30
    open_rows = {
        m for m in shapes if m.__dict__.get("__pydantic_config__", {}).get("extra") != "forbid"
    }
    assert open_rows == {flow.FlowCfdRow}  # one key per stage name: extra keys are the data
    rows = pydantic.TypeAdapter(flow.FlowCfdRow)
    row = rows.validate_python({"day": "2026-01-05", "In Progress": 3, "Done": 2})
    assert rows.dump_python(row, mode="json") == {"day": "2026-01-05", "In Progress": 3, "Done": 2}
    with pytest.raises(pydantic.ValidationError):
        rows.validate_python({"day": "2026-01-05", "In Progress": "three"})
    with pytest.raises(pydantic.ValidationError, match="new_figure"):
        pydantic.TypeAdapter(flow.FlowEfficiency).validate_python(
            {"pooled": None, "median": None, "items": 0, "working_days": None,
             "waiting_days": None, "new_figure": 1}
        )  # fmt: skip


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
