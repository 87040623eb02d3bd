"""Forecast methods: the calibrated method keeps its promise where independent days cannot,
no forecast peeks past its as-of date, and the track record says when history is too short."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from leadline.flow import backtest
from leadline.flow.methods import (
    MIN_TRACK_RECORD,
    forecast_with_method,
    learn_levels,
    replay,
)

D0 = date(2024, 1, 1)
PCTS = (50, 70, 85, 95)


def _weeks_on_off(seed: int, weeks: int) -> np.ndarray:
    """Bursts and stalls: each week independently a busy week (4 or 5 items every day) or a
    stalled one (nothing), half and half. Days within a week are as dependent as can be."""
    rng = np.random.default_rng(seed)
    busy = rng.random(weeks) < 0.5
    per_day = rng.integers(4, 6, size=weeks * 7)
    return np.repeat(busy, 7) * per_day


def _frame(series: dict[str, np.ndarray]) -> pl.DataFrame:
    parts = [
        pl.DataFrame(
            {"team": name, "day": [D0 + timedelta(days=i) for i in range(s.size)], "count": s},
            schema={"team": pl.Utf8, "day": pl.Date, "count": pl.Int64},
        )
        for name, s in series.items()
    ]
    return pl.concat(parts)


def _rates(result) -> dict[tuple[str, int], float]:
    return {
        (r["question"], r["percentile"]): r["hit_rate"]
        for r in result.calibration.iter_rows(named=True)
    }


def test_bursts_and_stalls_break_independent_days_and_the_calibrated_method_keeps_its_promise():
    # 14 days ahead hold two weeks: nothing (1/4), one busy week (1/2) or two (1/4). Drawing
    # days independently makes the sum far narrower than that (about 31 +- 9 items), so its
    # 85 % answer (about 22 items) is beaten only when a busy week comes: 3 times in 4.
    teams = {f"t{k}": _weeks_on_off(seed=k, weeks=130) for k in range(4)}
    daily = _frame(teams)
    options = dict(every_days=14, window_days=84, horizon_days=14, items=10, trials=400, seed=0)
    old = _rates(backtest(daily, method="independent_days", **options))
    new = _rates(backtest(daily, method="calibrated_blocks", **options))
    assert old[("how_many", 85)] < 0.80 and old[("how_many", 95)] < 0.85
    for p in PCTS:
        assert abs(new[("how_many", p)] - p / 100) <= 0.06, (p, new)
    for p in (85, 95):
        assert abs(new[("how_many", p)] - p / 100) < abs(old[("how_many", p)] - p / 100)


def test_changing_the_data_after_an_as_of_date_changes_no_forecast_made_at_it():
    rng = np.random.default_rng(7)
    series = rng.poisson(rng.uniform(0.2, 2.5, size=40).repeat(14))
    cut = 400  # the as-of day index: forecasts at and before it must not move
    changed = series.copy()
    changed[cut + 1 :] = rng.poisson(5.0, size=series.size - cut - 1)
    assert not np.array_equal(series[cut + 1 :], changed[cut + 1 :])
    for method in ("calibrated_blocks", "week_blocks", "independent_days"):
        before = backtest(_frame({"t": series}), every_days=7, trials=300, method=method)
        after = backtest(_frame({"t": changed}), every_days=7, trials=300, method=method)
        known = pl.col("as_of") <= D0 + timedelta(days=cut)
        a = before.rows.filter(known).select("as_of", "question", "percentile", "forecast")
        b = after.rows.filter(known).select("as_of", "question", "percentile", "forecast")
        assert a.height > 100 and a.equals(b), method
    # The correction state itself: the levels learned at each as-of day up to the cut.
    days = list(range(83, cut + 1, 7))
    kw = dict(window_days=84, horizon=14, items=10, trials=300, seed=0, percentiles=PCTS,
              method="calibrated_blocks")  # fmt: skip
    one, two = replay(series, days, **kw), replay(changed, days, **kw)
    assert [lv.when for lv in one.levels if lv] == [lv.when for lv in two.levels if lv]
    assert [lv.how_many for lv in one.levels if lv] == [lv.how_many for lv in two.levels if lv]
    assert any(lv.when[85] != 0.85 for lv in one.levels if lv)  # something was learned
    # And learn_levels is only ever handed the days up to the as-of day.
    levels = learn_levels(one.past[:-1], series[: days[-1] + 1], horizon=14, items=10,
                          percentiles=PCTS)  # fmt: skip
    assert levels == one.levels[-1]


def test_the_track_record_states_the_teams_own_hit_rate_or_too_little_history():
    rng = np.random.default_rng(3)
    long = rng.poisson(1.2, size=84 + 400)
    made = forecast_with_method(long, window_days=84, horizon=14, items=10, trials=2_000,
                                seed=0, history_trials=300)  # fmt: skip
    assert made.method == "calibrated_blocks"
    for question in ("how_many", "when"):
        record = made.track[question]
        assert record.enough and record.forecasts >= MIN_TRACK_RECORD
        assert record.text == (
            f"On this team's last {record.forecasts} forecasts, 85 % answers came true "
            f"{round(record.hit_rate * 100)} % of the time (calibrated_blocks)."
        )
    short = rng.poisson(1.2, size=84 + 30)  # a few weekly past forecasts, none judged enough
    made = forecast_with_method(short, window_days=84, horizon=14, items=10, trials=2_000,
                                seed=0, history_trials=300)  # fmt: skip
    for record in made.track.values():
        assert not record.enough and record.hit_rate is None
        assert record.forecasts < MIN_TRACK_RECORD
        assert record.text.startswith("Too little history to judge:")
        assert f"({MIN_TRACK_RECORD} needed)" in record.text


def test_without_history_the_calibrated_method_reads_the_blocks_uncorrected():
    rng = np.random.default_rng(5)
    window = rng.poisson(1.0, size=84)
    made = forecast_with_method(window, window_days=84, horizon=14, items=10, trials=4_000,
                                seed=0)  # fmt: skip
    blocks = forecast_with_method(window, window_days=84, horizon=14, items=10, trials=4_000,
                                  seed=0, method="week_blocks")  # fmt: skip
    assert made.levels is not None and made.levels.when == {p: p / 100 for p in PCTS}
    assert (made.when, made.how_many) == (blocks.when, blocks.how_many)


def test_independent_days_by_name_gives_todays_answers():
    from leadline.flow import forecast_how_many, forecast_when

    rng = np.random.default_rng(11)
    window = rng.poisson(0.8, size=84)
    made = forecast_with_method(window, window_days=84, horizon=28, items=20, trials=5_000,
                                seed=4, method="independent_days")  # fmt: skip
    assert made.when == forecast_when(window, 20, trials=5_000, seed=4).days
    assert made.how_many == forecast_how_many(window, 28, trials=5_000, seed=4).items


def test_an_unknown_method_is_named():
    with pytest.raises(ValueError, match="method must be one of calibrated_blocks"):
        forecast_with_method([1, 2, 3], window_days=3, horizon=1, items=1, trials=10, seed=0,
                             method="magic")  # fmt: skip


def test_week_blocks_draw_chains_of_whole_blocks():
    # A brute-force chain of circular 7-day blocks, day by day, gives the same distribution.
    from leadline.flow.methods import block_outcomes

    window = np.array([0, 0, 3, 1, 0, 5, 0, 2, 0, 0, 0, 1, 4, 0])
    totals, days = block_outcomes(window, 10, 12, 100_000, np.random.default_rng(0))
    rng = np.random.default_rng(1)
    starts = rng.integers(0, window.size, size=(100_000, 12))
    path = window[(starts[:, :, None] + np.arange(7)) % window.size].reshape(100_000, -1)
    running = np.cumsum(path, axis=1)
    brute_days = (running < 12).sum(axis=1) + 1
    brute_totals = running[:, 9]
    for q in (50, 70, 85, 95):
        assert abs(np.percentile(days, q) - np.percentile(brute_days, q)) <= 1
        assert abs(np.percentile(totals, 100 - q) - np.percentile(brute_totals, 100 - q)) <= 1
    assert abs(days.mean() - brute_days.mean()) < 0.1
    assert abs(totals.mean() - brute_totals.mean()) < 0.1
    # Nothing in the window: never; no items: day 0.
    assert block_outcomes(np.zeros(14, int), 5, 3, 10, np.random.default_rng(0))[1] is None
    assert not block_outcomes(window, 5, 0, 10, np.random.default_rng(0))[1].any()
