"""Reminders: once, two days before the close, to account holders who have not answered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadline.alignment import services as alignment
from leadline.alignment.notices import send_reminders
from leadline.jobs.registry import periodic_jobs
from leadline.notify.models import Notification

from .conftest import START, q

pytestmark = pytest.mark.django_db


def test_a_reminder_reaches_only_account_holders_who_have_not_answered_once(world, sent):
    check, tokens = sent
    assert send_reminders(START + timedelta(days=5)) == 0  # not closing soon yet
    soon = check.closes_at - timedelta(days=1)
    assert send_reminders(soon) == 1  # Mo: the one with an account; the others have none
    note = Notification.objects.get(user=world.member)
    assert note.title.startswith("Reminder") and "/alignment/answer/" in note.url
    assert not Notification.objects.filter(user=world.owner, title__startswith="Reminder")
    assert send_reminders(soon + timedelta(hours=2)) == 0  # reminded already
    # The reminder's fresh link works; the old one was withdrawn.
    fresh = note.url.rsplit("/answer/", 1)[1].strip("/")
    alignment.submit(
        alignment.resolve_link("acme", fresh, now=soon), {q(check, "likert").pk: 3}, now=soon
    )


def test_the_reminder_job_is_registered_to_run_daily():
    assert any(job.kind == "alignment.remind" for job in periodic_jobs())
