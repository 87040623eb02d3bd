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


def test_no_two_schema_classes_share_a_name():
    """The OpenAPI description names each schema by its class name: two apps' classes with one
    name (a ``CheckOut`` in delivery and in alignment) silently became one, and the description
    lied about one of the routes."""
    import importlib
    import inspect
    import pkgutil

    from pydantic import BaseModel
    from typing_extensions import is_typeddict

    import leadline

    seen: dict[str, str] = {}
    clashes = []
    # Every module, not only api/results/schemas: a route may answer a type declared anywhere
    # (alignment's series trend point clashed with the pulses' TrendPoint from series.py).
    for info in pkgutil.walk_packages(leadline.__path__, "leadline."):
        if ".migrations" in info.name or info.name.endswith((".wsgi", ".__main__")):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if not inspect.isclass(obj) or obj.__module__ != module.__name__:
                continue
            if not (is_typeddict(obj) or issubclass(obj, BaseModel)):
                continue
            where = f"{obj.__module__}.{name}"
            if name in seen and seen[name] != where:
                clashes.append(f"{name}: {seen[name]} and {where}")
            seen.setdefault(name, where)
    assert len(seen) > 250
    assert not clashes, clashes
