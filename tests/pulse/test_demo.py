"""The demo's pulses: every team over two years, lower before the change and rising after it,
Data's latest round hidden below k, a round hidden for being too close to the one before."""

from __future__ import annotations

from statistics import fmean

from django.utils import timezone

from leadline.pulse import privacy, reports
from leadline.pulse.models import Pulse


def test_the_demo_pulses_tell_the_story_and_hide_what_k_requires(make_user):
    from leadline.demo.builder import _base
    from leadline.pulse import demo
    from leadline.synth.demo import CHANGE_DAYS_BEFORE_END

    ctx = _base(make_user("demo-user"))
    demo.build(ctx)
    demo.build(ctx)  # idempotent
    ws = ctx.workspace
    assert Pulse.objects.filter(workspace=ws).count() == 5
    now = timezone.now()
    change = now - timezone.timedelta(days=CHANGE_DAYS_BEFORE_END)
    for s in reports.summaries(ws, now):
        assert len(s["trend"]) >= 12, s["team"]
        if s["template"] != "psychological-safety" or s["team"] == "data":
            continue
        points = [p for p in s["trend"] if not p["suppressed"]]
        before = fmean(p["normalised"] for p in points if p["closes_at"] < change)
        after = fmean(p["normalised"] for p in points[-6:])
        assert after > before + 0.15, s["team"]
    data = Pulse.objects.get(workspace=ws, team__slug="data")
    latest = reports.results(ws, data, now)
    assert latest["suppressed"] and latest["respondents"] == 2 and "score" not in latest
    mobile = Pulse.objects.get(workspace=ws, team__slug="mobile")
    reasons = {d.reason for rid, d in reports.decisions(ws, now).items()
               if rid in set(mobile.rounds.values_list("id", flat=True))}  # fmt: skip
    assert privacy.TOO_CLOSE in reasons
    checkout = Pulse.objects.get(
        workspace=ws, team__slug="checkout", template="psychological-safety"
    )
    assert reports.summaries(ws, now, checkout.team)[0]["open_round"] is not None
