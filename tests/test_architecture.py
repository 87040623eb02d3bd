"""The shape of the code: no module of the package outside migrations is over 500 lines.

A module that long holds more than one idea; split it where the ideas part. (The import rules
are checked by import-linter, in `make lint`: see [tool.importlinter] in pyproject.toml.)
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "leadline"
LIMIT = 500


def _lines(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for _ in handle)


def _modules() -> dict[str, int]:
    return {
        path.relative_to(PACKAGE).as_posix(): _lines(path)
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.relative_to(PACKAGE).parts
    }


def test_no_module_is_over_500_lines():
    long = {name: n for name, n in _modules().items() if n > LIMIT}
    assert not long, f"over {LIMIT} lines (split them): {sorted(long.items())}"
