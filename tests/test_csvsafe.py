"""Every CSV Leadline writes makes formula cells inert, and reading them back restores them."""

from __future__ import annotations

import csv
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from leadline import csvsafe
from leadline.cli import app

FORMULA = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # a quote already there gets another, so reading back is exact
        ("-1", "-1"),  # plain numbers are not formulas
        ("+2.5", "+2.5"),
        ("-3e-4", "-3e-4"),
        ("PROJ-1", "PROJ-1"),
        ("'hello", "'hello"),
        ("", ""),
    ],
)
def test_a_formula_like_text_cell_gets_a_quote_and_a_number_does_not(cell, written):
    assert csvsafe.neutralise(cell) == written
    assert csvsafe.restore(written) == cell


@given(st.text() | st.from_regex(r"[=+\-@\t\r'][0-9.e+\-]*", fullmatch=True))
def test_any_text_reads_back_exactly_and_is_never_a_formula(text):
    written = csvsafe.neutralise(text)
    assert csvsafe.restore(written) == text
    is_number = re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", written) is not None
    assert is_number or written[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_non_text_cells_pass_through_unchanged():
    assert csvsafe.neutralise(-1) == -1 and csvsafe.neutralise(None) is None


def test_a_polars_frame_is_neutralised_in_its_text_columns_only(tmp_path):
    import polars as pl

    frame = pl.DataFrame({"key": ["=1+1", "A-1", "-5"], "days": [-1, 2, 3], "x": [-1.5, 0.0, 1.0]})
    path = tmp_path / "out.csv"
    csvsafe.write_frame(frame, path)
    assert path.read_text().splitlines() == ["key,days,x", "'=1+1,-1,-1.5", "A-1,2,0.0", "-5,3,1.0"]


def test_analyze_outputs_neutralise_text_and_keep_negative_numbers(tmp_path):
    items = tmp_path / "items.csv"
    items.write_text(
        "key,type,created,started,finished\n"
        "=1+1,@Bug,2024-01-01,2024-01-02,2024-01-05\n"
        "A-2,Story,2024-01-01,2024-01-03,2024-01-04\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["analyze", str(items), "--source", "csv", "-o", str(out), "--as-of", "2024-01-10"]
    )
    assert result.exit_code == 0, result.output
    cycle = list(csv.DictReader((out / "cycle_times.csv").open()))
    assert [(r["key"], r["type"]) for r in cycle] == [("'=1+1", "'@Bug"), ("A-2", "Story")]
    # Numbers stay numbers: the percentiles' team/type values are text, the days are not.
    text = (out / "percentiles.csv").read_text()
    assert "'@Bug" in text and "=1+1" not in text.replace("'=1+1", "")


def test_the_csv_import_reads_a_leadline_export_back_exactly(tmp_path):
    from leadline.connectors.csv import read_work_items

    path = tmp_path / "items.csv"
    path.write_text(
        csvsafe.to_text(
            ["key", "title", "created"],
            [["=1+1", "'=quoted", "2024-01-01"], ["A-2", "'plain", "2024-01-02"]],
        )
    )
    assert path.read_text().splitlines()[1] == "'=1+1,''=quoted,2024-01-01"
    records = list(read_work_items(path))
    assert [(r.key, r.title) for r in records] == [("=1+1", "'=quoted"), ("A-2", "'plain")]


def test_synthetic_csv_files_go_through_the_one_writer(tmp_path):
    from datetime import UTC, datetime

    from leadline.records import WorkItemRecord
    from leadline.synth import write_csv

    when = datetime(2024, 1, 1, tzinfo=UTC)
    item = WorkItemRecord(source="s", key="=HYPERLINK()", title="-x", created=when, status="To Do")
    path = tmp_path / "s.csv"
    write_csv([item], path)
    row = next(csv.DictReader(path.open()))
    assert (row["key"], row["title"]) == ("'=HYPERLINK()", "'-x")


def test_analyze_names_a_foreign_byte_and_reads_the_file_with_encoding(tmp_path):
    items = tmp_path / "latin.csv"
    items.write_bytes(
        "key,title,created,finished\nA-1,Café,2024-01-01,2024-01-05\n".encode("latin-1")
    )
    out = tmp_path / "out"
    args = ["analyze", str(items), "--source", "csv", "-o", str(out), "--as-of", "2024-01-10"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "latin.csv line 2, column 8, field 'title': byte 0xe9" in " ".join(result.output.split())
    result = CliRunner().invoke(app, [*args, "--encoding", "latin-1"])
    assert result.exit_code == 0, result.output
    assert "A-1" in (out / "cycle_times.csv").read_text()
