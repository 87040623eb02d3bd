"""Periodic jobs start once per interval, whichever worker asks first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from leadline.jobs.models import Job
from leadline.jobs.periodic import start_due

pytestmark = pytest.mark.django_db


def test_escalation_the_radar_and_the_digest_start_once_per_interval():
    now = timezone.now()
    kinds = sorted(j.kind for j in start_due(now))
    assert kinds == [
        "alignment.remind", "alignment.repeat", "competency.remind", "concentration.refresh",
        "governance.digest", "governance.escalate", "pulse.schedule", "radar.run",
    ]  # fmt: skip
    # A second worker checking a minute later starts nothing.
    assert start_due(now + timedelta(minutes=1)) == []
    # An hour later escalation and the Radar are due again; the digest is not.
    hourly = ["alignment.repeat", "governance.escalate", "pulse.schedule", "radar.run"]
    assert sorted(j.kind for j in start_due(now + timedelta(hours=1))) == hourly
    assert sorted(j.kind for j in start_due(now + timedelta(days=1, hours=1))) == sorted(
        [
            "alignment.remind",
            "competency.remind",
            "concentration.refresh",
            "governance.digest",
            *hourly,
        ]
    )
    assert Job.objects.filter(kind="governance.escalate").count() == 3
    assert Job.objects.filter(kind="radar.run", workspace=None).count() == 3
