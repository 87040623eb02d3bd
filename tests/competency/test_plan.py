"""The development plan: at most three open goals (service, page and API say so), review dates
that make sense, and one reminder per review date with time frozen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from leadline.competency import jobs, plan
from leadline.competency.models import Goal
from leadline.notify.models import Notification

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _goal(cw, a, review_on, text="Run a forecast review with stakeholders"):
    return plan.add_goal(cw.access(cw.me), cw.me, a, competency="forecasting", text=text,
                             review_on=review_on, now=NOW)  # fmt: skip


def test_a_plan_holds_at_most_three_open_goals(cw, client_for, api_for):
    a = cw.assessment()
    for i in range(3):
        _goal(cw, a, date(2026, 4, 1), f"Goal {i}")
    with pytest.raises(ValidationError) as err:
        _goal(cw, a, date(2026, 4, 1))
    assert "at most 3 open goals" in str(err.value.message_dict["goals"])
    api = api_for(cw.me)
    r = api.post(f"/api/v1/workspaces/{cw.workspace.slug}/competency/assessments/{a.pk}/goals",
                 {"competency": "risk", "text": "Fourth", "review_on": "2030-01-01"},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "at most 3 open goals" in r.content.decode()
    c = client_for(cw.me)
    url = f"/w/{cw.workspace.slug}/people/competency/{a.pk}/"
    assert "data-plan-full" in c.get(url).content.decode()
    r = c.post(url, {"op": "goal", "competency": "risk", "text": "Fourth", "review_on": "2030-01-01"},
               follow=True)  # fmt: skip
    assert "at most 3 open goals" in r.content.decode()
    assert Goal.objects.filter(assessment=a).count() == 3
    # A goal done makes room for the next one.
    g = Goal.objects.filter(assessment=a).first()
    plan.update_goal(cw.access(cw.me), cw.me, a, g.pk, done=True, now=NOW)
    _goal(cw, a, date(2026, 4, 1), "Fourth")
    assert Goal.objects.filter(assessment=a, done=False).count() == 3


def test_a_due_goal_is_reminded_once_and_only_to_its_person(cw):
    a = cw.assessment()
    with time_machine.travel(NOW, tick=False):
        goal = _goal(cw, a, date(2026, 3, 5))
        assert jobs.send_reminders(NOW) == 0  # not due yet
    due = NOW + timedelta(days=3)
    with time_machine.travel(due, tick=False):
        assert jobs.send_reminders(due) == 1
        assert jobs.send_reminders(due + timedelta(hours=1)) == 0
        assert jobs.send_reminders(due + timedelta(days=1)) == 0
    notes = Notification.objects.filter(title__contains="development goal")
    assert [n.user for n in notes] == [cw.me]  # not the workspace's owner or leads
    assert f"/people/competency/{a.pk}/" in notes[0].url
    # A new review date is a new reminder; a done goal is not reminded.
    later = due + timedelta(days=10)
    with time_machine.travel(due, tick=False):
        plan.update_goal(cw.access(cw.me), cw.me, a, goal.pk, review_on=date(2026, 3, 12), now=due)
    with time_machine.travel(later, tick=False):
        assert jobs.send_reminders(later) == 1
        Goal.objects.filter(pk=goal.pk).update(done=True, review_on=date(2026, 3, 13))
        assert jobs.send_reminders(later + timedelta(days=2)) == 0


def test_the_reminder_job_is_periodic():
    from leadline.jobs.registry import periodic_jobs

    assert "competency.remind" in [p.kind for p in periodic_jobs()]
