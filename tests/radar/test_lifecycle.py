"""A finding's life: raised, cleared, reopened, dismissed and quiet, worse and back; with time
frozen (every run is given its ``now``). The rule used is "risk_unmitigated"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadline.radar import engine, services
from leadline.radar.models import Finding

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def risk(world):
    from leadline.raid.models import RaidItem

    return RaidItem.objects.create(
        workspace=world.workspace, kind="risk", title="Vendor API rate limits",
        owner=world.people["Bo"], team=world.teams["platform"], probability=4, impact=4,
        created_at=T0,
    )  # fmt: skip


def _run(world, days: float) -> engine.RunResult:
    return engine.run(world.workspace, T0 + timedelta(days=days), only=["risk_unmitigated"])


def _finding(world) -> Finding:
    return Finding.objects.get(workspace=world.workspace, rule="risk_unmitigated")


def test_quiet_before_the_threshold_and_raised_after_it(world, risk):
    assert _run(world, 6).raised == 0
    assert not Finding.objects.filter(workspace=world.workspace).exists()
    result = _run(world, 7)
    assert result.raised == 1
    f = _finding(world)
    assert (f.status, f.severity, f.subject_kind, f.subject_id) == (
        "open", "high", "raid", str(risk.pk),
    )  # fmt: skip
    assert f.talk_to == [{"kind": "person", "name": "Bo (owner)"}]
    assert "7 days" in f.title
    assert {
        "label": "Mitigation plan",
        "value": "none",
        "url": f"/w/{world.workspace.slug}/raid/{risk.pk}/",
    } in f.evidence


def test_a_rerun_updates_the_same_finding_and_keeps_the_evidence_frozen(world, risk):
    _run(world, 7)
    first = _finding(world).evidence
    result = _run(world, 9)
    assert (result.raised, result.still_open) == (0, 1)
    f = _finding(world)
    assert f.evidence == first
    assert f.score == 9
    assert f.last_seen_at == T0 + timedelta(days=9)


def test_cleared_when_the_condition_goes_and_reopened_when_it_returns(world, risk):
    _run(world, 7)
    risk.mitigation = "Cache responses; ask for a higher quota"
    risk.save()
    assert _run(world, 8).cleared == 1
    assert _finding(world).status == "resolved"
    risk.mitigation = ""
    risk.save()
    assert _run(world, 10).reopened == 1
    f = _finding(world)
    assert f.status == "open"
    assert [e.action for e in f.events.all()] == ["raised", "cleared", "reopened"]


def test_resolved_by_hand_reopens_while_the_condition_holds(world, risk):
    _run(world, 7)
    services.act(
        world.access, _finding(world).pk, "resolve", world.owner, now=T0 + timedelta(days=7)
    )
    assert _run(world, 8).reopened == 1
    assert _finding(world).status == "open"


def test_dismissed_stays_quiet_unless_its_evidence_gets_worse(world, risk):
    _run(world, 7)
    f = _finding(world)
    services.act(
        world.access,
        f.pk,
        "dismiss",
        world.owner,
        reason="Accepted by the board",
        now=T0 + timedelta(days=7, hours=1),
    )
    f.refresh_from_db()
    assert (f.status, f.dismissed_score) == ("dismissed", 7)
    result = _run(world, 7.5)  # still 7 days: not worse
    assert (result.reopened, _finding(world).status) == (0, "dismissed")
    result = _run(world, 8)  # 8 days: worse than when it was dismissed
    assert result.reopened == 1
    f = _finding(world)
    assert (f.status, f.dismissed_reason) == ("open", "")
    assert f.events.last().action == "worse"


def test_a_dismissed_finding_whose_condition_clears_stays_dismissed(world, risk):
    _run(world, 7)
    services.act(
        world.access,
        _finding(world).pk,
        "dismiss",
        world.owner,
        reason="Accepted",
        now=T0 + timedelta(days=7),
    )
    risk.mitigation = "Plan"
    risk.save()
    assert _run(world, 8).cleared == 0
    assert _finding(world).status == "dismissed"


def test_an_acknowledged_finding_opens_again_at_its_recheck_date(world, risk):
    _run(world, 7)
    f = _finding(world)
    services.act(world.access, f.pk, "acknowledge", world.owner, now=T0 + timedelta(days=7))
    f.refresh_from_db()
    assert f.recheck_at == (T0 + timedelta(days=14)).date()
    _run(world, 13)
    assert _finding(world).status == "acknowledged"
    _run(world, 14)
    f = _finding(world)
    assert f.status == "open"
    assert f.events.last().action == "recheck"


def test_a_muted_rule_neither_runs_nor_lists(world, risk):
    _run(world, 7)
    services.set_rule(world.access, "risk_unmitigated", world.owner, enabled=False)
    assert services.findings(world.workspace)["items"] == []
    assert (
        engine.run(world.workspace, T0 + timedelta(days=30)).rules_run
        == len(services.rules(world.workspace)) - 1
    )
    assert (
        services.findings(world.workspace, rule="risk_unmitigated")["items"][0]["status"] == "open"
    )


def test_thresholds_are_per_workspace_and_checked(world, risk):
    from django.core.exceptions import ValidationError

    services.set_rule(world.access, "risk_unmitigated", world.owner, thresholds={"days": 10})
    assert _run(world, 9).raised == 0
    assert _run(world, 10).raised == 1
    with pytest.raises(ValidationError, match="outside 1–365"):
        services.set_rule(world.access, "risk_unmitigated", world.owner, thresholds={"days": 10**9})
    with pytest.raises(ValidationError, match="inf is outside 1–365"):
        services.set_rule(world.access, "risk_unmitigated", world.owner, thresholds={"days": "inf"})
    with pytest.raises(ValidationError, match="1000000 is outside 1–365"):
        services.set_rule(world.access, "risk_unmitigated", world.owner, thresholds={"days": 1e6})
    with pytest.raises(ValidationError, match="no threshold"):
        services.set_rule(world.access, "risk_unmitigated", world.owner, thresholds={"nope": 1})
    rule = next(r for r in services.rules(world.workspace) if r["key"] == "risk_unmitigated")
    assert [t["value"] for t in rule["thresholds"]] == [10, 12]


def test_feedback_counts_once_per_person_and_gives_the_rule_its_usefulness(world, risk):
    _run(world, 7)
    pk = _finding(world).pk
    services.give_feedback(world.access, pk, world.owner, True)
    services.give_feedback(world.access, pk, world.owner, False)  # changed their mind
    from leadline.workspaces.services import access_for

    services.give_feedback(access_for(world.member, world.workspace.slug), pk, world.member, False)
    rule = next(r for r in services.rules(world.workspace) if r["key"] == "risk_unmitigated")
    assert (rule["useful"], rule["not_useful"], rule["usefulness"]) == (0, 2, 0.0)


def test_a_rule_that_fails_does_not_stop_the_others(world, risk, monkeypatch):
    from leadline.radar import registry

    def broken(ctx, t):
        raise RuntimeError("boom")

    monkeypatch.setitem(
        registry._RULES, "broken", registry.Rule("broken", "flow", "B", "B", broken)
    )
    result = engine.run(
        world.workspace, T0 + timedelta(days=7), only=["broken", "risk_unmitigated"]
    )
    assert result.errors == {"broken": "RuntimeError: boom"}
    assert result.raised == 1
