"""docs/radar.md lists every rule with its area and every default threshold."""

from __future__ import annotations

from pathlib import Path

from leadline.radar.registry import all_rules

DOC = (Path(__file__).parents[2] / "docs" / "radar.md").read_text()


def _fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def test_every_rule_and_default_threshold_is_in_the_rules_table():
    rows = {
        line.split("|")[1].strip().strip("`"): line
        for line in DOC.splitlines()
        if line.startswith("| `")
    }
    missing = []
    for r in all_rules():
        row = rows.get(r.key)
        if row is None:
            missing.append(r.key)
            continue
        cells = [c.strip() for c in row.split("|")]
        assert cells[2] == r.area, f"{r.key}: area {cells[2]!r} in the docs, {r.area!r} in code"
        for t in r.thresholds:
            assert f"`{t.key}` {_fmt(t.default)}" in cells[4], f"{r.key}: {t.key} {t.default}"
    assert not missing, f"rules missing from docs/radar.md: {missing}"
