"""`leadline retro actions` and `leadline retro themes` print what the services return."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone
from typer.testing import CliRunner

from leadline.cli.main import app
from leadline.retro import actions

runner = CliRunner()


def test_retro_actions_lists_open_actions_with_their_age_and_refuses_an_unknown_team(rw):
    retro = rw.retro(phase="actions")
    actions.add_action(rw.access(rw.lead), retro, rw.lead, title="Write AC first",
                       owner=rw.people["Max"].pk, due_on=timezone.localdate() + timedelta(days=7))  # fmt: skip
    out = runner.invoke(app, ["retro", "actions", "-w", rw.workspace.slug, "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert [(r["title"], r["owner_name"], r["age_days"]) for r in rows] == [
        ("Write AC first", "Max", 0)
    ]
    table = runner.invoke(app, ["retro", "actions", "-w", rw.workspace.slug, "-t", "checkout"])
    assert "Write AC first" in table.output
    bad = runner.invoke(app, ["retro", "themes", "-w", rw.workspace.slug, "-t", "nope"])
    assert bad.exit_code == 1 and "no team" in (bad.output + str(bad.stderr))
