"""Benchmark the flow engine: all flow metrics at portfolio scale, and Monte Carlo forecasts.

    .venv/bin/python benchmarks/bench_flow.py [--items 1000000] [--teams 500]

Prints a table with times, peak memory and ratios against a straightforward per-item Python
baseline run on a smaller sample of the same data. Not part of the test run.
"""

from __future__ import annotations

import os

# Must be set before Polars loads: keep freed pages instead of returning them to the OS
# (page faults are expensive on these machines).
os.environ.setdefault("_RJEM_MALLOC_CONF", "retain:true,dirty_decay_ms:-1,muzzy_decay_ms:-1")

import argparse  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from leadline.flow import (  # noqa: E402
    Workflow,
    aging_wip,
    cycle_times,
    daily_counts,
    flow_efficiency,
    forecast_how_many,
    forecast_when,
    percentiles,
    stage_dates,
    throughput,
)

STATUSES = ["To Do", "Ready", "In Progress", "In Review", "Testing", "Done", "Won't Do"]
EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
AS_OF = date(2025, 1, 1)


def workflow() -> Workflow:
    return Workflow.from_mapping(
        [
            ("Backlog", "backlog", ["To Do"]),
            ("Ready", "active", ["Ready"]),
            ("Dev", "active", ["In Progress"]),
            ("Review", "active", ["In Review"]),
            ("Test", "active", ["Testing"]),
            ("Done", "done", ["Done"]),
            ("Removed", "removed", ["Won't Do"]),
        ],
        waiting=["Ready", "Review"],
    )


def generate(n_items: int, n_teams: int, seed: int = 1) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return synthetic (items, transitions) frames: ~8 transitions per item, some backward moves."""
    rng = np.random.default_rng(seed)
    created = rng.integers(0, 700 * 86_400_000_000, n_items)  # microseconds since EPOCH
    per = rng.integers(5, 12, n_items)  # transitions per item, mean 8
    total = int(per.sum())
    item_of = np.repeat(np.arange(n_items), per)
    first = np.repeat(np.cumsum(per) - per, per)
    pos = np.arange(total) - first
    # Stage walk: mostly forward by one, sometimes back; start at backlog (0), capped at Done (5).
    step = rng.choice(np.array([1, 1, 1, 1, -1, 0]), total)
    step[pos == 0] = 0
    walk = np.zeros(total, dtype=np.int64)
    cs = np.cumsum(step)
    walk = np.clip(cs - np.repeat(cs[np.cumsum(per) - per], per), 0, 5)
    last = np.cumsum(per) - 1
    removed = rng.random(n_items) < 0.05
    walk[last[removed]] = 6
    gaps = rng.exponential(1.5 * 86_400_000_000, total).astype(np.int64)
    gaps[pos == 0] = 0
    offs = np.cumsum(gaps)
    offs -= np.repeat(offs[np.cumsum(per) - per], per)
    at = np.repeat(created, per) + offs
    epoch_us = int(EPOCH.timestamp() * 1_000_000)
    items = pl.DataFrame(
        {
            "item_id": np.arange(1, n_items + 1, dtype=np.int64),
            "key": pl.Series(np.arange(1, n_items + 1)).cast(pl.Utf8),
            "team": pl.Series((np.arange(n_items) % n_teams).astype(np.int64)).cast(pl.Utf8),
            "type": "Story",
            "created": pl.Series(created + epoch_us).cast(pl.Datetime("us", "UTC")),
        }
    )
    transitions = pl.DataFrame(
        {
            "item_id": (item_of + 1).astype(np.int64),
            "at": pl.Series(at + epoch_us).cast(pl.Datetime("us", "UTC")),
            "status": pl.Series(np.array(STATUSES, dtype=object)[walk].tolist(), dtype=pl.Utf8),
        }
    )
    return items, transitions


def all_metrics(items: pl.DataFrame, transitions: pl.DataFrame) -> dict[str, int]:
    wf = workflow()
    dates = stage_dates(items, transitions, wf)
    cycle = cycle_times(dates)
    tp = throughput(dates, AS_OF, start=date(2023, 1, 1))
    counts = daily_counts(items, transitions, wf, AS_OF, start=date(2023, 1, 1))
    pct = percentiles(cycle)
    aging = aging_wip(dates, cycle, AS_OF)
    eff = flow_efficiency(transitions, dates, wf, by="team")
    return {
        "items": dates.height,
        "finished": cycle.height,
        "throughput_rows": tp.height,
        "daily_rows": counts.height,
        "teams": pct.height,
        "aging": aging.height,
        "efficiency_rows": eff.height,
    }


def baseline(items: pl.DataFrame, transitions: pl.DataFrame) -> dict[str, int]:
    """Straightforward per-item Python: stage dates, cycle times, daily throughput and WIP."""
    wf = workflow()
    cat = {st: wf.stages[wf.stage_of(st)].category for st in STATUSES}  # type: ignore[index]
    team = dict(zip(items["item_id"].to_list(), items["team"].to_list(), strict=False))
    hist: dict[int, list[tuple[datetime, str]]] = {}
    for i, a, s in transitions.iter_rows():
        hist.setdefault(i, []).append((a, s))
    tp: dict[tuple[str, date], int] = {}
    wip: dict[tuple[str, date], int] = {}
    cycles = []
    for i, h in hist.items():
        started = next((a for a, s in h if cat[s] == "active"), None)
        finished = None
        for k, (a, s) in enumerate(h):
            if cat[s] == "done" and (k == 0 or cat[h[k - 1][1]] != "done"):
                finished = a
        if cat[h[-1][1]] != "done":
            finished = None
        if finished and started:
            cycles.append((finished.date() - started.date()).days + 1)
            tp[(team[i], finished.date())] = tp.get((team[i], finished.date()), 0) + 1
        for k, (a, s) in enumerate(h):  # WIP by day, naive: walk every day in active
            if cat[s] != "active":
                continue
            end = h[k + 1][0].date() if k + 1 < len(h) else AS_OF
            d = a.date()
            while d < end:
                wip[(team[i], d)] = wip.get((team[i], d), 0) + 1
                d += timedelta(days=1)
    return {"finished": len(cycles), "tp_keys": len(tp), "wip_keys": len(wip)}


def timed(fn, *args, repeat: int = 1):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, out


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def method_rows(
    teams: dict[str, np.ndarray], n: int, rng: np.random.Generator
) -> list[tuple[str, str, str, str]]:
    """The default forecast method against today's (independent days), same teams, same run:
    both questions per team ("when will n items be done", "how many in 42 days"), 10,000
    trials. calibrated_blocks reads each team's trials at the levels learned from its own past
    forecasts; learning them (104 weekly past forecasts, 2,000 trials each) is timed apart."""
    from leadline.flow.methods import (
        DEFAULT_METHOD,
        forecast_with_method,
        learn_levels,
        raw_outcomes,
        read_how_many,
        read_when,
        replay,
    )

    pcts = (50, 70, 85, 95)
    out = []
    t_old, _ = timed(
        lambda: [
            (forecast_when(s, n, trials=10_000, seed=0, percentiles=pcts).days,
             forecast_how_many(s, 42, trials=10_000, seed=0, percentiles=pcts).items)
            for s in teams.values()
        ]
    )  # fmt: skip
    # Each team's learned levels (from a history of 104 weeks before the window).
    history = {
        t: rng.poisson(max(float(s.mean()), 0.05), 728).astype(np.int64) for t, s in teams.items()
    }
    sample = list(teams)[:10]
    start = time.perf_counter()
    levels = {}
    for t in sample:
        series = np.concatenate((history[t], teams[t]))
        past = list(range(series.size - 1 - 728, series.size - 1, 7))
        run = replay(series, past, window_days=84, horizon=42, items=n, trials=2_000, seed=0,
                     method=DEFAULT_METHOD, percentiles=pcts)  # fmt: skip
        levels[t] = learn_levels(run.past, series, horizon=42, items=n, percentiles=pcts)
    t_learn = (time.perf_counter() - start) / len(sample)
    for t in teams:
        levels.setdefault(t, levels[sample[len(levels) % len(sample)]])

    def new() -> list[object]:
        answers = []
        for t, s in teams.items():
            hm, when = raw_outcomes(s, 42, n, 10_000, 0, t, "week_blocks")
            lv = levels[t]
            answers.append(({p: read_when(when, lv.when[p]) for p in pcts},
                            {p: read_how_many(hm, lv.how_many[p]) for p in pcts}))  # fmt: skip
        return answers

    t_new, _ = timed(new)
    size = f"{len(teams)} teams, 10,000 trials, both questions"
    out.append(("forecasts (independent_days, today's)", size, f"{t_old:.2f} s", "same run"))
    out.append(
        (
            f"forecasts ({DEFAULT_METHOD}, the default)",
            size,
            f"{t_new:.2f} s",
            f"target < 2 s; {t_new / t_old:.1f}x today's",
        )
    )
    out.append(
        (
            f"learning one team's correction ({DEFAULT_METHOD})",
            "104 weekly past forecasts, 2,000 trials",
            f"{t_learn:.2f} s",
            f"per team (mean of {len(sample)}); the page's backtest replays the same dates",
        )
    )
    one = next(iter(teams.values()))
    t_one, _ = timed(lambda: forecast_with_method(np.concatenate((history["t0"], one)),
                                                  window_days=84, horizon=42, items=n,
                                                  trials=10_000, seed=0))  # fmt: skip
    out.append(
        ("forecast_with_method (learn + forecast)", "1 team, 10,000 trials", f"{t_one:.2f} s", "")
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--teams", type=int, default=500)
    ap.add_argument("--baseline-items", type=int, default=20_000)
    ap.add_argument("--forecast-items", type=int, default=50)
    args = ap.parse_args()
    rows: list[tuple[str, str, str, str]] = []

    t_gen, (items, transitions) = timed(generate, args.items, args.teams)
    rows.append(
        (
            "generate frames",
            f"{items.height:,} items / {transitions.height:,} transitions",
            f"{t_gen:.2f} s",
            "",
        )
    )
    t_all, info = timed(all_metrics, items, transitions)
    rows.append(
        (
            "all flow metrics",
            f"{args.teams} teams",
            f"{t_all:.2f} s",
            f"target < 5 s; peak RSS {peak_gib():.2f} GiB (target < 4)",
        )
    )

    small_i = items.head(args.baseline_items)
    small_t = transitions.filter(pl.col("item_id") <= args.baseline_items)
    t_eng_small, _ = timed(all_metrics, small_i, small_t, repeat=3)
    t_base, _ = timed(baseline, small_i, small_t)
    rows.append(
        (
            "baseline: per-item Python",
            f"{args.baseline_items:,} items",
            f"{t_base:.2f} s",
            f"engine same size {t_eng_small:.3f} s -> {t_base / t_eng_small:.0f}x faster; "
            f"baseline scaled to full size ~{t_base * args.items / args.baseline_items:.0f} s",
        )
    )

    rng = np.random.default_rng(3)
    samples = rng.poisson(1.2, 84) * (rng.random(84) < 0.6)
    n = args.forecast_items
    for method in ("negbin", "daily"):
        t, fc = timed(lambda m=method: forecast_when(samples, n, trials=10_000, method=m), repeat=5)
        rows.append(
            (
                f"forecast_when ({method})",
                f"1 team, 10,000 trials, {n} items",
                f"{t * 1000:.1f} ms",
                f"target < 50 ms; p85 = {fc.days[85]} days",
            )
        )
    t, _ = timed(lambda: forecast_how_many(samples, 42, trials=10_000), repeat=5)
    rows.append(
        (
            "forecast_how_many",
            "1 team, 10,000 trials, 42 days",
            f"{t * 1000:.1f} ms",
            "target < 50 ms",
        )
    )
    teams = {f"t{i}": rng.poisson(rng.uniform(0.3, 3), 84) for i in range(args.teams)}
    for method in ("negbin", "daily"):
        t, _ = timed(lambda m=method: forecast_when(teams, n, trials=10_000, method=m))
        rows.append(
            (
                f"forecast_when ({method})",
                f"{args.teams} teams, 10,000 trials, {n} items",
                f"{t:.2f} s",
                "target < 2 s",
            )
        )
    t, _ = timed(lambda: forecast_how_many(teams, 42, trials=10_000))
    rows.append(
        (
            "forecast_how_many",
            f"{args.teams} teams, 10,000 trials, 42 days",
            f"{t:.2f} s",
            "target < 2 s",
        )
    )

    rows += method_rows(teams, n, rng)

    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"{'benchmark':<{widths[0]}}  {'size':<{widths[1]}}  {'time':>{widths[2]}}  notes")
    for r in rows:
        print(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}")
    print(f"(metric outputs: {info})")


if __name__ == "__main__":
    main()
