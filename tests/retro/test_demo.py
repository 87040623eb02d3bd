"""The demo's retrospectives: built twice they are the same; they hold done, dropped and open
actions, the recurring theme "unclear acceptance criteria" and a team whose retros agree nothing."""

from __future__ import annotations

import pytest

from leadline.retro import demo, services
from leadline.retro.models import Action, Card, Retro


@pytest.mark.django_db
def test_the_demo_step_builds_retros_with_actions_and_a_recurring_theme_once():
    from leadline.demo.builder import _base, demo_user

    ctx = _base(demo_user())
    demo.build(ctx)
    counts = (Retro.objects.count(), Card.objects.count(), Action.objects.count())
    demo.build(ctx)
    assert (Retro.objects.count(), Card.objects.count(), Action.objects.count()) == counts
    statuses = set(Action.objects.values_list("status", flat=True))
    assert statuses == {"open", "done", "dropped"}
    themes = services.recurring_themes(ctx.workspace, ctx.teams["checkout"])
    assert [t["title"] for t in themes] == ["Unclear acceptance criteria"]
    assert themes[0]["retros"] >= 3
    live = Retro.objects.filter(team=ctx.teams["checkout"]).first()
    assert live.phase == "vote"
    carried = services.open_actions(ctx.workspace, ctx.teams["checkout"])
    assert len(carried) == 2 and all(a["age_days"] >= 14 for a in carried)
    quiet = services.retros_without_actions(ctx.workspace)
    assert [q["team"] for q in quiet] == ["mobile"]
