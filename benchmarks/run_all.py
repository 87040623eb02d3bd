"""Run every benchmark and print one table (`make bench`).

    .venv/bin/python benchmarks/run_all.py [--quick]

Runs, each as its own process: bench_flow.py (engine: all flow metrics at 1M items, and
forecasts, with its per-item Python baseline measured in the same run; the default forecast
method against today's on 500 teams x 10,000 trials), bench_calibration.py (both forecast
methods backtested over the 39 TAWOS projects: do 85 % answers come true 85 % of the time?),
bench_import.py (`leadline import` at 10k and 100k items against one ORM save per row), bench_dashboard.py (the
team flow page at 10k items against loading through ORM objects; on SQLite, and with --postgres
URL also on PostgreSQL), bench_radar.py (every registered Radar rule over 500 teams against
the flow figures of the same teams; SQLite, and with --postgres also PostgreSQL; --quick: 50
teams), bench_concentration.py (the truck factor of a generated 50,000-commit repository
against `git log --numstat` alone; --quick: 5,000 commits), bench_cadence.py (a status pack
for a demo team and a steering pack over 100 teams, against the flow figures of those teams;
--quick: 20 teams), bench_load.py (signed-in users against `leadline serve` on the demo data at
20 requests/s for 30 s, open loop, on SQLite and with --postgres on PostgreSQL; --quick: 10 s),
bench_impact.py (the before/after analysis of a daily series of ten years against plain numpy's
median of it), and bench_peer.py (Leadline's `analyze` against jira-agile-metrics, whole process vs
whole process, at 5k, 20k and 100k issues; --quick: 1k only). Ratios are against baselines
measured in the same run (the Python baseline, the peer tool).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable


def run(name: str, cmd: list[str], timeout: float) -> tuple[str, float, str]:
    """Run one benchmark script; return its name, seconds and its output (or the failure)."""
    print(f"== {name}: {' '.join(cmd)}", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return name, time.perf_counter() - start, f"timed out after {timeout:.0f} s"
    took = time.perf_counter() - start
    out = proc.stdout.strip()
    if proc.returncode:
        out += f"\n(failed with exit code {proc.returncode})\n{proc.stderr[-2000:]}"
    return name, took, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only")
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--postgres", help="also time the dashboard on this PostgreSQL server")
    args = ap.parse_args()
    jobs: list[tuple[str, list[str]]] = []
    flow = [PY, str(HERE / "bench_flow.py")]
    if args.quick:
        flow += ["--items", "100000", "--teams", "50", "--baseline-items", "5000"]
    jobs.append(("engine + forecasts (bench_flow)", flow))
    calibration = [PY, str(HERE / "bench_calibration.py")]
    if args.quick:
        calibration.append("--quick")
    jobs.append(("forecast calibration over 39 TAWOS projects (bench_calibration)", calibration))
    imports = [PY, str(HERE / "bench_import.py")]
    if args.quick:
        imports += ["--sizes", "10000", "--baseline-items", "1000"]
    jobs.append(("imports (bench_import)", imports))
    jobs.append(
        ("before/after of ten years of days (bench_impact)", [PY, str(HERE / "bench_impact.py")])
    )
    jobs.append(
        ("team dashboard, SQLite (bench_dashboard)", [PY, str(HERE / "bench_dashboard.py")])
    )
    if args.postgres:
        jobs.append(
            (
                "team dashboard, PostgreSQL (bench_dashboard)",
                [PY, str(HERE / "bench_dashboard.py"), "--postgres", args.postgres],
            )
        )
    radar = [PY, str(HERE / "bench_radar.py")]
    if args.quick:
        radar += ["--teams", "50"]
    jobs.append(("the Radar's rules over 500 teams, SQLite (bench_radar)", radar))
    cadence = [PY, str(HERE / "bench_cadence.py")]
    if args.quick:
        cadence += ["--teams", "20"]
    jobs.append(("status packs: a demo team, steering over 100 teams (bench_cadence)", cadence))
    if args.postgres:
        jobs.append(
            (
                "the Radar's rules over 500 teams, PostgreSQL (bench_radar)",
                [*radar, "--postgres", args.postgres],
            )
        )
    concentration = [PY, str(HERE / "bench_concentration.py")]
    if args.quick:
        concentration += ["--commits", "5000"]
    jobs.append(("truck factor of 50,000 commits vs git log (bench_concentration)", concentration))
    load = [PY, str(HERE / "bench_load.py")]
    if args.postgres:
        load += ["--postgres", args.postgres]
    if args.quick:
        load += ["--seconds", "10"]
    jobs.append(("many users against leadline serve (bench_load)", load))
    peer = [PY, str(HERE / "bench_peer.py")]
    if args.quick:
        peer += ["--sizes", "1000"]
    jobs.append(("Leadline analyze vs jira-agile-metrics (bench_peer)", peer))
    results = [run(name, cmd, args.timeout) for name, cmd in jobs]
    print()
    for name, took, out in results:
        print(f"### {name}  ({took:.0f} s)")
        print(out or "(no output)")
        print()


if __name__ == "__main__":
    main()
