"""`leadline concentration PATH`: a git repository's truck factor, with no server and no database.

Only the pure engine (:mod:`leadline.concentration.truckfactor`) is imported: no Django.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from leadline.cli.common import console, fail

REPO = typer.Argument(..., help="A local git repository (its working directory or .git).")
AREA = typer.Option(
    None, "--area", "-a", help="A path prefix to report on its own (repeatable), e.g. src/api."
)
AS_JSON = typer.Option(False, "--json", help="Print JSON instead of a table.")


def concentration(
    repository: Path = REPO, area: list[str] | None = AREA, as_json: bool = AS_JSON
) -> None:
    """Truck factor (degree-of-authorship method) of a git repository and of its areas."""
    from leadline.concentration.truckfactor import GitLogError, read_repository, report

    if not repository.is_dir():
        fail(f"repository: {repository} is not a directory")
    areas = [a for a in (area or []) if a.strip().strip("/")]
    if area and len(areas) != len(area):
        fail("--area: give a path prefix such as src/api, not an empty one")
    try:
        found = read_repository(repository)
    except GitLogError as exc:
        fail(f"repository: {exc}", highlight=False)
    result = report(found, areas)
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    per_area: list[dict[str, Any]] = result["areas"]  # type: ignore[assignment]
    rows: list[tuple[str, dict[str, Any]]] = [("(all)", result)]
    rows += [(str(a["area"]), a) for a in per_area]
    table = Table("area", "truck factor", "files", "top authors (files)")
    for name, row in rows:
        top = ", ".join(f"{a['name']} ({a['files']})" for a in row["authors"][:5])
        table.add_row(name, str(row["truck_factor"]), str(row["files"]), top or "none")
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the command to the main CLI."""
    app.command("concentration")(concentration)
