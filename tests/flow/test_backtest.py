"""Backtests count a past "when" forecast whose date passed with the items not done as a miss;
only answers the data cannot judge yet are left out, and counted."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from leadline.flow import backtest

D0 = date(2025, 1, 1)


def _daily(counts: list[int], team: str = "t") -> pl.DataFrame:
    return pl.DataFrame(
        {"team": team, "day": [D0 + timedelta(days=i) for i in range(len(counts))],
         "count": counts},
        schema={"team": pl.Utf8, "day": pl.Date, "count": pl.Int64},
    )  # fmt: skip


def _by_question(result) -> dict[tuple[str, int], dict]:
    return {(r["question"], r["percentile"]): r for r in result.calibration.iter_rows(named=True)}


def test_a_forecast_date_that_passed_with_the_items_not_done_is_a_miss():
    # One item a day for 70 days, then nothing for 30 days (the data ends on day 99).
    daily = _daily([1] * 70 + [0] * 30)
    result = backtest(daily, window_days=28, horizon_days=14, items=10, trials=2_000)
    when = result.rows.filter(pl.col("question") == "when")
    # as_of days 27, 34, ..., 83: the first five finish 10 items in exactly 10 days (hits).
    # From day 62 the items never finish: the 10-day (and longer) answers passed within the
    # data, so they are misses. From day 83 the data ends (16 days on) before the answers'
    # dates (19+ days with half the window empty) and before completion: unknown.
    assert when.get_column("as_of").unique().len() == 9
    cal = _by_question(result)
    for p in (50, 70, 85, 95):
        row = cal[("when", p)]
        assert (row["forecasts"], row["excluded"]) == (8, 1)
        assert row["hit_rate"] == 5 / 8  # leaving the misses out would claim 5 / 5
    assert result.excluded == 4
    unknown = when.filter(pl.col("hit").is_null())
    assert unknown.get_column("as_of").unique().to_list() == [D0 + timedelta(days=83)]
    missed = when.filter(pl.col("hit") == False)  # noqa: E712 - polars expression
    assert missed.get_column("actual").null_count() == missed.height  # never done in the data
    assert set(missed.get_column("as_of").to_list()) == {
        D0 + timedelta(days=d) for d in (62, 69, 76)
    }


def test_a_forecast_whose_items_finished_late_but_within_the_data_is_judged():
    # Steady one a day, then a 20-day stall, then one a day again: items finish late.
    daily = _daily([1] * 40 + [0] * 20 + [1] * 40)
    result = backtest(daily, window_days=28, horizon_days=14, items=10, trials=1_000)
    when = result.rows.filter(pl.col("question") == "when")
    stalled = when.filter(pl.col("as_of") == D0 + timedelta(days=34))
    # Day 34: 5 items by day 39, the next 5 from day 60: done on day 30 after as_of.
    assert set(stalled.get_column("actual").to_list()) == {30}
    assert stalled.get_column("hit").to_list() == [False] * 4
    assert result.excluded == 0
    assert all(r["excluded"] == 0 for r in result.calibration.iter_rows(named=True))


def test_how_many_rows_are_never_excluded_and_nothing_is_left_out_of_full_data():
    daily = _daily([1, 0, 2, 0, 1, 3, 0] * 20)
    result = backtest(daily, window_days=28, horizon_days=14, items=5, trials=500)
    cal = _by_question(result)
    assert all(cal[("how_many", p)]["excluded"] == 0 for p in (50, 70, 85, 95))
    # 1 item a day on average: 5 items are done well within the data from every as-of date.
    assert result.excluded == 0 and result.rows.get_column("hit").null_count() == 0
