"""Scoring on hand-checked examples: reverse-scored items, means, normalisation, r_wg."""

from __future__ import annotations

import pytest

from leadline.pulse import catalog, scoring
from leadline.pulse.catalog import Item


def test_the_psychological_safety_scale_has_seven_items_with_items_1_3_and_5_reversed():
    items = catalog.template_items("psychological-safety")
    assert len(items) == 7
    assert [n for n, i in enumerate(items, 1) if i.reverse] == [1, 3, 5]
    assert {i.scale for i in items} == {"agree7"}


def test_the_health_check_has_ten_areas_each_with_a_colour_and_a_trend():
    items = catalog.template_items("health-check")
    assert len([i for i in items if i.scored]) == 10
    assert {i.scale for i in items if i.scored} == {"rag"}
    assert {i.scale for i in items if not i.scored} == {"trend"}


def test_a_reversed_item_counts_eight_minus_the_answer_on_a_seven_point_scale():
    item = Item("x", "negative", "agree7", reverse=True)
    assert [scoring.scored(item, v) for v in (1, 4, 7)] == [7, 4, 1]


def test_item_mean_normalisation_and_distribution_by_hand():
    # Reversed answers 1, 2, 2, 3, 7 count as 7, 6, 6, 5, 1: mean 25/5 = 5.0; (5-1)/6 = 0.6667.
    item = Item("x", "negative", "agree7", reverse=True)
    s = scoring.score_item(item, [{"x": v} for v in (1, 2, 2, 3, 7)])
    assert s is not None
    assert s.mean == pytest.approx(5.0)
    assert s.normalised == pytest.approx(4 / 6)
    assert s.distribution == [1, 0, 0, 0, 1, 2, 1]


def test_rwg_by_hand():
    # Values 5, 6, 6, 5, 6 on 7 options: mean 5.6, s^2 = (0.36*2 + 0.16*3)/4 = 0.3,
    # sigma^2_EU = (49 - 1)/12 = 4, r_wg = 1 - 0.3/4 = 0.925.
    assert scoring.rwg([5, 6, 6, 5, 6], 7) == pytest.approx(0.925)
    # Complete agreement: 1.
    assert scoring.rwg([4, 4, 4], 7) == 1.0
    # Values 1, 1, 7, 7 on 7 options: s^2 = 36*4/4/3 = 12 > 4, so 1 - 3 = -2 clamps to 0.
    assert scoring.rwg([1, 1, 7, 7], 7) == 0.0
    # On the 3-colour scale: 1, 2, 3: s^2 = 1, sigma^2_EU = 8/12, 1 - 1.5 clamps to 0.
    assert scoring.rwg([1, 2, 3], 3) == 0.0
    assert scoring.rwg([3], 7) is None


def test_a_split_team_is_flagged_below_070():
    item = Item("x", "t", "agree7")
    split = scoring.score_item(item, [{"x": v} for v in (1, 2, 6, 7, 7)])
    agreed = scoring.score_item(item, [{"x": v} for v in (5, 6, 6, 5, 6)])
    assert split is not None and agreed is not None
    assert split.split and split.rwg is not None and split.rwg < 0.70
    assert not agreed.split


def test_the_overall_score_is_the_mean_of_each_respondents_mean_after_reversing():
    items = catalog.template_items("psychological-safety")
    # A respondent answering 1 to the three negative items and 7 to the four positive ones
    # scores 7 on every item; one answering 4 everywhere scores 4: overall 5.5, (5.5-1)/6 = 0.75.
    best = {i.key: (1 if i.reverse else 7) for i in items}
    middle = {i.key: 4 for i in items}
    total = scoring.overall(items, [best, middle])
    assert total == (pytest.approx(5.5), pytest.approx(0.75))


def test_the_health_check_score_leaves_the_trend_answers_out():
    items = catalog.template_items("health-check")
    all_green_but_worse = {i.key: (3 if i.scored else 1) for i in items}
    total = scoring.overall(items, [all_green_but_worse])
    assert total == (3.0, 1.0)
