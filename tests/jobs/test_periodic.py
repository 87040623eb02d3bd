"""Periodic jobs start once per interval, whichever worker asks first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from leadline.jobs.models import Job
from leadline.jobs.periodic import start_due

pytestmark = pytest.mark.django_db


def test_escalation_and_digest_start_once_per_interval():
    now = timezone.now()
    kinds = sorted(j.kind for j in start_due(now))
    assert kinds == ["alignment.remind", "governance.digest", "governance.escalate"]
    # A second worker checking a minute later starts nothing.
    assert start_due(now + timedelta(minutes=1)) == []
    # An hour later escalation is due again; the digest is not.
    assert [j.kind for j in start_due(now + timedelta(hours=1))] == ["governance.escalate"]
    assert [j.kind for j in start_due(now + timedelta(days=1, hours=1))] == [
        "governance.escalate",
        "governance.digest",
        "alignment.remind",
    ]
    assert Job.objects.filter(kind="governance.escalate").count() == 3
