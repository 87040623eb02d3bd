"""Meetings: actions carried with their age and escalated to the next tier after N meetings
(time frozen); decisions and the monthly "right track" vote written into the decision log."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from leadline.cadence import recurrence, review, services
from leadline.decisions.models import Decision

UTC = ZoneInfo("UTC")


def _weekly(cw, escalate_after=2):
    return services.create_tier(
        cw.access(cw.lead), cw.lead, name="Team weekly", kind="team", rrule="FREQ=WEEKLY;BYDAY=MO",
        dtstart=datetime(2026, 3, 2, 9, 30), tz="Europe/Berlin", duration_minutes=30,
    )  # fmt: skip


def test_an_open_action_is_carried_with_its_age_and_escalates_after_n_meetings(cw):
    stakeholder = cw.tier("stakeholder")
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        tier = _weekly(cw)
        tier.escalate_after = 2
        tier.save()
        occ = services.latest_occurrence(tier, datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
        assert occ.start == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)  # 09:30 in Berlin (CET)
        action = services.add_action(cw.access(cw.member), occ, cw.member, title="Fix the flaky test",
                                     owner=cw.people["Max"].pk, due_on=date(2026, 3, 6))  # fmt: skip
    with time_machine.travel(datetime(2026, 3, 9, 12, 0, tzinfo=UTC), tick=False):
        assert services.carry_forward(cw.workspace, datetime(2026, 3, 9, 12, 0, tzinfo=UTC)) == []
        nxt = services.latest_occurrence(tier, datetime(2026, 3, 9, 12, 0, tzinfo=UTC))
        m = services.meeting(nxt, datetime(2026, 3, 9, 12, 0, tzinfo=UTC))
        (carried,) = m["carried"]
        assert (carried["title"], carried["carried"], carried["age_days"], carried["overdue"]) == (
            "Fix the flaky test",
            1,
            7,
            True,
        )
    # A cancelled meeting does not count.
    third = services.occurrence_for(tier, datetime(2026, 3, 16, 8, 30, tzinfo=UTC))
    services.cancel_occurrence(cw.access(cw.lead), third, cw.lead)
    with time_machine.travel(datetime(2026, 3, 17, 12, 0, tzinfo=UTC), tick=False):
        assert services.carry_forward(cw.workspace, datetime(2026, 3, 17, 12, 0, tzinfo=UTC)) == []
    with time_machine.travel(datetime(2026, 3, 30, 12, 0, tzinfo=UTC), tick=False):
        now = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
        (up,) = services.carry_forward(cw.workspace, now)
        assert up.pk == action.pk and up.escalated_to == stakeholder and up.carried == 3
        # 30 March is after the change to summer time: still 09:30 in Berlin, 07:30 UTC.
        assert recurrence.previous_start(tier, now).astimezone(UTC).hour == 7
        # It is now on the stakeholder check-in's agenda.
        upcoming = services.occurrence_for(stakeholder, recurrence.next_starts(stakeholder, now)[0])
        agenda = services.meeting(upcoming, now)
        assert [a["title"] for a in agenda["escalated"]] == ["Fix the flaky test"]
        assert services.carry_forward(cw.workspace, now) == []  # once
    services.close_action(cw.access(cw.member), action.pk, cw.member)
    assert services.escalations_to(cw.workspace, stakeholder) == []


def test_a_decision_taken_in_a_meeting_lands_in_the_decision_log(cw):
    tier = cw.tier("team")
    occ = services.occurrence_for(
        tier, recurrence.next_starts(tier, datetime(2026, 1, 1, tzinfo=UTC))[0]
    )
    d = services.add_decision(cw.access(cw.owner), occ, cw.owner, title="Freeze scope for v2",
                              outcome="Freeze", rationale="Launch date")  # fmt: skip
    d.refresh_from_db()
    assert (d.title, d.status, d.decision) == ("Freeze scope for v2", "decided", "Freeze")
    assert services.meeting(occ, datetime(2026, 1, 1, tzinfo=UTC))["decisions"] == [d.pk]


def test_the_right_track_vote_is_recorded_as_a_decision(cw):
    milestone = cw.tier("milestone")
    start = recurrence.next_starts(milestone, datetime(2026, 1, 1, tzinfo=UTC))[0]
    occ = services.occurrence_for(milestone, start)
    member = cw.access(cw.member)
    review.vote(member, occ, cw.member, person=cw.people["Max"].pk, answer="adjust",
                  rationale="Loyalty work keeps jumping the queue")  # fmt: skip
    review.vote(member, occ, cw.member, person=cw.people["Ann"].pk, answer="continue",
                  rationale="Milestone 2 is on track")  # fmt: skip
    review.vote(member, occ, cw.member, person=cw.people["Sam"].pk, answer="adjust",
                  rationale="Drop the second market for now")  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        review.vote(
            member, occ, cw.member, person=cw.people["Max"].pk, answer="maybe", rationale="x"
        )
    assert "answer" in caught.value.message_dict
    decision = review.record_right_track(cw.access(cw.owner), occ, cw.owner)
    logged = Decision.objects.get(pk=decision.pk, workspace=cw.workspace)
    assert logged.status == "decided"
    assert logged.decision == "Adjust (1 continue, 2 adjust)"
    assert "Max: adjust — Loyalty work keeps jumping the queue" in logged.context
    occ.refresh_from_db()
    assert occ.right_track == "adjust" and occ.right_track_decision_id == decision.pk
    with pytest.raises(ValidationError):
        review.record_right_track(cw.access(cw.owner), occ, cw.owner)


def test_only_a_milestone_review_asks_the_question(cw):
    tier = cw.tier("team")
    occ = services.occurrence_for(
        tier, recurrence.next_starts(tier, datetime(2026, 1, 1, tzinfo=UTC))[0]
    )
    with pytest.raises(ValidationError):
        review.vote(cw.access(cw.member), occ, cw.member, person=cw.people["Max"].pk,
                      answer="continue", rationale="ok")  # fmt: skip
