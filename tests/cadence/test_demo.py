"""The demo's cadence: the four tiers, past weekly meetings with notes and actions (one carried
and escalated), a right-track answer in the decision log, a published weekly pack, a draft
milestone review pack with the outcomes sections; built twice it is the same."""

from __future__ import annotations

import pytest

from leadline.cadence import demo
from leadline.cadence.models import CadenceTier, Occurrence, OccurrenceAction, Pack


@pytest.mark.django_db
def test_the_demo_step_builds_the_cadence_once():
    from leadline.demo.builder import _base, demo_user

    ctx = _base(demo_user())
    demo.build(ctx)
    counts = (Occurrence.objects.count(), OccurrenceAction.objects.count(), Pack.objects.count())
    demo.build(ctx)
    assert (
        Occurrence.objects.count(),
        OccurrenceAction.objects.count(),
        Pack.objects.count(),
    ) == counts
    ws = ctx.workspace
    assert sorted(CadenceTier.objects.filter(workspace=ws).values_list("kind", flat=True)) == [
        "milestone",
        "stakeholder",
        "steering",
        "team",
    ]
    weekly = CadenceTier.objects.get(workspace=ws, kind="team")
    assert Occurrence.objects.filter(tier=weekly).exclude(notes="").count() == 4
    (escalated,) = OccurrenceAction.objects.filter(workspace=ws, escalated_to__kind="stakeholder")
    assert escalated.carried >= 3 and escalated.done_at is None
    (pack,) = Pack.objects.filter(workspace=ws, tier=weekly)
    assert pack.published_at is not None and pack.narrative
    review = Occurrence.objects.get(tier__workspace=ws, tier__kind="milestone", right_track__gt="")
    assert review.right_track == "continue" and review.right_track_decision is not None
    (draft,) = Pack.objects.filter(workspace=ws, tier__kind="milestone")
    keys = [s["key"] for s in draft.sections]
    assert {"milestones", "benefits", "scorecards"} <= set(keys) and draft.published_at is None
