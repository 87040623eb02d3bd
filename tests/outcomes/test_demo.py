"""The demo's outcomes: product and IT on their own KPIs before the change (a siloed-incentives
finding for that period), shared KPIs after it, and a benefits roadmap for the change."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from leadline.outcomes import services
from leadline.outcomes.models import Benefit, Kpi
from leadline.radar import engine
from leadline.radar.models import Finding


def test_the_demo_kpis_tell_the_story_before_and_after_the_change(make_user):
    from leadline.delivery.services import today
    from leadline.demo.builder import _base
    from leadline.outcomes import demo
    from leadline.radar.demo import LOOK_BACK_DAYS, LOOK_BACK_RULES
    from leadline.synth.demo import CHANGE_DAYS_BEFORE_END

    ctx = _base(make_user("demo-user"))
    demo.build(ctx)
    demo.build(ctx)  # idempotent
    ws = ctx.workspace
    day = today(ws)
    change = day - timedelta(days=CHANGE_DAYS_BEFORE_END)
    before = Kpi.objects.filter(workspace=ws, active_until=change)
    assert sorted(before.values_list("name", flat=True)) == [
        "Delivery to own estimates", "Hand-offs on deadline", "Specification completeness"]  # fmt: skip
    now_card = services.scorecard(ws, day)
    shared = {r["kpi"]["name"] for r in now_card["rows"] if r["kpi"]["shared"]}
    assert {"Time to delivery", "Successful releases"} <= shared
    assert not {r["kpi"]["name"] for r in now_card["rows"]} & set(
        before.values_list("name", flat=True)
    )
    assert Benefit.objects.filter(workspace=ws).count() == 3
    assert Benefit.objects.filter(workspace=ws, disbenefit=True).count() == 1
    # The Radar's look back (in the train's time) sees the silos; today's run clears them.
    assert {"siloed_function", "opposing_kpis"} <= set(LOOK_BACK_RULES)
    then = datetime.combine(day - timedelta(days=LOOK_BACK_DAYS), time(12), tzinfo=UTC)
    engine.run(ws, then, only=["siloed_function", "opposing_kpis"])
    raised = set(Finding.objects.filter(workspace=ws).values_list("rule", "subject_name"))
    assert raised == {("siloed_function", "Product"), ("siloed_function", "IT"),
                      ("opposing_kpis", "IT and Product")}  # fmt: skip
    engine.run(ws, datetime.combine(day, time(12), tzinfo=UTC),
               only=["siloed_function", "opposing_kpis"])  # fmt: skip
    assert not Finding.objects.filter(workspace=ws, status="open").exists()
