"""`leadline radar list | run | rules`: the same findings, runs and rules as the page, as a
table or JSON; bad filters exit 2 naming the option."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from leadline.cli import app
from leadline.notify.models import Notification
from leadline.radar.models import Finding
from leadline.radar.registry import all_rules

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _django_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("leadline.cli.common.setup_django", lambda: None)


def _risk(world, title, p=4, i=4, team="platform"):
    from leadline.raid.models import RaidItem

    return RaidItem.objects.create(
        workspace=world.workspace, kind="risk", title=title, owner=world.people["Bo"],
        team=world.teams[team], probability=p, impact=i,
        created_at=timezone.now() - timedelta(days=20),
    )  # fmt: skip


def _cli(*args: str):
    return CliRunner().invoke(app, ["radar", *args], env={"COLUMNS": "200"})


def test_run_raises_notifies_and_reports_per_workspace(world, make_workspace):
    make_workspace("Beta")
    _risk(world, "Vendor API rate limits")
    result = _cli("run")
    assert result.exit_code == 0, result.output
    assert "acme: 1 new, 0 reopened, 0 cleared, 0 still open" in result.output
    assert "beta: 0 new" in result.output
    assert Notification.objects.filter(user=world.owner).count() == 1
    again = _cli("run", "--workspace", "acme", "--json")
    out = json.loads(again.stdout)
    assert list(out) == ["acme"]
    assert (out["acme"]["raised"], out["acme"]["still_open"]) == (0, 1)
    assert out["acme"]["rules_run"] == len(all_rules()) and out["acme"]["errors"] == {}


def test_list_filters_like_the_page_and_prints_json(world):
    _risk(world, "Vendor API rate limits")
    _risk(world, "Office move", p=2, i=3, team="checkout")
    assert _cli("run", "-w", "acme").exit_code == 0
    table = _cli("list", "-w", "acme")
    assert table.exit_code == 0, table.output
    assert "high" in table.output and "medium" in table.output  # the severity column
    # The table's width follows the console's; the order and titles are checked in JSON.
    listed = json.loads(_cli("list", "-w", "acme", "--rule", "risk_unmitigated", "--json").stdout)
    titles = [r["title"] for r in listed]
    assert any("Vendor API rate limits" in t for t in titles[:1])  # high first
    assert any("Office move" in t for t in titles[1:])
    rows = json.loads(_cli("list", "-w", "acme", "--severity", "high", "--json").stdout)
    assert [(r["workspace"], r["severity"], r["team"]) for r in rows] == [
        ("acme", "high", "platform")
    ]
    assert rows[0]["talk_to"] == [{"kind": "person", "name": "Bo (owner)"}]
    assert rows[0]["url"] == f"/w/acme/radar/{rows[0]['id']}/"
    checkout = json.loads(_cli("list", "-w", "acme", "-t", "checkout", "--json").stdout)
    assert [r["team"] for r in checkout] == ["checkout"]
    f = Finding.objects.get(team__slug="checkout")
    f.status = "dismissed"
    f.save()
    assert json.loads(_cli("list", "-w", "acme", "-t", "checkout", "--json").stdout) == []
    dismissed = json.loads(_cli("list", "--status", "dismissed", "--json").stdout)
    assert [r["id"] for r in dismissed] == [f.pk]
    ruled = _cli("list", "--rule", "risk_unmitigated", "--json").stdout
    assert len(json.loads(ruled)) == 1  # live ones only, by default
    assert _cli("list", "--severity", "low").output.strip() == "No findings."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "closed"], "--status 'closed' is not one of open"),
        (["--severity", "urgent"], "--severity 'urgent' is not one of high, medium, low"),
        (["--rule", "nope"], "--rule 'nope' is not a Radar rule"),
        (["--team", "platform"], "--team needs --workspace"),
        (["-w", "acme", "--team", "nope"], "no team 'nope' in acme"),
        (["-w", "nope"], "no workspace 'nope'"),
    ],
)
def test_list_refuses_bad_filters_naming_the_option(world, args, message):
    result = _cli("list", *args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_rules_lists_every_rule_with_its_defaults(world):
    rows = json.loads(_cli("rules", "--json").stdout)
    assert [r["key"] for r in rows] == [r.key for r in all_rules()]
    risk = next(r for r in rows if r["key"] == "risk_unmitigated")
    assert risk["area"] == "governance"
    assert {t["key"]: t["default"] for t in risk["thresholds"]} == {"days": 7, "high_score": 12}
    table = _cli("rules")
    assert table.exit_code == 0 and "risk_unmitigated" in table.output
    assert "days 7" in table.output
