"""Documentation is tested: every setting and every CLI command is in the README."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from leadline.cli import app

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented_in_the_readme():
    source = (ROOT / "src" / "leadline" / "settings.py").read_text()
    names = set(re.findall(r'env_\w+\("([A-Z_]+)"', source))
    assert "LEADLINE_HOME" in names and "DATABASE_URL" in names
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert not missing, f"settings missing from the README: {missing}"


def test_every_command_is_documented_in_the_readme():
    group = typer.main.get_command(app)
    missing = []
    for name, command in group.commands.items():
        subs = getattr(command, "commands", None)
        paths = [f"{name} {sub}" for sub in subs] if subs else [name]
        missing += [p for p in paths if f"leadline {p}" not in README]
    assert not missing, f"commands missing from the README: {missing}"
