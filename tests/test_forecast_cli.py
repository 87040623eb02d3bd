"""`leadline forecast when|how-many`: file plumbing, JSON shape, exact answers, clear errors."""

from __future__ import annotations

import json
import math

import numpy as np
from typer.testing import CliRunner

from leadline.cli import app
from tests.flow.test_forecast import exact_how_many, exact_when

QS = (50, 70, 85, 95)
DAILY = [0, 2, 1, 0, 0, 3, 1, 0, 2, 0, 1, 1, 0, 4, 0, 0, 1, 2, 0, 1, 0]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["forecast", *args])
    return result.exit_code, result.output


def _counts_file(tmp_path, header: bool = True):
    path = tmp_path / "throughput.csv"
    path.write_text(("count\n" if header else "") + "\n".join(map(str, DAILY)) + "\n")
    return path


def test_when_json_states_percentiles_and_inputs_and_matches_exact_convolution(tmp_path):
    path = _counts_file(tmp_path)
    code, out = _run("when", "--items", "12", "--throughput", str(path), "--trials", "40000",
                     "--json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert list(data["percentiles"]) == ["50", "70", "85", "95"]
    assert data["items"] == 12
    assert data["inputs"]["trials"] == 40_000 and data["inputs"]["seed"] == 0
    assert data["inputs"]["window_days"] == len(DAILY)
    assert data["inputs"]["total_items"] == sum(DAILY)
    exact = exact_when(np.array(DAILY), 12, QS)
    assert all(abs(data["percentiles"][str(q)] - exact[q]) <= 1 for q in QS), (data, exact)


def test_how_many_reads_downward_and_matches_exact_convolution(tmp_path):
    path = _counts_file(tmp_path, header=False)
    code, out = _run("how-many", "--days", "30", "--throughput", str(path), "--trials", "40000",
                     "--json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    got = [data["percentiles"][str(q)] for q in QS]
    assert got == sorted(got, reverse=True)
    exact = exact_how_many(np.array(DAILY), 30, QS)
    for q in QS:
        assert abs(data["percentiles"][str(q)] - exact[q]) <= max(1, math.floor(0.02 * exact[q]))


def test_finish_dates_are_counted_per_day_with_zero_days(tmp_path):
    path = tmp_path / "finished.csv"
    path.write_text("finished\n2024-03-01\n2024-03-01\n2024-03-04\n")
    code, out = _run("how-many", "--days", "10", "--throughput", str(path), "--window", "7",
                     "--json")  # fmt: skip
    assert code == 0, out
    inputs = json.loads(out)["inputs"]
    assert inputs["file_holds"] == "dates"
    assert (inputs["window_start"], inputs["window_end"]) == ("2024-02-27", "2024-03-04")
    assert inputs["total_items"] == 3 and inputs["zero_days"] == 5


def test_the_window_takes_the_latest_days(tmp_path):
    path = _counts_file(tmp_path)
    code, out = _run("when", "--items", "3", "--throughput", str(path), "--window", "5", "--json")
    assert code == 0
    assert json.loads(out)["inputs"]["total_items"] == sum(DAILY[-5:])


def test_same_seed_same_answer_and_a_table_without_json(tmp_path):
    path = _counts_file(tmp_path)
    a = _run("when", "--items", "9", "--throughput", str(path), "--seed", "3", "--json")[1]
    b = _run("when", "--items", "9", "--throughput", str(path), "--seed", "3", "--json")[1]
    assert a == b
    code, out = _run("when", "--items", "9", "--throughput", str(path))
    assert code == 0 and "85%" in out and "10,000 trials" in out


def test_no_throughput_never_finishes(tmp_path):
    path = tmp_path / "zeros.csv"
    path.write_text("0\n0\n0\n")
    code, out = _run("when", "--items", "2", "--throughput", str(path), "--json")
    assert code == 0
    assert json.loads(out)["percentiles"] == {"50": None, "70": None, "85": None, "95": None}


def test_a_non_number_line_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("count\n1\n2\nthree\n4\n")
    code, out = _run("when", "--items", "5", "--throughput", str(path))
    assert code == 2
    assert "bad.csv line 4" in out and "'three' is not a number" in out


def test_a_negative_count_and_a_missing_file_are_errors(tmp_path):
    path = tmp_path / "neg.csv"
    path.write_text("1\n-2\n")
    code, out = _run("how-many", "--days", "5", "--throughput", str(path))
    assert code == 2 and "neg.csv line 2" in out
    code, out = _run("how-many", "--days", "5", "--throughput", str(tmp_path / "nope.csv"))
    assert code == 2 and "no such file" in out


def test_a_source_is_required(tmp_path):
    code, out = _run("when", "--items", "5")
    assert code == 2 and "--throughput" in out
