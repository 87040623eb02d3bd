"""`leadline forecast backtest`: files (several pooled) or database teams, JSON shape, methods."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from leadline.cli import app
from tests.epic_data import build_epic_workspace


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["forecast", "backtest", *args])
    return result.exit_code, result.output


def _file(tmp_path, name: str, seed: int, days: int = 400):
    counts = np.random.default_rng(seed).poisson(1.0, size=days)
    path = tmp_path / name
    path.write_text("\n".join(map(str, counts)) + "\n")
    return str(path)


def test_json_shape_and_several_files_are_pooled(tmp_path):
    one, two = _file(tmp_path, "a.csv", 1), _file(tmp_path, "b.csv", 2, days=300)
    common = ["--trials", "200", "--every", "14", "--json"]
    code, out = _run("--throughput", one, "--throughput", two, *common)
    assert code == 0, out
    data = json.loads(out)
    assert data["method"] == "calibrated_blocks"
    assert {(r["question"], r["percentile"]) for r in data["calibration"]} == {
        (q, p) for q in ("when", "how_many") for p in (50, 70, 85, 95)
    }
    for row in data["calibration"]:
        assert set(row) == {"question", "percentile", "forecasts", "hit_rate"}
        assert isinstance(row["forecasts"], int) and 0 <= row["hit_rate"] <= 1
    alone = [json.loads(_run("--throughput", f, *common)[1]) for f in (one, two)]
    pooled = {(r["question"], r["percentile"]): r for r in data["calibration"]}
    for key, row in pooled.items():
        parts = [next(r for r in a["calibration"] if (r["question"], r["percentile"]) == key)
                 for a in alone]  # fmt: skip
        assert row["forecasts"] == sum(p["forecasts"] for p in parts)
        hits = sum(p["hit_rate"] * p["forecasts"] for p in parts)
        assert row["hit_rate"] == pytest.approx(hits / row["forecasts"], abs=1e-3)
    # (400 - 84 - 14) / 14 + 1 = 22 as-of dates in the first file, 15 in the second.
    assert pooled[("how_many", 85)]["forecasts"] == 22 + 15


def test_the_method_is_chosen_by_name_and_a_bad_one_is_named(tmp_path):
    path = _file(tmp_path, "a.csv", 3)
    code, out = _run("--throughput", path, "--trials", "200", "--method", "independent_days",
                     "--window", "56", "--horizon", "7", "--items", "5", "--json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert data["method"] == "independent_days"
    assert data["settings"]["window"] == 56 and data["settings"]["items"] == 5
    code, out = _run("--throughput", path, "--method", "magic")
    assert code == 2 and "--method" in out and "calibrated_blocks" in " ".join(out.split())
    code, out = _run("--throughput", str(tmp_path / "missing.csv"))
    assert code == 2 and "no such file" in " ".join(out.split())


def test_teams_in_the_database_are_backtested_and_pooled(make_user, make_workspace):
    workspace, _ = build_epic_workspace(make_user, make_workspace)
    code, out = _run("--workspace", workspace.slug, "--team", "alpha", "--trials", "100",
                     "--every", "7", "--window", "14", "--horizon", "7", "--items", "3",
                     "--json")  # fmt: skip
    assert code == 0, out
    alpha = json.loads(out)
    assert alpha["teams"] == 1
    code, out = _run("--workspace", workspace.slug, "--team", "alpha,beta", "--trials", "100",
                     "--every", "7", "--window", "14", "--horizon", "7", "--items", "3",
                     "--json")  # fmt: skip
    both = json.loads(out)
    assert both["teams"] == 2
    first = {(r["question"], r["percentile"]): r["forecasts"] for r in alpha["calibration"]}
    for r in both["calibration"]:
        assert r["forecasts"] >= first.get((r["question"], r["percentile"]), 0)
    code, out = _run("--workspace", workspace.slug, "--team", "nope")
    assert code == 2 and "nope" in out
