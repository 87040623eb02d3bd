"""`leadline alignment …` over the same services as the pages."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from typer.testing import CliRunner

from leadline.alignment import services as alignment
from leadline.cli import app

from .conftest import START, q

pytestmark = pytest.mark.django_db
runner = CliRunner()


def test_list_results_and_disagreements_from_the_command_line(world, sent, tmp_path):
    check, tokens = sent
    scope = q(check, "scope")
    with time_machine.travel(START + timedelta(days=1), tick=False):
        for name, answer in [("Ann", "in"), ("Sam", "out")]:
            r = alignment.resolve_link("acme", tokens[name])
            alignment.submit(r, {scope.pk: {"Guest checkout": "in", "Saved cards": answer}})
        listed = runner.invoke(app, ["alignment", "list", "-w", "acme", "--json"])
        assert json.loads(listed.output)[0]["answered"] == 2
        alignment.close_check(world.access, check)
        out = runner.invoke(app, ["alignment", "results", str(check.pk), "-w", "acme"])
        assert out.exit_code == 0 and "Checkout rewrite: 2 of 5 answered" in out.output
        as_json = runner.invoke(
            app, ["alignment", "results", str(check.pk), "-w", "acme", "--json"]
        )
        scope_result = json.loads(as_json.output)["questions"][0]
        assert scope_result["contested_items"] == ["Saved cards"]
        found = runner.invoke(app, ["alignment", "disagreements", "-w", "acme", "--json"])
        assert json.loads(found.output)[0]["contested"] == ["Saved cards"]
        target = tmp_path / "r.csv"
        runner.invoke(
            app, ["alignment", "results", str(check.pk), "-w", "acme", "--csv", str(target)]
        )
        assert "Saved cards: out" in target.read_text()
    missing = runner.invoke(app, ["alignment", "results", "999", "-w", "acme"])
    assert missing.exit_code == 1 and "no alignment check 999" in missing.output
