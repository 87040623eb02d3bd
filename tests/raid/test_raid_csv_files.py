"""RAID CSV files: formula titles made inert on export, foreign encodings named on import."""

from __future__ import annotations

import csv
import io

import pytest
from typer.testing import CliRunner

from leadline.cli import app

FORMULA = "=cmd|' /C calc'!A0"


@pytest.mark.django_db
def test_the_raid_export_page_and_cli_neutralise_a_formula_title_and_reimport_it(world, client_for):
    from leadline.raid import services as raid
    from leadline.raid.csvio import import_csv
    from leadline.raid.models import RaidItem

    raid.create_item(world.access, "risk", {"title": FORMULA, "description": "@evil"})
    raid.create_item(world.access, "issue", {"title": "Plain", "description": "-1"})
    page = client_for(world.member).get("/w/acme/raid/export.csv").content.decode()
    rows = {r["title"]: r for r in csv.DictReader(io.StringIO(page))}
    assert "'" + FORMULA in rows and rows["'" + FORMULA]["description"] == "'@evil"
    assert rows["Plain"]["description"] == "-1"
    result = CliRunner().invoke(app, ["raid", "export", "-w", world.workspace.slug])
    assert result.exit_code == 0, result.output
    assert f'"\'{FORMULA}"' in result.output or f"'{FORMULA}" in result.output
    # Importing Leadline's own export restores the text exactly: nothing changes.
    assert import_csv(world.access, page).unchanged == 2
    assert RaidItem.objects.get(kind="risk").title == FORMULA


@pytest.mark.django_db
def test_raid_import_of_a_latin1_file_says_where_and_how_instead_of_a_traceback(
    world, tmp_path, client_for
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leadline.raid.models import RaidItem

    path = tmp_path / "raid.csv"
    path.write_bytes("type,title\nrisk,Café closes\n".encode("latin-1"))
    result = CliRunner().invoke(app, ["raid", "import", str(path), "-w", world.workspace.slug])
    output = " ".join(result.output.split())
    assert result.exit_code == 1 and "Traceback" not in output
    assert "raid.csv line 2, column 9: byte 0xe9 is not UTF-8 text" in output
    upload = SimpleUploadedFile("raid.csv", path.read_bytes(), content_type="text/csv")
    page = client_for(world.member).post("/w/acme/raid/import/", {"file": upload})
    assert "raid.csv line 2, column 9" in page.content.decode()
    result = CliRunner().invoke(
        app, ["raid", "import", str(path), "-w", world.workspace.slug, "--encoding", "cp1252"]
    )
    assert result.exit_code == 0, result.output
    assert RaidItem.objects.get().title == "Café closes"
