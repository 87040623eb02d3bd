"""Benchmark: the before/after analysis of a daily series of ten years (the issue's aim: < 1 s).

Generates 3,653 daily values (seeded: a level of 10 that drops to 7 after day 2,000, with noise)
and times, median of ``--repeat`` runs after one warm-up run:

- ``baseline``: plain ``numpy.median`` of the whole series (the least any analysis does);
- ``announced``: :func:`leadline.impact.analysis.analyse` with the announced date (the strongest
  change within 90 days of it, the test, the shift with its bootstrap, the regression);
- ``detect``: the same, splitting at the strongest change of the whole series (Binseg);
- ``detect, 3 changes``: three changes by binary segmentation;
- ``CLI``: ``leadline before-after FILE.csv --detect --json`` as a whole process (start-up,
  importing scipy and ruptures, reading the CSV, printing JSON), against ``leadline version``
  (the CLI's own start-up) measured in the same run.

Each line prints seconds and the ratio to the baseline; the last column says whether the aim
(< 1 s) holds. Run: ``.venv/bin/python benchmarks/bench_impact.py [--days 3653] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

AIM_SECONDS = 1.0


def _time(fn: Callable[[], Any], repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=3653)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from leadline.impact.analysis import analyse

    rng = np.random.default_rng(11)
    start = date(2015, 1, 1)
    dates = [start + timedelta(days=k) for k in range(args.days)]
    cut = min(2000, args.days * 2 // 3)
    values = np.r_[rng.normal(10, 2, cut), rng.normal(7, 2, args.days - cut)].tolist()
    at = dates[cut] - timedelta(days=10)
    base = _time(lambda: np.median(np.asarray(values)), args.repeat)
    rows = [("baseline: numpy median", base)]
    rows.append(("announced date", _time(lambda: analyse(dates, values, at=at), args.repeat)))
    rows.append(("detect", _time(lambda: analyse(dates, values, detect=True), args.repeat)))
    rows.append(
        ("detect, 3 changes",
         _time(lambda: analyse(dates, values, detect=True, changes=3), args.repeat))
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "series.csv"
        path.write_text(
            "date,value\n" + "".join(f"{d},{v}\n" for d, v in zip(dates, values, strict=True))
        )
        cli = [
            str(Path(sys.executable).with_name("leadline")),
            "before-after",
            str(path),
            "--detect",
            "--json",
        ]
        version = [cli[0], "version"]
        n = max(1, args.repeat // 2)
        boot = _time(lambda: subprocess.run(version, check=True, capture_output=True), n)
        whole = _time(lambda: subprocess.run(cli, check=True, capture_output=True), n)
    print(
        f"daily series of {args.days} days ({args.days / 365.25:.1f} years), median of {args.repeat} runs"
    )
    print(f"{'what':<26} {'seconds':>9} {'x baseline':>11}  aim < {AIM_SECONDS:g} s")
    for name, secs in rows:
        aim = "" if name.startswith("baseline") else ("yes" if secs < AIM_SECONDS else "NO")
        print(f"{name:<26} {secs:>9.3f} {secs / base:>11.0f}  {aim}")
    # A whole process also starts Python and imports scipy and ruptures: shown against the
    # start-up of the CLI itself (`leadline version`), not against the aim.
    print(f"{'CLI start-up (version)':<26} {boot:>9.3f}")
    print(f"{'CLI before-after --detect':<26} {whole:>9.3f} {whole / boot:>10.1f}x start-up")


if __name__ == "__main__":
    main()
