"""Recurring themes: a theme written in three or more retros of a team is found by text
similarity, shown with its history; two retros, or one shared word, are not a theme."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from leadline.retro import services
from leadline.retro.themes import similar


def _retro_with(rw, days_ago, *texts):
    retro = rw.retro(held_on=timezone.localdate() - timedelta(days=days_ago))
    for text in texts:
        services.add_card(rw.access(rw.member), retro, rw.member, column="lacked", text=text)
    return retro


def test_similar_texts_match_in_any_order_but_one_shared_word_does_not():
    assert similar("Unclear acceptance criteria", "acceptance criteria were unclear again")
    assert similar("Stories start with unclear acceptance criteria", "unclear acceptance criteria")
    assert not similar("flaky tests", "tests")
    assert not similar("more pairing", "less pairing")
    assert not similar("Deploys are slow", "Great demo")


def test_a_theme_in_three_retros_is_recurring_with_its_history(rw):
    r1 = _retro_with(rw, 42, "Unclear acceptance criteria", "Great demo")
    _retro_with(rw, 28, "Deploys are slow")
    r3 = _retro_with(rw, 14, "Acceptance criteria were unclear again")
    r4 = _retro_with(rw, 0, "Stories start with unclear acceptance criteria", "Deploys too slow")
    themes = services.recurring_themes(rw.workspace)
    assert [t["title"] for t in themes] == ["Unclear acceptance criteria"]
    theme = themes[0]
    assert theme["retros"] == 3 and theme["team"] == "checkout"
    assert [m["retro"] for m in theme["history"]] == [r1.pk, r3.pk, r4.pk]
    assert theme["first_seen"] == r1.held_on and theme["last_seen"] == r4.held_on


def test_two_retros_are_not_yet_a_theme(rw):
    _retro_with(rw, 14, "Unclear acceptance criteria")
    _retro_with(rw, 0, "acceptance criteria unclear")
    assert services.recurring_themes(rw.workspace) == []


def test_plurals_and_word_order_do_not_hide_a_theme():
    assert similar("Deploys are slow", "slow deploy")
    assert similar("good teamwork", "teamwork was good")
