"""`leadline competency show` prints the token owner's own assessment, never anyone else's."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from leadline.cli.main import app
from leadline.workspaces.services import issue_token

runner = CliRunner()


def test_show_prints_your_own_latest_assessment_and_nobody_elses(cw):
    a = cw.assessment(communication=4)
    _, mine = issue_token(cw.me, "cli")
    out = runner.invoke(app, ["competency", "show", "-w", cw.workspace.slug, "--json"],
                        env={"LEADLINE_TOKEN": mine})  # fmt: skip
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    assert body["id"] == a.pk and body["mine"] is True
    assert next(r for r in body["ratings"] if r["competency"] == "communication")["level"] == 4
    table = runner.invoke(app, ["competency", "show", "-w", cw.workspace.slug, "--token", mine])
    assert "Communication" in table.output
    # The workspace owner's token reads neither the latest nor, by id, this assessment.
    _, theirs = issue_token(cw.owner, "cli")
    none = runner.invoke(app, ["competency", "show", "-w", cw.workspace.slug, "--token", theirs])
    assert none.exit_code == 1 and "no self-assessment" in (none.output + str(none.stderr))
    by_id = runner.invoke(app, ["competency", "show", "-w", cw.workspace.slug, "--token", theirs,
                                "--id", str(a.pk)])  # fmt: skip
    assert by_id.exit_code == 1 and "no such assessment" in (by_id.output + str(by_id.stderr))
    bad = runner.invoke(app, ["competency", "show", "-w", cw.workspace.slug, "--token", "ll_nope"])
    assert bad.exit_code == 1
