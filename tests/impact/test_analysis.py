"""The engine against published worked examples and a published series with a known change."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from leadline.impact import analysis
from leadline.impact.analysis import AnalysisError, analyse

HERE = Path(__file__).parent

# Hollander, M. & Wolfe, D. A. (1973), Nonparametric Statistical Methods, Wiley, pp. 69f
# (also the worked example of R's wilcox.test): permeability constants of the human
# chorioamnion at term (x) and between 12 and 26 weeks of gestation (y).
HW_X = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
HW_Y = [1.15, 0.88, 0.90, 0.74, 1.21]


def test_mann_whitney_matches_hollander_and_wolfe():
    # Published: W (= U of x) = 35, exact one-sided p = 0.1272, so two-sided p = 0.2544; the
    # large-sample approximation without continuity correction gives one-sided p = 0.1103.
    result = analysis.mann_whitney(np.array(HW_X), np.array(HW_Y))
    assert result["statistic"] == 35
    assert result["method"] == "exact"
    assert result["p_value"] == pytest.approx(2 * 0.1272, abs=5e-4)
    # U of the other sample is n1 n2 - U.
    assert analysis.mann_whitney(np.array(HW_Y), np.array(HW_X))["statistic"] == 50 - 35


def test_hodges_lehmann_matches_hollander_and_wolfe():
    # Published (Hollander & Wolfe's example 4.2, R's wilcox.test(x, y, conf.int = TRUE)):
    # the estimate of the shift x - y is 0.305.
    assert analysis.hodges_lehmann(np.array(HW_Y), np.array(HW_X)) == pytest.approx(0.305)
    shift = analysis.shift(np.array(HW_Y), np.array(HW_X))
    assert shift["estimate"] == pytest.approx(0.305)
    assert shift["low"] < 0.305 < shift["high"]
    # Seeded: the same data gives the same interval; another seed another one.
    assert analysis.shift(np.array(HW_Y), np.array(HW_X)) == shift
    assert analysis.shift(np.array(HW_Y), np.array(HW_X), seed=1) != shift


def test_hodges_lehmann_of_large_samples_is_the_exact_median_of_all_differences():
    rng = np.random.default_rng(3)
    for n2 in (1500, 1501):  # an even and an odd number of pairs
        x, y = rng.normal(0, 1, 1000), rng.normal(0.5, 1, n2)
        assert analysis.hodges_lehmann(x, y) == pytest.approx(np.median(np.subtract.outer(y, x)))


def nile() -> tuple[list[date], list[float]]:
    with (HERE / "nile.csv").open() as f:
        rows = list(csv.DictReader(f))
    return [date.fromisoformat(r["date"]) for r in rows], [float(r["value"]) for r in rows]


def test_the_nile_changes_in_1899_when_the_aswan_dam_was_begun():
    # The annual flow of the Nile at Aswan, 1871-1970 (10^8 m^3; R's datasets::Nile, from
    # Durbin & Koopman 2001; public domain). Cobb (1978), "The problem of the Nile: conditional
    # solution to a changepoint problem", Biometrika 65(2): 243-251, documents the drop in
    # mean after 1898 (the first Aswan dam was begun in 1898); so 1899 is the first year after.
    dates, values = nile()
    assert len(values) == 100
    result = analyse(dates, values, detect=True)
    assert result["detected_at"] == "1899-01-01"
    assert (result["before"]["n"], result["after"]["n"]) == (28, 72)
    assert result["before"]["mean"] == pytest.approx(1097.75)
    assert result["after"]["mean"] == pytest.approx(849.97, abs=0.01)
    assert result["test"]["p_value"] < 1e-6
    assert result["shift"]["high"] < 0 < result["before"]["median"]
    # The segmented regression's level change is the jump at 1899: about -250 to -300.
    assert -320 < result["regression"]["level_change"] < -230
    # Given an announced date a few years off, the strongest change near it is still 1899.
    near = analyse(dates, values, at=date(1902, 1, 1), window_days=5 * 366)
    assert near["detected_at"] == "1899-01-01" and near["detection"]["lag_days"] < 0
    assert near["split_at"] == "1902-01-01" and near["split_by"] == "announced"
    # Several changes: 1899 is among them, and the segments cover every observation.
    three = analyse(dates, values, detect=True, changes=3)
    assert "1899-01-01" in three["detection"]["changes"]
    assert len(three["segments"]) == 4 and sum(s["n"] for s in three["segments"]) == 100


def test_a_step_with_a_slope_change_reads_level_and_slope_by_segmented_regression():
    start = date(2024, 1, 1)
    dates = [start + timedelta(days=k) for k in range(60)]
    values = [10 + 0.5 * k if k < 30 else 30 + 0.5 * 30 - 1.0 * (k - 30) for k in range(60)]
    r = analyse(dates, values, at=dates[30])
    assert r["regression"]["slope_before_per_day"] == pytest.approx(0.5)
    assert r["regression"]["slope_after_per_day"] == pytest.approx(-1.0)
    assert r["regression"]["slope_change_per_day"] == pytest.approx(-1.5)
    # Just before the split the line is at 10 + 0.5 * 30 = 25; just after at 45: a jump of 20.
    assert r["regression"]["level_change"] == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "at"),
        ({"at": date(2030, 1, 1)}, "at"),  # nothing after it
        ({"detect": True, "changes": 0}, "changes"),
        ({"detect": True, "window_days": 0}, "window"),
        ({"detect": True, "at": date(1800, 1, 1), "window_days": 10}, "window"),
    ],
)
def test_input_it_cannot_use_is_refused_naming_the_field(kwargs, field):
    dates, values = nile()
    with pytest.raises(AnalysisError) as err:
        analyse(dates, values, **kwargs)
    assert err.value.field == field


def test_too_few_observations_are_refused():
    with pytest.raises(AnalysisError, match="needs at least 4"):
        analyse([date(2024, 1, d) for d in (1, 2, 3)], [1, 2, 3], detect=True)


def test_the_fast_l2_cost_gives_ruptures_own_numbers():
    import ruptures as rpt

    y = np.random.default_rng(2).normal(0, 1, 50)
    fast = analysis.cost_l2_sums()().fit(y)
    slow = rpt.costs.CostL2().fit(y.reshape(-1, 1))
    for start, end in [(0, 50), (0, 2), (3, 40), (10, 11), (25, 50)]:
        assert fast.error(start, end) == pytest.approx(slow.error(start, end), abs=1e-9)
