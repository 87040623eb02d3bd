"""Time the peer tool jira-agile-metrics against Leadline on generated Jira JSON, whole process.

Run with Leadline's venv (after ``bash benchmarks/peer/setup.sh``)::

    .venv/bin/python benchmarks/bench_peer.py            # 5k, 20k and 100k issues
    .venv/bin/python benchmarks/bench_peer.py --sizes 1000

Generated files are cached under benchmarks/.work/. Leadline is timed through
``leadline analyze FILE --source jira-json --preset jira-agile-metrics --workflow CONFIG --out DIR``
when that command exists; otherwise its column reads n/a.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import leadline.synth
from leadline.synth import iter_items, simple_spec, write_jira_json

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
PEER_PYTHON = HERE / ".peer-venv" / "bin" / "python"
RUN_PEER = HERE / "peer" / "run_peer.py"
WORKFLOW = HERE / "peer" / "workflow.yml"
END = date(2025, 1, 1)  # fixed, so cached files never depend on the day they were made
ITEMS_PER_TEAM = 5000


def generator_version() -> str:
    """Return a short hash of the generator's source, so a changed generator misses the cache."""
    digest = hashlib.sha256()
    for source in sorted(Path(leadline.synth.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:8]


def jira_file(size: int, seed: int) -> Path:
    """Return the cached Jira JSON of ``size`` issues (no epics), generating it when missing."""
    path = WORK / f"jira-{size}-s{seed}-{generator_version()}.json"
    if not path.exists():
        teams = max(1, math.ceil(size / ITEMS_PER_TEAM))
        spec = simple_spec(teams, size // teams, end=END, days=730, seed=seed)
        t0 = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        n = write_jira_json(iter_items(spec, epics=False), tmp)
        tmp.replace(path)
        print(
            f"generated {path.name}: {n} issues in {time.perf_counter() - t0:.1f}s", file=sys.stderr
        )
    return path


def timed(cmd: list[str], timeout: float) -> float | None:
    """Run ``cmd`` and return its wall-clock seconds, or None when it failed."""
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"timed out after {timeout:.0f}s: {' '.join(cmd)}", file=sys.stderr)
        return None
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        print(
            f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}", file=sys.stderr
        )
        return None
    return seconds


def leadline_command() -> list[str] | None:
    """Return the ``leadline analyze`` command prefix when the CLI has it, else None."""
    exe = shutil.which("leadline", path=str(Path(sys.executable).parent)) or shutil.which(
        "leadline"
    )
    if exe is None:
        return None
    probe = subprocess.run([exe, "analyze", "--help"], capture_output=True, text=True)
    return [exe, "analyze"] if probe.returncode == 0 and "--preset" in probe.stdout else None


def main() -> None:
    """Generate inputs, time both tools per size and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000,100000", help="comma-separated issue counts")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per tool run")
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    WORK.mkdir(parents=True, exist_ok=True)
    if not args.skip_peer and not PEER_PYTHON.exists():
        sys.exit("peer venv missing: run `bash benchmarks/peer/setup.sh` first")
    leadline = leadline_command()
    rows = []
    for size in sizes:
        path = jira_file(size, args.seed)
        peer = None
        if not args.skip_peer:
            out = WORK / f"out-peer-{size}"
            cmd = [
                str(PEER_PYTHON),
                str(RUN_PEER),
                str(path),
                "--config",
                str(WORKFLOW),
                "--out",
                str(out),
            ]
            peer = timed(cmd, args.timeout)
        ours = None
        if leadline is not None:
            out = WORK / f"out-leadline-{size}"
            cmd = [*leadline, str(path), "--source", "jira-json", "--preset", "jira-agile-metrics",
                   "--workflow", str(WORKFLOW), "--out", str(out)]  # fmt: skip
            ours = timed(cmd, args.timeout)
        rows.append((size, peer, ours))
        print(f"done {size}: peer={peer} leadline={ours}", file=sys.stderr)

    def fmt(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.2f}"

    print(f"{'issues':>8}  {'peer s':>9}  {'leadline s':>10}  {'peer/leadline':>13}")
    for size, peer, ours in rows:
        ratio = fmt(peer / ours) + "x" if peer and ours else "n/a"
        print(f"{size:>8}  {fmt(peer):>9}  {fmt(ours):>10}  {ratio:>13}")
    print(f"(cpu count {os.cpu_count()}; whole-process wall-clock seconds; inputs in {WORK})")


if __name__ == "__main__":
    main()
