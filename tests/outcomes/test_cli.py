"""`leadline kpi …` and `leadline scorecard`: the same services as the pages and the API."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from leadline.cli.main import app
from leadline.outcomes.models import KpiValue

runner = CliRunner()


def test_kpi_import_reports_lines_then_imports_and_the_scorecard_agrees_with_the_api(
    ow, tmp_path, api_for
):
    kpi = ow.kpi("Adoption", [ow.product, ow.it], target_value=50)
    bad = tmp_path / "bad.csv"
    bad.write_text("kpi,date,value\nAdoption,2026-01-31,x\n")
    r = runner.invoke(app, ["kpi", "import", str(bad), "-w", ow.workspace.slug])
    assert r.exit_code == 1 and "bad.csv:2: value: 'x' is not a number." in r.output
    good = tmp_path / "good.csv"
    good.write_text("kpi,date,value\nAdoption,2026-01-31,10\nAdoption,2026-02-28,60\n")
    r = runner.invoke(app, ["kpi", "import", str(good), "-w", ow.workspace.slug, "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["created"] == 2
    r = runner.invoke(app, ["kpi", "push", str(kpi.pk), "--value", "61", "--date", "2026-03-31",
                            "-w", ow.workspace.slug])  # fmt: skip
    assert r.exit_code == 0 and "1 new" in r.output
    assert KpiValue.objects.filter(kpi=kpi).count() == 3
    r = runner.invoke(app, ["scorecard", "-w", ow.workspace.slug, "--function", "IT", "--json"])
    card = json.loads(r.output)
    api = api_for(ow.lead).get(f"/api/v1/workspaces/{ow.workspace.slug}/scorecards?function=IT")
    assert card["rows"][0]["current"] == api.json()["rows"][0]["current"] == 61.0
    assert card["rows"][0]["status"] == api.json()["rows"][0]["status"] == "on_track"
    r = runner.invoke(app, ["kpi", "list", "-w", ow.workspace.slug])
    assert "Adoption" in r.output and "shared" in r.output
