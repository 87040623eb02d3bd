"""Monte Carlo forecasts agree with exact answers (published oracles and our own convolution)."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from leadline.flow import forecast_how_many, forecast_when
from leadline.flow.forecast import sample_sums, team_rng

PEERS = Path(__file__).resolve().parent.parent / "fixtures" / "peers"
ORACLES = {
    c["id"]: c
    for c in json.loads((PEERS / "forecast-oracles" / "forecast-oracles.json").read_text())["cases"]
}


def _tawos_window(name: str, days: int = 84) -> np.ndarray:
    """Return the 84-day window of real daily throughput holding the most finished issues."""
    finished = [
        date.fromisoformat(x) for x in (PEERS / "tawos" / f"{name}.csv").read_text().split()
    ]
    first = min(finished)
    daily = np.bincount([(d - first).days for d in finished])
    sums = np.convolve(daily, np.ones(days, dtype=np.int64), mode="valid")
    start = int(np.argmax(sums))
    return daily[start : start + days]


def _pmf(samples: np.ndarray) -> np.ndarray:
    return np.bincount(samples) / samples.size


def exact_when(samples: np.ndarray, items: int, qs) -> dict[int, int]:
    """Smallest n with P(S_n >= items) >= q, by convolution (mass >= items folded into one cell)."""
    f = _pmf(samples)
    dist = np.zeros(items + 1)
    dist[0] = 1.0
    out: dict[int, int] = {}
    n = 0
    while len(out) < len(qs):
        n += 1
        nxt = np.convolve(dist[:items], f)
        folded = np.zeros(items + 1)
        folded[:items] = nxt[:items]
        folded[items] = dist[items] + nxt[items:].sum()
        dist = folded
        for q in qs:
            if q not in out and dist[items] >= q / 100 - 1e-12:
                out[q] = n
    return out


def exact_how_many(samples: np.ndarray, days: int, qs) -> dict[int, int]:
    """Largest k with P(S_days >= k) >= q, by convolution."""
    f = _pmf(samples)
    dist = np.array([1.0])
    for _ in range(days):
        dist = np.convolve(dist, f)
    tail = np.cumsum(dist[::-1])[::-1]  # tail[k] = P(S >= k)
    return {q: int(np.nonzero(tail >= q / 100 - 1e-12)[0].max()) for q in qs}


QS = (50, 70, 85, 95)


def test_when_matches_the_exact_oracle_for_published_inputs():
    case = ORACLES["thrivve-example-inputs"]
    got = forecast_when(case["inputs"]["daily_throughput_samples"], 100, trials=100_000, seed=7)
    expected = {int(k): v for k, v in case["exact"]["when_100_days"].items()}
    assert all(abs(got.days[q] - expected[q]) <= 1 for q in QS)


def test_how_many_matches_the_exact_oracle_for_published_inputs():
    case = ORACLES["thrivve-example-inputs"]
    got = forecast_how_many(case["inputs"]["daily_throughput_samples"], 65, trials=100_000, seed=7)
    expected = {int(k): v for k, v in case["exact"]["how_many_in_65_days"].items()}
    for q in QS:
        assert abs(got.items[q] - expected[q]) <= max(1, 0.01 * expected[q])


def test_probability_of_more_than_500_items_in_366_days_matches_the_oracle():
    case = ORACLES["lucasfcosta-D-500-in-366-days"]
    got = forecast_how_many(case["inputs"]["daily_throughput_samples"], 366, trials=100_000)
    p = got.probability_at_least(case["inputs"]["threshold_exclusive"] + 1)
    assert abs(p - case["exact"]["probability"]) < 0.005


@pytest.mark.parametrize(
    "case_id", ["lucasfcosta-A-uniform-durations", "lucasfcosta-B-empirical-durations"]
)
def test_sum_of_item_durations_matches_the_oracle(case_id):
    case = ORACLES[case_id]
    inputs = case["inputs"]
    durations = inputs.get("duration_samples_days") or list(range(2, 11))
    sums = sample_sums(durations, inputs["items"], 200_000, np.random.default_rng(3))
    p = float(np.mean(sums <= inputs["deadline_days"]))
    assert abs(p - case["exact"]["probability"]) < case["suggested_tolerance_abs"]


@pytest.mark.parametrize("project", ["Apache_Usergrid", "Atlassian_Clover", "Spring_XD"])
@pytest.mark.parametrize("method", ["negbin", "daily"])
def test_when_is_within_a_day_of_exact_convolution_on_real_throughput(project, method):
    samples = _tawos_window(project)
    # Each chosen project finishes work in its window; an empty window would test nothing.
    assert samples.sum() > 0
    items = max(5, int(samples.sum() // 2))
    got = forecast_when(samples, items, trials=100_000, seed=11, method=method)
    exact = exact_when(samples, items, QS)
    assert all(abs(got.days[q] - exact[q]) <= 1 for q in QS), (got.days, exact)


@pytest.mark.parametrize("project", ["Apache_Usergrid", "Atlassian_Clover", "Spring_XD"])
@pytest.mark.parametrize("days", [14, 42])
def test_how_many_is_within_one_percent_of_exact_convolution_on_real_throughput(project, days):
    samples = _tawos_window(project)
    got = forecast_how_many(samples, days, trials=100_000, seed=5)
    exact = exact_how_many(samples, days, QS)
    for q in QS:
        assert abs(got.items[q] - exact[q]) <= max(1, math.floor(0.01 * exact[q])), (
            got.items,
            exact,
        )


def test_negative_binomial_and_daily_simulation_agree():
    samples = np.array([0, 0, 0, 1, 0, 2, 0, 0, 4, 0, 1, 0, 0, 3])
    a = forecast_when(samples, 40, trials=50_000, method="negbin", seed=1)
    b = forecast_when(samples, 40, trials=50_000, method="daily", seed=2)
    assert all(abs(a.days[q] - b.days[q]) <= 1 for q in QS)
    assert abs(a.outcomes.mean() - b.outcomes.mean()) < 0.02 * b.outcomes.mean()


def test_same_seed_gives_the_same_forecast_and_states_its_inputs():
    samples = [0, 1, 2, 0, 3, 1, 0]
    a = forecast_when(samples, 20, seed=42, start=date(2024, 1, 1))
    b = forecast_when(samples, 20, seed=42, start=date(2024, 1, 1))
    assert a.days == b.days and np.array_equal(a.outcomes, b.outcomes)
    assert a.inputs.trials == 10_000 and a.inputs.seed == 42 and a.inputs.window_days == 7
    assert a.inputs.total_items == 7 and a.inputs.zero_days == 3
    assert a.dates[50] == date(2024, 1, 1) + timedelta(days=a.days[50] - 1)


def test_a_team_gets_the_same_forecast_alone_or_with_other_teams():
    teams = {"a": [1, 0, 2, 0], "b": [3, 1, 0, 0], "c": [0, 0, 0, 1]}
    together = forecast_when(teams, {"a": 10, "b": 12, "c": 3}, seed=9)
    alone = forecast_when({"b": teams["b"]}, 12, seed=9)
    assert together["b"].days == alone["b"].days
    many = forecast_how_many(teams, 30, seed=9)
    assert set(many) == {"a", "b", "c"}


def test_no_throughput_cannot_finish_and_zero_items_are_done_at_once():
    assert forecast_when([0, 0, 0], 5).days == {q: None for q in QS}
    assert forecast_when([1, 2], 0).days == {q: 0 for q in QS}


def test_finishing_on_the_first_day_counts_as_day_one():
    got = forecast_when([5], 3, trials=100)
    assert got.days == {q: 1 for q in QS}
    assert forecast_how_many([2], 10, trials=100).items == {q: 20 for q in QS}


def test_team_streams_differ_between_teams():
    assert team_rng(1, "a").integers(0, 1 << 30) != team_rng(1, "b").integers(0, 1 << 30)


def test_backtest_on_real_throughput_is_roughly_calibrated():
    import polars as pl

    from leadline.flow import backtest

    finished = [
        date.fromisoformat(x) for x in (PEERS / "tawos" / "Spring_XD.csv").read_text().split()
    ]
    daily = (
        pl.DataFrame({"team": "xd", "day": finished})
        .group_by("team", "day")
        .agg(count=pl.len().cast(pl.Int64))
    )
    result = backtest(daily, every_days=14, trials=1_000, items=20)
    cal = {
        (r["question"], r["percentile"]): r["hit_rate"]
        for r in result.calibration.iter_rows(named=True)
    }
    assert result.rows.height > 100 and set(cal) >= {("how_many", 85), ("when", 85)}
    # Real throughput is not i.i.d., so only check ordering and sanity, not exact calibration.
    assert cal[("how_many", 95)] >= cal[("how_many", 50)]
    assert cal[("when", 95)] >= cal[("when", 50)]


# --- several groups (epics) worked through in priority order ---------------------------------


@pytest.mark.parametrize("method", ["negbin", "daily"])
def test_groups_in_order_match_the_exact_answer_for_their_cumulative_items(method):
    from leadline.flow.forecast import forecast_when_in_order

    samples = _tawos_window("Spring_XD")
    got = forecast_when_in_order(samples, [4, 0, 9, 15], trials=100_000, seed=3, method=method)
    assert got.cumulative == (4, 4, 13, 28)
    for group, items in ((0, 4), (2, 13), (3, 28)):
        exact = exact_when(samples, items, QS)
        assert all(abs(got.days[group][q] - exact[q]) <= 1 for q in QS), (group, got.days, exact)
    assert got.days[1] == {q: 0 for q in QS}
    # The same trials: in every trial a later group finishes no earlier than the one before.
    worked = got.outcomes[[0, 2, 3]]
    assert (worked[1:] >= worked[:-1]).all()
    assert got.inputs.trials == 100_000 and got.inputs.method == method


@pytest.mark.parametrize("method", ["negbin", "daily"])
def test_one_group_with_work_is_the_plain_when_forecast(method):
    from leadline.flow.forecast import forecast_when_in_order

    samples = [0, 2, 1, 0, 0, 3, 1, 0, 2, 0, 1]
    alone = forecast_when(samples, 23, seed=8, method=method, start=date(2025, 3, 2))
    grouped = forecast_when_in_order(
        samples, [0, 23, 0], seed=8, method=method, start=date(2025, 3, 2)
    )
    assert np.array_equal(grouped.outcomes[1], alone.outcomes)
    assert grouped.days[1] == alone.days and grouped.dates[1] == alone.dates
    # Done groups are dated the as-of date: the day before the first forecast day.
    assert set(grouped.dates[0].values()) == {date(2025, 3, 1)}


def test_groups_without_throughput_never_finish_and_bad_input_is_refused():
    from leadline.flow.forecast import forecast_when_in_order

    got = forecast_when_in_order([0, 0, 0], [2, 0, 1], trials=100)
    assert got.days == [{q: None for q in QS}, {q: 0 for q in QS}, {q: None for q in QS}]
    assert forecast_when_in_order([1, 2], [], trials=10).days == []
    with pytest.raises(ValueError):
        forecast_when_in_order([1, 2], [3, -1])
    with pytest.raises(ValueError):
        forecast_when_in_order([1, 2], [3], trials=0)
