"""The shortcuts that keep `leadline analyze` fast give what the plain ways give.

The timestamp parser against Python's own, the transitions' row order against a sort, and the
early start of the decode (before the CLI loads) for exactly the command lines that run it.
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from leadline.analyze.argv import plain_args
from leadline.connectors.jira import frames as jira_fast

PEER = Path(__file__).resolve().parents[1] / "fixtures" / "peers" / "jira-agile-metrics"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _python_micros(value: str) -> int | None:
    try:
        parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        return None
    delta = parsed - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _timestamp(rng: random.Random) -> str:
    """A Jira-shaped timestamp, often with an impossible field, sometimes with a wrong byte."""
    year = rng.choice([1, 4, 100, 400, 1600, 1900, 1970, 2000, 2023, 2024, 2100, 9999])
    fields = (
        f"{year:04d}-{rng.randint(0, 13):02d}-{rng.randint(0, 32):02d}T{rng.randint(0, 25):02d}:"
        f"{rng.randint(0, 61):02d}:{rng.randint(0, 61):02d}.{rng.randint(0, 999):03d}"
        f"{rng.choice('+-')}{rng.randint(0, 25):02d}{rng.randint(0, 61):02d}"
    )
    if rng.random() < 0.1:
        i = rng.randrange(len(fields))
        fields = fields[:i] + rng.choice("0123456789-T:.+,/ Z") + fields[i + 1 :]
    return fields


def test_the_timestamp_parser_reads_what_python_reads_and_refuses_the_rest():
    rng = random.Random(5)
    parsed = refused = 0
    for _ in range(4000):
        value = _timestamp(rng)
        got = jira_fast._fixed_width_us([value])
        expected = _python_micros(value) if len(value) == 28 else None
        if expected is None:
            assert got is None, value
            refused += 1
        else:
            assert got is not None and got.tolist() == [expected], value
            parsed += 1
    assert parsed > 500 and refused > 500
    # One bad value among good ones refuses the whole column (the general parser takes it).
    good = "2024-02-29T23:59:59.999-0130"
    assert jira_fast._fixed_width_us([good, good]) is not None
    assert jira_fast._fixed_width_us([good, "2023-02-29T23:59:59.999-0130"]) is None


def test_transitions_are_ordered_as_a_sort_by_item_and_position_orders_them():
    rng = np.random.default_rng(3)
    n = 50
    moves = np.sort(rng.integers(1, n + 1, 300))  # items 1..n, some without moves
    rows = pl.DataFrame(
        {
            "item_id": np.concatenate([np.arange(1, n + 1), moves]),
            "pos": np.concatenate([np.zeros(n, dtype=np.int64), np.arange(1, len(moves) + 1)]),
        }
    )
    order = jira_fast._interleaved(n, pl.Series(moves))
    assert rows[order.to_numpy()].equals(rows.sort("item_id", "pos"))
    assert jira_fast._interleaved(0, pl.Series([], dtype=pl.Int64)).len() == 0


@pytest.mark.parametrize(
    ("argv", "plain"),
    [
        (["a.json", "--out", "o"], True),
        (["a.json", "-o=o", "--trials", "10", "--workflow=w.yml"], True),
        (["a.json", "b.json", "--out", "o", "--source", "csv"], True),
        (["a.json"], False),  # no --out
        (["a.json", "--out", "o", "--out", "p"], False),  # repeated
        (["a.json", "--out", "o", "--trials", "0"], False),  # below the minimum
        (["a.json", "--out", "o", "--seed", "-1"], False),
        (["a.json", "--out", "o", "--help"], False),
        (["a.json", "--out"], False),
        (["", "--out", "o"], False),
    ],
)
def test_only_an_unambiguous_command_line_is_read_without_typer(argv, plain):
    assert (plain_args(argv) is not None) is plain


def _start(tmp_path: Path, *args: str) -> str:
    script = (
        "import sys\n"
        f"sys.argv = ['/bin/leadline', 'analyze', *{list(args)!r}]\n"
        "from leadline.analyze.argv import start_decoding\n"
        "start_decoding()\n"
        "from leadline.connectors.jira import decode as d\n"
        "started = d._pending is not None\n"
        "d.cancel()\n"
        "print(started, sorted(m for m in ('typer', 'polars', 'leadline.cli.main') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_plain_analyze_line_starts_decoding_before_the_cli_loads(tmp_path):
    export = str(PEER / "search_issues.json")
    assert _start(tmp_path, export, "--out", str(tmp_path / "o")) == "True []"
    # Not for other sources, several files, or lines Typer must read.
    assert _start(tmp_path, export, "--source", "csv", "--out", "o") == "False []"
    assert _start(tmp_path, export, export, "--out", "o") == "False []"
    assert _start(tmp_path, export, "--out", "o", "--help") == "False []"
