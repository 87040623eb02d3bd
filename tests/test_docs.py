"""Documentation is tested: every setting, command, page and API route is in the docs/ site.

The lists come from the code (the settings module, the command tree, the URL map and the
OpenAPI description), so a new one fails here until a page of docs/ describes it.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer.main
from django.urls import URLPattern, URLResolver, get_resolver

from leadline.cli import app

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
PAGES = {p.relative_to(DOCS).as_posix(): p.read_text() for p in sorted(DOCS.rglob("*.md"))}
TEXT = "\n".join(PAGES.values())
# Code spans outside fenced blocks: where pages name settings, paths, URL names and routes.
PROSE = re.sub(r"^```.*?^```", "", TEXT, flags=re.MULTILINE | re.DOTALL)
SPANS = set(re.findall(r"`([^`\n]+)`", PROSE))
METHODS = "GET|POST|PUT|PATCH|DELETE"


def _settings() -> set[str]:
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "leadline").rglob("*.py"))
    settings = (ROOT / "src" / "leadline" / "settings.py").read_text()
    return set(re.findall(r'env_\w+\("([A-Z_]+)"', settings)) | set(
        re.findall(r'"(LEADLINE_[A-Z0-9_]+)"', source)
    )


def _command_paths() -> list[str]:
    group = typer.main.get_command(app)
    paths = []
    for name, command in group.commands.items():
        subs = getattr(command, "commands", None)
        paths += [f"{name} {sub}" for sub in subs] if subs else [name]
    return paths


def _pages() -> list[tuple[str, str]]:
    """Return (URL name, route) of every page; the API is checked route by route below."""
    found = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                route = prefix + str(entry.pattern)
                if not route.startswith("api/"):
                    walk(entry, route)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((entry.name, prefix + str(entry.pattern)))

    walk(get_resolver(), "")
    return found


def _path_form(route: str) -> str:
    """``/w/<slug:ws>/raid/<int:pk>/?x=`` and ``w/<ws>/raid/<id>/`` read alike."""
    return re.sub(r"<[^>]*>", "<>", route.split("?")[0].lstrip("/"))


def _route_form(path: str) -> str:
    """``/api/v1/workspaces/{ws}/items[?team=]`` and ``/workspaces/{workspace}/items`` alike."""
    path = path.split("[")[0].split("?")[0].removeprefix("/api/v1")
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_every_setting_is_documented_on_the_configuration_page():
    names = _settings()
    assert {"LEADLINE_HOME", "DATABASE_URL", "LEADLINE_SECRET_KEY"} <= names
    page = PAGES["configuration.md"]
    missing = sorted(n for n in names if f"`{n}`" not in page)
    assert not missing, f"settings missing from docs/configuration.md: {missing}"


def test_every_command_is_documented_with_its_help():
    paths = _command_paths()
    assert "demo" in paths and "import csv" in paths
    missing = [p for p in paths if f"leadline {p}" not in TEXT]
    assert not missing, f"commands missing from docs/: {missing}"
    cli = PAGES["cli.md"]
    without_help = [p for p in paths if not re.search(rf"Usage: leadline {p}\b(?! \w)", cli)]
    assert not without_help, f"commands without their --help in docs/cli.md: {without_help}"


def test_every_page_is_documented():
    pages = _pages()
    assert ("delivery", "w/<slug:ws>/delivery/") in pages
    spans = {_path_form(s) for s in SPANS}

    def documented(name: str, route: str) -> bool:
        path = _path_form(route)
        in_workspace = path.removeprefix("w/<>/")
        return (
            name in SPANS
            or path in spans
            or (in_workspace not in {"", path} and in_workspace in spans)
        )

    missing = [f"{name} ({route})" for name, route in pages if not documented(name, route)]
    assert not missing, f"pages missing from docs/ (by URL name or path): {missing}"


def test_every_api_route_is_documented():
    import leadline.urls  # noqa: F401  (mounts every app's router)
    from leadline.api import api

    routes = {
        (method.upper(), _route_form(path))
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
    }
    assert ("GET", "/workspaces/{}/metrics/flow") in routes
    documented = set()
    for span in SPANS:
        match = re.fullmatch(rf"((?:{METHODS})(?:\|(?:{METHODS}))*) (\S+)", span.strip())
        if match:
            for method in match.group(1).split("|"):
                documented.add((method, _route_form(match.group(2))))
    missing = sorted(f"{m} {p}" for m, p in routes - documented)
    assert not missing, f"API routes missing from docs/ (as `METHOD /path` code): {missing}"


def test_the_readme_is_a_front_door_whose_links_lead_somewhere():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200, "the README is the front door: details go in docs/"
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    local = [t for t in targets if "://" not in t]
    assert "docs/images/flow-dashboard.png" in local
    broken = [t for t in local if not (ROOT / t).exists()]
    assert not broken, f"README links to files that do not exist: {broken}"
