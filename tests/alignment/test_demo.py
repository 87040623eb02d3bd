"""The demo's alignment checks tell the story: disagreement at kickoff, convergence later."""

from __future__ import annotations

import pytest

from leadline.alignment import services as alignment
from leadline.alignment.models import AlignmentCheck, Answer
from leadline.alignment.results import results_for
from leadline.demo.builder import DEMO_SLUG, build_demo
from leadline.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def test_the_demo_checks_show_a_real_disagreement_then_convergence_and_build_once():
    build_demo()
    counts = (AlignmentCheck.objects.count(), Answer.objects.count())
    build_demo()
    assert (
        (AlignmentCheck.objects.count(), Answer.objects.count()) == counts == (2, 76)
    )  # empty free text is no answer
    kickoff = AlignmentCheck.objects.get(title__endswith="kickoff")
    before = {q["kind"]: q for q in results_for(kickoff)["questions"]}
    assert before["metrics"]["disagreement"]
    assert before["metrics"]["detail"]["groups_apart"]  # product and IT pick apart
    assert before["success_criteria"]["disagreement"]
    who = before["who_decides"]
    assert who["measure"]["value"] == 3.0  # three deciders named
    assert "the framework says the triage group" in who["framework_mismatch"]
    assert set(before["scope"]["contested_items"]) >= {"Saved cards", "Fraud screening rewrite"}
    later = AlignmentCheck.objects.get(title__endswith="six weeks in")
    after = {q["kind"]: q for q in results_for(later)["questions"]}
    assert (
        not after["who_decides"]["disagreement"] and not after["who_decides"]["framework_mismatch"]
    )
    assert not after["metrics"]["disagreement"]
    assert after["priorities"]["measure"]["value"] > before["priorities"]["measure"]["value"]
    assert {c["criterion"] for c in after["success_criteria"]["detail"]["criteria"]} == {
        "Time to delivery", "Quality of releases",
    }  # fmt: skip
    open_ones = alignment.open_disagreements(Workspace.objects.get(slug=DEMO_SLUG))
    assert any(d["kind"] == "who_decides" and d["check_id"] == kickoff.pk for d in open_ones)


def test_the_demo_checks_are_one_series_whose_trend_shows_them_converging():
    from leadline.alignment.series import drifts, trend

    build_demo()
    kickoff = AlignmentCheck.objects.get(title__endswith="kickoff")
    later = AlignmentCheck.objects.get(title__endswith="six weeks in")
    assert kickoff.series_id is not None and later.series_id == kickoff.series_id
    t = trend(kickoff.series)
    assert t["checks"] == [kickoff.pk, later.pk] and t["every_weeks"] == 7
    rows = {r["kind"]: r for r in t["questions"]}
    for kind in ("success_criteria", "metrics", "who_decides"):
        assert rows[kind]["converged"], kind  # apart at kickoff, agreed six weeks in
    assert not any(r["drift"] for r in t["questions"])
    assert drifts(Workspace.objects.get(slug=DEMO_SLUG)) == []
