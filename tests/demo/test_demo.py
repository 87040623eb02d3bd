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


def test_the_demo_dashboards_tell_a_varied_story():
    """Plan churn like real sprints, services and teams deploying at their own rates, and a
    workspace deployment frequency that is the median of its services' (issue 10)."""
    from datetime import timedelta
    from statistics import median

    from leadline.metrics.dora import dora
    from leadline.metrics.scope import parse_scope
    from leadline.metrics.services import flow

    ctx = build_demo()
    workspace = ctx.workspace
    churn = {}
    for slug, team in ctx.teams.items():
        plan = flow(parse_scope(workspace, team, {}), quality=False)["plan_churn"]
        assert plan["removed"] > 0 and plan["reranks"] > 0, slug
        churn[slug] = plan["churn"]
        assert 0.08 <= plan["churn"] <= 0.35, (slug, plan)
    assert len(set(churn.values())) == 4
    whole = dora(parse_scope(workspace, None, {}, default_days=730))
    recent = whole["recent"]
    last_90 = dora(parse_scope(workspace, None, {"start": str(recent["start"])}))
    per_service = [r["deployment_frequency"]["value"] for r in last_90["by_service"]]
    assert len(per_service) == 8 and len(set(per_service)) >= 5
    freq = recent["deployment_frequency"]
    assert freq["services"] == 8
    assert freq["value"] == pytest.approx(median(per_service), abs=0.002)
    team_tiers = {r["team"]: r["deployment_frequency"]["tier"] for r in last_90["by_team"]}
    assert len(set(team_tiers.values())) >= 2, team_tiers
    # Two years ago the release train: one quarterly release for every service.
    then = recent["start"] - timedelta(days=450)
    early = dora(parse_scope(workspace, None, {"start": str(then - timedelta(days=89)),
                                               "end": str(then)}))  # fmt: skip
    assert early["range"]["deployment_frequency"]["value"] < 0.2
