"""One name for one thing in the API: the workspace in a path is ``{workspace}`` everywhere."""

from __future__ import annotations

import re


def test_the_workspace_path_parameter_has_one_name(make_user, api_for):
    doc = api_for(make_user("reader")).get("/api/v1/openapi.json").json()
    paths = [p for p in doc["paths"] if p.startswith("/api/v1/workspaces/")]
    assert len(paths) > 20
    for path in paths:
        assert re.match(r"^/api/v1/workspaces/\{workspace\}(/|$)", path), path
        for method, operation in doc["paths"][path].items():
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert "workspace" in names and "ws" not in names, (method, path)
