"""The retrospectives' Radar rules: an overdue action (high once carried through retros), retros
that agree nothing several times in a row, a theme that keeps coming back; each names the
owner or the team's lead, and stays quiet when its condition does not hold."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from leadline.radar import engine
from leadline.radar.models import Finding
from leadline.retro import actions, services

from .conftest import days_ago

RULES = ["retro_action_overdue", "retro_no_actions", "retro_recurring_theme"]


def _open(rw) -> dict[str, list[Finding]]:
    result = engine.run(rw.workspace, timezone.now(), only=RULES)
    assert result.errors == {}
    out: dict[str, list[Finding]] = {}
    for f in Finding.objects.filter(workspace=rw.workspace, status="open"):
        out.setdefault(f.rule, []).append(f)
    return out


def test_nothing_fires_for_a_team_that_acts(rw):
    today = timezone.localdate()
    retro = rw.retro(phase="actions", held_on=today - timedelta(days=7))
    actions.add_action(rw.access(rw.lead), retro, rw.lead, title="Pair on reviews",
                       owner=rw.people["Max"].pk, due_on=today + timedelta(days=7),
                       now=days_ago(7))  # fmt: skip
    assert _open(rw) == {}


def test_an_overdue_action_carried_through_retros_is_high_and_names_its_owner(rw):
    today = timezone.localdate()
    old = rw.retro(phase="actions", held_on=today - timedelta(days=42))
    a = actions.add_action(rw.access(rw.lead), old, rw.lead, title="Automate the release",
                           owner=rw.people["Ann"].pk, due_on=today - timedelta(days=28),
                           now=days_ago(42))  # fmt: skip
    for weeks in (4, 2, 0):
        rw.retro(phase="closed", held_on=today - timedelta(days=7 * weeks))
    found = _open(rw)
    (f,) = found["retro_action_overdue"]
    assert (f.subject_kind, f.subject_id, f.severity) == ("retro_action", str(a["id"]), "high")
    assert (
        f.title
        == "Retro action “Automate the release” is 28 days overdue and was carried into 3 later retros"
    )
    assert f.talk_to[0] == {"kind": "person", "name": "Ann (owner)"}
    assert f.score == 28
    # Three closed retros in a row agreed nothing: that is the second rule's finding.
    (q,) = found["retro_no_actions"]
    assert (q.subject_kind, q.subject_id) == ("team", "checkout")
    assert q.evidence[0]["value"] == "3"
    # Done: the action's finding clears.
    actions.close_action(rw.access(rw.lead), a["id"], rw.lead, "done")
    assert "retro_action_overdue" not in _open(rw)
    assert Finding.objects.get(rule="retro_action_overdue").status == "resolved"


def test_a_recurring_theme_is_raised_with_its_history(rw):
    for n, text in enumerate(["Unclear acceptance criteria", "Acceptance criteria were unclear again",
                              "Stories start with unclear acceptance criteria"]):  # fmt: skip
        retro = rw.retro(held_on=timezone.localdate() - timedelta(days=28 - 14 * n))
        services.add_card(rw.access(rw.member), retro, rw.member, column="lacked", text=text)
    (f,) = _open(rw)["retro_recurring_theme"]
    assert f.subject_name == "Unclear acceptance criteria"
    assert f.title.startswith("“Unclear acceptance criteria” came up in 3 of Checkout's")
    assert [e["value"] for e in f.evidence][0] == "3"
    assert any("Lena" in c["name"] for c in f.talk_to)


def test_two_retros_are_not_a_recurring_theme(rw):
    for n in range(2):
        retro = rw.retro(held_on=timezone.localdate() - timedelta(days=14 * n))
        services.add_card(rw.access(rw.member), retro, rw.member, column="lacked",
                          text="Unclear acceptance criteria")  # fmt: skip
    assert "retro_recurring_theme" not in _open(rw)
