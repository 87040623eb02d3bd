"""The demo user's own assessment with evidence and a plan: built twice it is the same, and
nobody else in the demo workspace can read it."""

from __future__ import annotations

import pytest
from django.http import Http404

from leadline.competency import demo, plan, services
from leadline.competency.models import Assessment, Goal, Rating


@pytest.mark.django_db
def test_the_demo_step_builds_the_demo_users_assessment_and_plan_once(make_user):
    from leadline.demo.builder import _base, demo_user
    from leadline.workspaces.services import access_for, set_membership

    ctx = _base(demo_user())
    demo.build(ctx)
    counts = (Assessment.objects.count(), Rating.objects.count(), Goal.objects.count())
    demo.build(ctx)
    assert (Assessment.objects.count(), Rating.objects.count(), Goal.objects.count()) == counts
    a = Assessment.objects.get()
    assert a.user == ctx.user and counts[2] == plan.MAX_GOALS
    assert Rating.objects.filter(assessment=a).exclude(evidence="").count() >= 10
    owner = make_user("boss")
    set_membership(ctx.workspace, owner, "owner")
    with pytest.raises(Http404):
        services.readable(access_for(owner, ctx.workspace.slug), owner, a.pk)
