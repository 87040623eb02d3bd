"""The modules that register demo steps, in build order; each feature adds its line here.

They are named, not imported: each imports :func:`leadline.demo.builder.step`, so the demo
loads them when it builds and the import graph stays one-way (apps → demo).
"""

from __future__ import annotations

import importlib

STEP_MODULES = (
    "leadline.delivery.demo",
    "leadline.raid.demo",
    "leadline.decisions.demo",
    "leadline.agreements.demo",
    "leadline.clauses.demo",
    "leadline.changes.demo",
    "leadline.pulse.demo",
    "leadline.retro.demo",
    "leadline.alignment.demo",
    "leadline.impact.demo",
    "leadline.outcomes.demo",
    "leadline.concentration.demo",
    "leadline.competency.demo",
    "leadline.cadence.demo",
    "leadline.radar.demo",  # last: the Radar reads what the steps above built
)


def load() -> None:
    """Import every step module (registering its steps, once)."""
    for name in STEP_MODULES:
        importlib.import_module(name)
