"""Import throughput and peak memory: `leadline import` on generated files, whole process.

    .venv/bin/python benchmarks/bench_import.py [--sizes 10000,100000]

For each size it writes a CSV (one row per transition) and a Jira JSON export with the seeded
generator, then runs `leadline import csv|jira-json FILE` in a fresh data folder (SQLite) as its
own process and reports items per second and the process's peak resident memory. The baseline,
measured in the same run, is the straightforward way: one ORM save per item and per transition
(on a smaller file, scaled per item).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
LEADLINE = Path(sys.executable).with_name("leadline")

BASELINE = r"""
import os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "leadline.settings"
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from leadline.connectors.csv import read_work_items
from leadline.delivery.models import Transition, WorkItem
from leadline.workspaces.services import create_workspace
ws = create_workspace("Baseline", None)
start = time.perf_counter()
n = 0
for r in read_work_items(sys.argv[1]):
    item = WorkItem.objects.create(workspace=ws, source=r.source, key=r.key, title=r.title,
                                   created=r.created, status=r.status, type=r.type)
    for seq, t in enumerate(r.transitions):
        Transition.objects.create(item=item, seq=seq, at=t.at, from_status=t.from_status,
                                  to_status=t.to_status)
    n += 1
print(n, time.perf_counter() - start)
"""


def generate(size: int) -> tuple[Path, Path]:
    """Write (or reuse) the CSV and Jira JSON files for ``size`` items."""
    from leadline.synth import simple_spec
    from leadline.synth.items import iter_items
    from leadline.synth.writers import write_csv, write_jira_json

    WORK.mkdir(exist_ok=True)
    teams = max(1, size // 5000)
    spec = simple_spec(teams=teams, items_per_team=size // teams, end=date(2025, 6, 1), seed=7)
    csv_path, json_path = WORK / f"import-{size}.csv", WORK / f"import-{size}.json"
    if not csv_path.exists():
        write_csv(iter_items(spec, epics=False), csv_path)
    if not json_path.exists():
        write_jira_json(iter_items(spec, epics=False), json_path)
    return csv_path, json_path


def run(cmd: list[str], home: str) -> tuple[float, float, str]:
    """Run ``cmd`` with a fresh data folder; return seconds, peak RSS (MiB) and its output."""
    env = {**os.environ, "LEADLINE_HOME": home}
    env.pop("DATABASE_URL", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return took, max(peak, before) / 1024, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--baseline-items", type=int, default=2000)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    base_csv, _ = generate(args.baseline_items)
    with tempfile.TemporaryDirectory() as home:
        subprocess.run([str(LEADLINE), "migrate"], env={**os.environ, "LEADLINE_HOME": home},
                       capture_output=True, check=True)  # fmt: skip
        _, _, out = run([sys.executable, "-c", BASELINE, str(base_csv)], home)
        n, secs = out.split()
        base_rate = int(n) / float(secs)
    rows.append(
        ("baseline: ORM save per row (csv)", args.baseline_items, float(secs), base_rate, 0.0)
    )
    for size in sizes:
        csv_path, json_path = generate(size)
        for kind, path in (("csv", csv_path), ("jira-json", json_path)):
            with tempfile.TemporaryDirectory() as home:
                subprocess.run([str(LEADLINE), "migrate"], env={**os.environ, "LEADLINE_HOME": home},
                               capture_output=True, check=True)  # fmt: skip
                cmd = [str(LEADLINE), "import", kind, str(path), "-w", "bench", "-t", "team"]
                subprocess.run([str(LEADLINE), "createuser", "b", "--password", "bench-password-1",
                                "--workspace", "bench"], env={**os.environ, "LEADLINE_HOME": home},
                               capture_output=True, check=True)  # fmt: skip
                took, peak, _ = run(cmd, home)
            rows.append((f"leadline import {kind}", size, took, size / took, peak))
    print(f"{'what':38} {'items':>8} {'seconds':>8} {'items/s':>9} {'vs base':>8} {'peak MiB':>9}")
    for what, n, secs, rate, peak in rows:
        ratio = rate / base_rate
        mem = f"{peak:9.0f}" if peak else f"{'':>9}"
        print(f"{what:38} {n:8d} {secs:8.1f} {rate:9.0f} {ratio:7.1f}x {mem}")


if __name__ == "__main__":
    main()
