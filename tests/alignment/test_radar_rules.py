"""The alignment checks' Radar rules: a contested scope item (and each other disagreement)
raises a finding naming the people involved, only once the results are shown; a check closing
soon names how many have not answered."""

from __future__ import annotations

from datetime import timedelta

from leadline.alignment import services as alignment
from leadline.radar import engine
from leadline.radar.models import Finding

from .conftest import START
from .test_checks import _answer_all

RULES = ["alignment_disagreement", "alignment_unanswered"]


def _open(world, now) -> dict[str, list[Finding]]:
    result = engine.run(world.workspace, now, only=RULES)
    assert result.errors == {}
    out: dict[str, list[Finding]] = {}
    for f in Finding.objects.filter(workspace=world.workspace, status="open"):
        out.setdefault(f.rule, []).append(f)
    return out


def test_a_contested_scope_item_raises_a_finding_once_the_results_are_shown(world, sent):
    check, tokens = sent
    _answer_all(check, world, tokens)
    assert "alignment_disagreement" not in _open(world, START)  # results hidden: nothing told
    alignment.show_results(world.access, check)
    found = {
        f.subject_name.split(": ", 1)[1]: f for f in _open(world, START)["alignment_disagreement"]
    }
    scope = found["What is in the first release?"]
    assert scope.severity == "high"
    assert (
        scope.title
        == "“Checkout rewrite”: people disagree on what is in and out of scope (Saved cards)"
    )
    assert {
        "label": "Contested",
        "value": "Saved cards",
        "url": scope.subject_url,
    } in scope.evidence
    assert [c["name"] for c in scope.talk_to][:2] == ["Cy", "Sam"]
    who = found["Who decides the payment-page design?"]
    assert any(e["label"] == "Against the decision framework" for e in who.evidence)
    assert len(found) == 5  # scope, priorities, success criteria, metrics, who decides


def test_a_check_closing_soon_names_how_many_have_not_answered(world, sent):
    check, tokens = sent
    _answer_all(check, world, tokens)
    assert "alignment_unanswered" not in _open(world, START + timedelta(days=2))  # 12 days left
    (f,) = _open(world, START + timedelta(days=12))["alignment_unanswered"]
    assert f.title.endswith("1 of 5 have not answered")
    assert f.evidence[0]["value"] == "Mo"
    assert f.severity == "low"
