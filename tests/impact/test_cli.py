"""`leadline before-after FILE.csv`: the analysis without a server, and clear errors for bad rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadline.cli.main import app

runner = CliRunner()
NILE = str(Path(__file__).parent / "nile.csv")


def run(*args: str) -> object:
    return runner.invoke(app, ["before-after", *args])


def test_the_cli_prints_the_fields_of_the_issue_as_json():
    out = run(NILE, "--detect", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    for key in ("at", "detected_at", "before", "after", "test", "shift"):
        assert key in data
    assert set(data["before"]) >= {"n", "median", "mean"}
    assert set(data["test"]) >= {"name", "statistic", "p_value"}
    assert set(data["shift"]) >= {"estimate", "low", "high"}
    assert data["at"] is None and data["detected_at"] == "1899-01-01"
    assert data["segments"] and data["regression"]["level_change"] < 0


def test_the_cli_splits_at_the_announced_date_and_shows_a_summary():
    out = run(NILE, "--at", "1899-01-01")
    assert out.exit_code == 0, out.output
    assert "Before: n=28" in out.output and "After: n=72" in out.output
    assert "Mann-Whitney" in out.output


def test_several_changes_are_listed(tmp_path):
    out = run(NILE, "--detect", "--changes", "3", "--json")
    data = json.loads(out.output)
    assert len(data["detection"]["changes"]) == 3 and len(data["segments"]) == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("when,amount\n2024-01-01,3\n", "line 1, header"),
        ("date,value\n2024-01-01,3\n2024-13-01,4\n", "line 3, date: '2024-13-01' is not a date"),
        ("date,value\n2024-01-01,3\n2024-01-02,four\n", "line 3, value: 'four' is not a number"),
        ("date,value\n2024-01-01,nan\n", "line 2, value: 'nan' is not a finite number"),
        ("date,value\n2024-01-01\n", "line 2, value: missing"),
        ("date,value\n", "line 2: no rows after the header"),
        ("date,value\n2024-01-01,1\n2024-01-02,2\n", "needs at least 4"),
    ],
)
def test_a_bad_file_is_refused_naming_the_line_and_field(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    out = run(str(path), "--detect", "--json")
    assert out.exit_code == 2
    assert message in " ".join((out.output + str(out.stderr)).split())


def test_without_a_date_or_detect_or_with_a_missing_file_it_says_what_to_give(tmp_path):
    out = run(NILE)
    assert out.exit_code == 2 and "--at DATE" in out.output + str(out.stderr)
    out = run(str(tmp_path / "none.csv"), "--detect")
    assert out.exit_code == 2 and "no such file" in out.output + str(out.stderr)
    out = run(NILE, "--at", "1899-02-30")
    assert out.exit_code == 2 and "not a date" in out.output + str(out.stderr)
