"""`leadline cadence list` and `leadline pack generate` (md, json, pdf to a file)."""

from __future__ import annotations

import json

from pypdf import PdfReader
from typer.testing import CliRunner

from leadline.cli.main import app

runner = CliRunner()


def test_cadence_list_prints_the_tiers_with_their_next_meetings(cw):
    out = runner.invoke(app, ["cadence", "list", "-w", "acme", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert [r["tier"] for r in rows] == ["team", "stakeholder", "milestone", "steering"]
    assert "Weekly" in runner.invoke(app, ["cadence", "list", "-w", "acme"]).output


def test_pack_generate_writes_each_format_and_refuses_bad_options(cw, tmp_path):
    md = runner.invoke(
        app, ["pack", "generate", "-w", "acme", "--tier", "team", "--team", "checkout"]
    )
    assert md.exit_code == 0, md.output
    assert md.output.startswith("# Weekly team status — Checkout")
    js = runner.invoke(
        app, ["pack", "generate", "-w", "acme", "--tier", "steering", "--format", "json"]
    )
    assert json.loads(js.output)["tier"] == "steering"
    target = tmp_path / "pack.pdf"
    pdf = runner.invoke(app, ["pack", "generate", "-w", "acme", "--tier", "milestone", "--format", "pdf",
                              "--out", str(target), "--as-of", "2026-01-05"])  # fmt: skip
    assert pdf.exit_code == 0, pdf.output
    assert "Monthly milestone review" in PdfReader(str(target)).pages[0].extract_text()
    for args, message in [
        (["--tier", "nope"], "--tier"),
        (["--tier", "team", "--team", "nope"], "--team"),
        (["--tier", "team", "--as-of", "someday"], "--as-of"),
        (["--tier", "team", "--format", "doc"], "--format"),
    ]:
        bad = runner.invoke(app, ["pack", "generate", "-w", "acme", *args])
        assert bad.exit_code == 1 and message in (bad.output + str(bad.stderr)), args
