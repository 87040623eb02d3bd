"""Starting Django loads no heavy library: rule, section and series modules load when read.

`leadline import` and most commands never read the Radar's rules, the status packs' sections
or the before/after series; their modules load Polars, NumPy and the HTTP client. Each runs in
a fresh interpreter: the test process itself has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("polars", "numpy", "pandas", "scipy", "ruptures", "httpx", "vl_convert", "weasyprint")


def _run(code: str, home) -> dict:
    env = {**os.environ, "LEADLINE_HOME": str(home), "DJANGO_SETTINGS_MODULE": "leadline.settings"}
    env.pop("DATABASE_URL", None)
    prelude = "import json, sys, django\ndjango.setup()\n"
    proc = subprocess.run(
        [sys.executable, "-c", prelude + code], env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_starting_django_and_an_import_load_no_heavy_library(tmp_path):
    loaded = _run(
        "from leadline.delivery.jobs import start_import\n"
        "from leadline.cli.main import app\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n",
        tmp_path,
    )
    assert loaded == []


def test_every_app_s_rules_sections_and_series_are_there_when_read(tmp_path):
    found = _run(
        "from leadline.radar.registry import all_rules, get_rule\n"
        "from leadline.cadence.sections import registered\n"
        "from leadline.impact import series\n"
        "print(json.dumps({'areas': sorted({r.area for r in all_rules()}),\n"
        "  'rules': [k for k in ('one_reviewer_area', 'siloed_function', 'pulse_drop')\n"
        "            if get_rule(k) is not None],\n"
        "  'sections': sorted(registered()),\n"
        "  'builtin': series.get(None, 'release_interval_days') is not None,\n"
        "  'families': sorted(series._FAMILIES)}))\n",
        tmp_path,
    )
    assert found["areas"] == sorted(
        ["flow", "delivery", "governance", "combined", "people", "alignment", "outcomes", "cadence"]
    )
    # get_rule reads the registry first too: one rule each of concentration, outcomes, pulses.
    assert found["rules"] == ["one_reviewer_area", "siloed_function", "pulse_drop"]
    # The cadence's own sections and the outcomes' (which replace its milestones).
    assert {"flow", "radar", "right_track", "milestones", "benefits", "scorecards"} <= set(
        found["sections"]
    )
    assert found["builtin"]  # the built-in series, read through get()
    assert "kpi:" in found["families"]  # the outcomes' KPIs, loaded by the same read
