"""`leadline raid …`: import and export the RAID log as CSV.

Thin over the services; Django is set up inside each command so the CLI starts fast.
"""

from __future__ import annotations

from pathlib import Path

import typer

from leadline.governance.cli import cli_access, console, err, setup

raid_app = typer.Typer(help="The RAID log: import and export CSV.", no_args_is_help=True)


@raid_app.command("import")
def raid_import(
    file: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="CSV file (columns: docs/governance.md, RAID CSV columns).",
    ),
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    encoding: str | None = typer.Option(
        None,
        "--encoding",
        help="The file's encoding when it is neither UTF-8 nor UTF-16 with a BOM (cp1252…).",
    ),
) -> None:
    """Import RAID items from CSV; idempotent, all or nothing, errors name line and field."""
    setup()
    from leadline.raid.csvio import CsvImportError, decode, import_csv

    access = cli_access(workspace)
    try:
        result = import_csv(access, decode(file.read_bytes(), file.name, encoding))
    except CsvImportError as exc:
        for line in exc.errors:
            err.print(f"[red]{line}[/red]")
        raise typer.Exit(1) from None
    console.print(
        f"Imported {file.name}: {result.created} new, {result.updated} changed, "
        f"{result.unchanged} unchanged."
    )


@raid_app.command("export")
def raid_export(
    workspace: str = typer.Option(..., "--workspace", "-w", help="Workspace slug."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="File to write (default stdout)."
    ),
) -> None:
    """Export every RAID item as CSV (the import's columns)."""
    setup()
    from leadline.raid import services as raid
    from leadline.raid.csvio import export_csv

    text = export_csv(raid.register(cli_access(workspace), raid.RegisterFilter()))
    if output is None:
        print(text, end="")
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output}")


def register(app: typer.Typer) -> None:
    """Add these commands to the main CLI."""
    app.add_typer(raid_app, name="raid")
