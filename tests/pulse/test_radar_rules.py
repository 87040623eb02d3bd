"""The pulses' Radar rules read released figures and counts only: a drop between rounds, a split
team, falling participation; a round below k gives no drop and no split, only its count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from leadline.radar import engine
from leadline.radar.models import Finding

from .conftest import ps, run_round, same

RULES = ["pulse_drop", "pulse_split", "pulse_participation_falling"]
HIGH = ps(1, 7, 1, 7, 1, 7, 7)  # the best answer everywhere (items 1, 3, 5 reversed)
SPLIT = [ps(1, 7, 1, 1, 1, 7, 7), ps(1, 7, 1, 7, 1, 7, 7), ps(7, 1, 7, 1, 7, 1, 1),
         ps(7, 1, 7, 7, 7, 1, 1), ps(4, 4, 4, 4, 4, 4, 4), ps(1, 7, 1, 7, 1, 7, 7),
         ps(7, 1, 7, 1, 7, 1, 1)]  # fmt: skip


@pytest.fixture
def led(pw):
    from leadline.workspaces.models import Person

    # Not in the team: an eighth invitee would change who answers from round to round.
    Person.objects.create(workspace=pw.workspace, name="Lea Lead", user=pw.lead)
    return pw


def _open(pw) -> dict[str, Finding]:
    result = engine.run(pw.workspace, timezone.now(), only=RULES)
    assert result.errors == {}
    return {f.rule: f for f in Finding.objects.filter(workspace=pw.workspace, status="open")}


def test_a_steady_team_raises_nothing(led):
    start = timezone.now() - timedelta(days=40)
    pulse, _, _ = run_round(led, [HIGH] * 7, now=start)
    run_round(led, [HIGH] * 7, pulse=pulse, now=start + timedelta(days=14))
    assert _open(led) == {}


def test_a_drop_and_a_split_are_raised_with_the_released_figures(led):
    start = timezone.now() - timedelta(days=40)
    pulse, _, _ = run_round(led, [HIGH] * 7, now=start)
    run_round(led, SPLIT, pulse=pulse, now=start + timedelta(days=14))
    found = _open(led)
    assert set(found) == {"pulse_drop", "pulse_split"}
    drop = found["pulse_drop"]
    assert drop.severity == "high"
    assert drop.subject_kind == "pulse" and drop.subject_id == str(pulse.pk)
    overall = next(e for e in drop.evidence if e["label"] == "Overall")
    assert overall["value"].startswith("100 % → ")
    assert {"label": "Respondents", "value": "7 of 7 invited", "url": drop.subject_url} in (
        drop.evidence
    )
    assert drop.talk_to == [{"kind": "person", "name": "Lea Lead (workspace lead)"}]
    split = found["pulse_split"]
    assert "risks" in split.evidence[0]["value"]


def test_a_round_below_k_gives_counts_only_participation_falls_and_the_drop_clears(led):
    start = timezone.now() - timedelta(days=50)
    pulse, _, _ = run_round(led, [HIGH] * 7, now=start)
    run_round(led, SPLIT, pulse=pulse, now=start + timedelta(days=14))
    assert "pulse_drop" in _open(led)
    run_round(led, [same(4)] * 4, pulse=pulse, now=start + timedelta(days=28))  # 4 < k = 5
    found = _open(led)
    assert set(found) == {"pulse_participation_falling"}
    f = found["pulse_participation_falling"]
    assert f.title.endswith("4 of 7 answered, down from 7 of 7")
    assert f.score == pytest.approx(42.9)
    # No figure of the hidden round anywhere in the finding: only counts.
    assert all("→" not in e["value"] for e in f.evidence)
    cleared = Finding.objects.get(workspace=led.workspace, rule="pulse_drop")
    assert cleared.status == "resolved"
