"""The demo workspace builds idempotently and as a background job."""

from __future__ import annotations

import pytest

from leadline.demo.builder import DEMO_SLUG, build_demo
from leadline.jobs.models import Job
from leadline.jobs.services import run_job
from leadline.workspaces.models import AuditEvent, Membership, Person, Team

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Team.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_building_the_demo_twice_changes_nothing():
    build_demo()
    first = _counts()
    build_demo()
    assert _counts() == first
    assert Team.objects.filter(workspace__slug=DEMO_SLUG).count() == 4
    assert Person.objects.filter(workspace__slug=DEMO_SLUG, kind="stakeholder").count() >= 3
    groups = set(Team.objects.filter(workspace__slug=DEMO_SLUG).values_list("group", flat=True))
    assert groups == {"Product", "IT"}
    assert not Person.objects.filter(
        workspace__slug=DEMO_SLUG, kind="member", function=None
    ).exists()


def test_the_demo_refresh_job_reports_each_step(make_user, client_for):
    build_demo()
    from django.contrib.auth import get_user_model

    client = client_for(get_user_model().objects.get(username="demo"))
    response = client.post(f"/w/{DEMO_SLUG}/jobs/start/", {"kind": "demo.refresh"})
    job = Job.objects.get()
    assert response["Location"] == f"/w/{DEMO_SLUG}/jobs/{job.pk}/"
    assert run_job(str(job.pk)) == "succeeded"
    job.refresh_from_db()
    assert job.done == job.total and job.result["workspace"] == DEMO_SLUG
    page = client.get(f"/w/{DEMO_SLUG}/jobs/{job.pk}/").content.decode()
    assert 'data-job-status="succeeded"' in page
    partial = client.get(f"/w/{DEMO_SLUG}/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="job-progress"')
