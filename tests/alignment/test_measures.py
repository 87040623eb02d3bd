"""The measures of disagreement on examples worked out by hand (the arithmetic is in each test)."""

from __future__ import annotations

import pytest

from leadline.alignment import measures


def test_kendall_w_is_one_when_every_rater_ranks_alike() -> None:
    assert measures.kendall_w([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]) == pytest.approx(1.0)


def test_kendall_w_is_zero_when_two_raters_rank_in_opposite_orders() -> None:
    # Rank sums 4, 4, 4 equal their mean m(n+1)/2 = 4: S = 0.
    assert measures.kendall_w([[1, 2, 3], [3, 2, 1]]) == pytest.approx(0.0)


def test_kendall_w_by_hand_for_two_raters_and_three_items() -> None:
    # Rank sums 2, 5, 5; mean 4; S = 4 + 1 + 1 = 6; W = 12·6 / (2²·(27 − 3)) = 72/96 = 0.75.
    assert measures.kendall_w([[1, 2, 3], [1, 3, 2]]) == pytest.approx(0.75)


def test_kendall_w_corrects_for_tied_ranks() -> None:
    # Rater A ties items 2 and 3 (midrank 2.5): T = 2³ − 2 = 6. Rank sums 2, 4.5, 5.5; mean 4;
    # S = 4 + 0.25 + 2.25 = 6.5; W = 12·6.5 / (4·24 − 2·6) = 78/84.
    assert measures.kendall_w([[1, 2.5, 2.5], [1, 2, 3]]) == pytest.approx(78 / 84)


def test_kendall_w_by_hand_for_three_raters_and_six_items() -> None:
    # Rank sums 8, 14, 11, 11, 11, 8; mean m(n+1)/2 = 10.5; W = 12·S / (3²·(6³ − 6)).
    ranks = [[1, 6, 3, 2, 5, 4], [1, 5, 6, 4, 2, 3], [6, 3, 2, 5, 4, 1]]
    sums = [8, 14, 11, 11, 11, 8]
    s = sum((x - 10.5) ** 2 for x in sums)  # 6.25 + 12.25 + 0.25·3 + 6.25 = 25.5
    assert s == pytest.approx(25.5)
    assert measures.kendall_w(ranks) == pytest.approx(12 * 25.5 / (9 * 210))


def test_kendall_w_is_undefined_for_one_rater() -> None:
    assert measures.kendall_w([[1, 2, 3]]) is None


def test_items_left_out_of_an_order_share_the_remaining_places() -> None:
    assert measures.ranks_of(["b"], ["a", "b", "c"]) == [2.5, 1.0, 2.5]


def test_priorities_flag_a_low_w_and_show_who_diverges_from_whom() -> None:
    m = measures.priorities({"Ann": ["a", "b", "c"], "Bo": ["c", "b", "a"]}, ["a", "b", "c"])
    assert m.name == "kendall_w" and m.value == 0.0 and m.disagreement
    assert m.detail["grid"]["Ann"]["Bo"] == -1.0
    assert m.detail["grid"]["Ann"]["Ann"] == 1.0


def test_a_scope_item_below_75_percent_is_contested() -> None:
    answers = [
        {"Guest checkout": "in", "Saved cards": "in"},
        {"Guest checkout": "in", "Saved cards": "out"},
        {"Guest checkout": "in", "Saved cards": "in"},
        {"Guest checkout": "out", "Saved cards": "unsure"},
    ]
    m = measures.scope(answers, ["Guest checkout", "Saved cards"], 0.75)
    # Guest checkout: 3 of 4 in = 75 % (consensus); saved cards: 2 of 4 = 50 % (contested).
    assert m.contested_items == ["Saved cards"]
    assert m.disagreement and m.value == 0.5
    assert m.detail["items"]["Guest checkout"]["share"] == 0.75


def test_the_consensus_threshold_is_configurable() -> None:
    answers = [{"x": "in"}, {"x": "in"}, {"x": "in"}, {"x": "out"}]
    assert measures.scope(answers, ["x"], 0.8).contested_items == ["x"]
    assert measures.scope(answers, ["x"], 0.75).contested_items == []


def test_the_first_number_of_a_target_is_read() -> None:
    assert measures.target_number("lead time under 10 days") == 10.0
    assert measures.target_number("99,5 % uptime") == 99.5
    assert measures.target_number("when it feels right") is None


def test_widely_different_targets_for_one_criterion_are_a_disagreement() -> None:
    m = measures.success_criteria(
        {
            "Ann": [{"criterion": "Lead time", "target": "under 10 days"}],
            "Bo": [{"criterion": "lead  time", "target": "under 30 days"}],
        }
    )
    # Same criterion (case and spaces ignored); 30 > 1.5 × 10: contested. Overlap 1/1 = 1.
    assert m.contested_items == ["Lead time"] and m.disagreement and m.value == 1.0
    assert m.detail["criteria"][0]["min"] == 10.0 and m.detail["criteria"][0]["max"] == 30.0


def test_close_targets_agree_and_disjoint_criteria_disagree() -> None:
    close = measures.success_criteria(
        {"A": [{"criterion": "x", "target": "10"}], "B": [{"criterion": "x", "target": "12"}]}
    )
    assert not close.disagreement
    apart = measures.success_criteria(
        {"A": [{"criterion": "x", "target": "10"}], "B": [{"criterion": "y", "target": "10"}]}
    )
    assert apart.value == 0.0 and apart.disagreement and apart.contested_items == []


def test_metrics_overlap_is_the_mean_pairwise_jaccard() -> None:
    picks = {
        "Ann": ["Lead time", "Throughput", "Quality"],
        "Bo": ["Lead time", "Throughput", "Cost"],
        "Cy": ["Velocity", "Estimates", "Cost"],
    }
    m = measures.metrics(picks, {"Ann": "Product", "Bo": "Product", "Cy": "IT"})
    # Ann/Bo 2/4, Ann/Cy 0/6, Bo/Cy 1/5: mean (0.5 + 0 + 0.2) / 3 = 0.2333.
    assert m.value == pytest.approx(0.233)
    assert m.disagreement
    # Product picks {lead time, throughput, quality, cost}; IT {velocity, estimates, cost}: 1/6.
    assert m.detail["group_overlap"]["IT / Product"] == pytest.approx(0.167)
    assert m.detail["groups_apart"] == ["IT / Product"]


def test_groups_that_pick_apart_disagree_even_when_people_overlap_fairly() -> None:
    picks = {"A": ["x"], "B": ["x"], "C": ["y"], "D": ["y"]}
    m = measures.metrics(picks, {"A": "P", "B": "P", "C": "IT", "D": "IT"})
    assert m.value == pytest.approx(0.333) and m.disagreement
    together = measures.metrics(picks, {"A": "P", "B": "IT", "C": "P", "D": "IT"})
    assert not together.disagreement  # each group holds both picks: overlap 1


def test_two_different_deciders_are_a_disagreement_and_mismatch_the_framework() -> None:
    m = measures.who_decides(
        {"A": "person:1", "B": "person:1", "C": "role:lead", "D": "triage"},
        {"triage", "person:9"},
        "the triage group",
    )
    assert m.disagreement and m.value == 3.0
    assert m.detail["mismatch"] == {"person:1": 2, "role:lead": 1}
    assert m.detail["matching"] == 1 and m.detail["mismatching"] == 3


def test_dont_know_from_a_quarter_is_a_disagreement() -> None:
    answers = {"A": "person:1", "B": "person:1", "C": "person:1", "D": "dont_know"}
    assert measures.who_decides(answers, set(), "").disagreement  # 1/4 = 25 %
    answers["E"] = "person:1"
    assert not measures.who_decides(answers, set(), "").disagreement  # 1/5 = 20 %


def test_likert_percent_agreement_is_the_larger_side() -> None:
    m = measures.likert([5, 4, 4, 2], 0.75)  # agree 3/4
    assert m.value == 0.75 and not m.disagreement
    m = measures.likert([5, 4, 3, 1], 0.75)  # agree 2/4, disagree 1/4
    assert m.value == 0.5 and m.disagreement


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example of four
# observers and twelve units with missing values: nominal .743, ordinal .815, interval .849,
# ratio .797.
RELIABILITY = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


@pytest.mark.parametrize(
    "level, published",
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_alpha_matches_the_published_example(level, published) -> None:
    assert measures.krippendorff_alpha(RELIABILITY, level) == pytest.approx(published, abs=5e-4)


def test_krippendorff_alpha_is_undefined_for_one_statement_or_one_value() -> None:
    assert measures.krippendorff_alpha([[4], [5]]) is None
    assert measures.krippendorff_alpha([[4, 4], [4, 4]]) is None
