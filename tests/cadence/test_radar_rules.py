"""The cadence's Radar rules on a real database: each fires on its condition, names whom to
talk to, and stays quiet when the condition does not hold."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from leadline.cadence import packs, recurrence, review, services
from leadline.cadence.models import Occurrence
from leadline.radar import engine
from leadline.radar.models import Finding
from leadline.raid.models import RaidItem

RULES = ["cadence_checkpoint_missed", "cadence_action_stuck", "cadence_adjust_without_decision",
         "cadence_red_without_action"]  # fmt: skip


def _open(cw, now=None) -> dict[str, list[Finding]]:
    result = engine.run(cw.workspace, now or timezone.now(), only=RULES)
    assert result.errors == {}
    out: dict[str, list[Finding]] = {}
    for f in Finding.objects.filter(workspace=cw.workspace, status="open"):
        out.setdefault(f.rule, []).append(f)
    return out


def _weekly_since(cw, weeks):
    start = timezone.localdate() - timedelta(weeks=weeks)
    return services.create_tier(
        cw.access(cw.lead), cw.lead, name="Ops weekly", kind="team", rrule="FREQ=WEEKLY",
        dtstart=datetime.combine(start, datetime.min.time()).replace(hour=9), tz="UTC",
        duration_minutes=30,
    )  # fmt: skip


def test_new_tiers_raise_nothing(cw):
    assert _open(cw) == {}


def test_meetings_that_passed_without_notes_or_pack_are_a_missed_checkpoint(cw):
    tier = _weekly_since(cw, 3)
    now = timezone.now()
    held = recurrence.window(tier, now - timedelta(days=60), now - timedelta(hours=24))
    assert len(held) >= 2
    found = _open(cw)
    (f,) = found["cadence_checkpoint_missed"]
    assert f.subject_kind == "cadence_tier" and f.severity == "high"
    assert f.talk_to and "someone" not in str(f.talk_to)
    # Notes on every meeting: quiet.
    for s in held:
        services.record_meeting(cw.access(cw.member), services.occurrence_for(tier, s), cw.member,
                                notes="Went through the board.")  # fmt: skip
    assert "cadence_checkpoint_missed" not in _open(cw)


def test_an_action_carried_and_overdue_is_high_and_names_its_owner(cw):
    tier = _weekly_since(cw, 5)
    now = timezone.now()
    first = recurrence.window(tier, now - timedelta(days=60), now)[0]
    occ = services.occurrence_for(tier, first)
    a = services.add_action(cw.access(cw.member), occ, cw.member, title="Book the pen test",
                            owner=cw.people["Ann"].pk, due_on=timezone.localdate() - timedelta(days=20),
                            now=first)  # fmt: skip
    services.carry_forward(cw.workspace, now)
    found = _open(cw)
    (f,) = found["cadence_action_stuck"]
    assert (f.subject_id, f.severity) == (str(a.pk), "high")
    assert f.talk_to[0] == {"kind": "person", "name": "Ann (owner)"}
    services.close_action(cw.access(cw.member), a.pk, cw.member)
    assert "cadence_action_stuck" not in _open(cw)


def test_adjust_with_no_decision_after_fires_and_a_follow_up_decision_clears_it(cw):
    milestone = cw.tier("milestone")
    occ = services.occurrence_for(milestone, recurrence.next_starts(milestone, timezone.now())[0])
    review.vote(cw.access(cw.member), occ, cw.member, person=cw.people["Max"].pk, answer="adjust",
                  rationale="Too much at once")  # fmt: skip
    review.record_right_track(
        cw.access(cw.owner), occ, cw.owner, now=timezone.now() - timedelta(days=20)
    )
    (f,) = _open(cw)["cadence_adjust_without_decision"]
    assert f.subject_kind == "cadence_review"
    services.add_decision(cw.access(cw.owner), occ, cw.owner, title="Drop the second market")
    assert "cadence_adjust_without_decision" not in _open(cw)


def test_a_published_red_pack_with_no_action_fires_until_an_action_is_agreed(cw):
    tier = cw.tier("team")
    RaidItem.objects.create(
        workspace=cw.workspace, kind="issue", title="Sandbox down", blocker=True
    )
    pack = packs.generate(cw.access(cw.lead), tier, cw.lead)
    packs.publish(cw.access(cw.lead), pack, cw.lead, now=timezone.now() - timedelta(days=3))
    (f,) = _open(cw)["cadence_red_without_action"]
    assert "Blockers" in f.title
    occ = services.occurrence_for(tier, recurrence.next_starts(tier, timezone.now())[0])
    services.add_action(cw.access(cw.member), occ, cw.member, title="Restore the sandbox",
                        owner=cw.people["Max"].pk, due_on=date.today() + timedelta(days=3))  # fmt: skip
    assert "cadence_red_without_action" not in _open(cw)
    assert Occurrence.objects.filter(tier=tier).exists()
