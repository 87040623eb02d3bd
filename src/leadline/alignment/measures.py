"""The measures of disagreement, one per kind of question. Pure Python: no Django, no I/O.

Each function takes the answers of one question (one value per respondent, in the shapes the
API documents) and returns a :class:`Measure`: its name and value, whether it is a
disagreement, and what is contested. The thresholds are the constants below (the consensus
share is per check).
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import Any, Literal

# Kendall's W below this is a disagreement (0.5: "moderate agreement", Schmidt 1997).
KENDALL_W_MIN = 0.5
# Mean pairwise overlap (Jaccard) of chosen metrics below this is a disagreement: two people
# who each pick three metrics and share one overlap 1/5 = 0.2.
METRICS_OVERLAP_MIN = 0.3
# A criterion's targets are widely different when the largest is more than 1.5 times the
# smallest (e.g. "under 10 days" and "under 20 days").
TARGET_RATIO_MAX = 1.5
# "Don't know" from this share of respondents is a who-decides disagreement by itself.
DONT_KNOW_SHARE = 0.25
DONT_KNOW = "dont_know"


@dataclass
class Measure:
    name: str
    value: float | None
    disagreement: bool
    contested_items: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


# --- Priorities: Kendall's W ----------------------------------------------------------------
def ranks_of(order: list[str], items: list[str]) -> list[float]:
    """Return the rank (1 = first) of each of ``items`` in ``order``; items left out share the
    remaining places (their mean rank: a tie)."""
    position = {item: i + 1 for i, item in enumerate(order) if item in items}
    missing = [item for item in items if item not in position]
    first_free = len(position) + 1
    tied = (first_free + len(items)) / 2 if missing else 0.0
    return [float(position[item]) if item in position else tied for item in items]


def kendall_w(rankings: list[list[float]]) -> float | None:
    """Kendall's coefficient of concordance of ``m`` raters ranking the same ``n`` items.

    ``W = 12 S / (m²(n³ − n) − m T)`` where ``S`` is the sum of squared deviations of each
    item's rank sum from the mean rank sum ``m(n + 1)/2`` and ``T = Σ (t³ − t)`` over every
    group of ``t`` tied ranks of every rater (midranks). 1 is full agreement, 0 none. None when
    it is undefined (fewer than two raters or items, or every rater ties everything).
    """
    m = len(rankings)
    n = len(rankings[0]) if rankings else 0
    if m < 2 or n < 2:
        return None
    sums = [sum(r[i] for r in rankings) for i in range(n)]
    mean = m * (n + 1) / 2
    s = sum((x - mean) ** 2 for x in sums)
    t = sum(c**3 - c for r in rankings for c in Counter(r).values() if c > 1)
    denominator = m * m * (n**3 - n) - m * t
    if denominator <= 0:
        return None
    return 12 * s / denominator


def rank_correlation(a: list[float], b: list[float]) -> float | None:
    """Spearman's rho of two rankings (Pearson's r on the ranks, so ties are handled)."""
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True))
    va = math.sqrt(sum((x - ma) ** 2 for x in a))
    vb = math.sqrt(sum((y - mb) ** 2 for y in b))
    if va == 0 or vb == 0:
        return None
    return cov / (va * vb)


def priorities(orders: dict[str, list[str]], items: list[str]) -> Measure:
    """Kendall's W of the respondents' orders, and a grid of who diverges from whom (each pair's
    rank correlation; negative: they rank the list in nearly opposite orders)."""
    ranks = {who: ranks_of(order, items) for who, order in orders.items()}
    w = kendall_w(list(ranks.values()))
    grid = {a: {b: _round(rank_correlation(ranks[a], ranks[b])) for b in ranks} for a in ranks}
    mean_rank = {
        item: round(sum(r[i] for r in ranks.values()) / len(ranks), 2) if ranks else None
        for i, item in enumerate(items)
    }
    return Measure(
        "kendall_w",
        _round(w),
        w is not None and w < KENDALL_W_MIN,
        detail={"grid": grid, "mean_rank": mean_rank},
    )


# --- Scope: consensus per item --------------------------------------------------------------
def scope(answers: list[dict[str, str]], items: list[str], consensus: float) -> Measure:
    """Per item, the share of the most frequent answer (in, out, unsure); an item is contested
    when that share is below ``consensus`` (0.75 by default). The value is the share of items
    that reach consensus."""
    shares: dict[str, dict[str, Any]] = {}
    contested = []
    for item in items:
        counts = Counter(a[item] for a in answers if a.get(item))
        total = sum(counts.values())
        top, top_n = counts.most_common(1)[0] if counts else ("", 0)
        share = top_n / total if total else 0.0
        shares[item] = {"answers": dict(counts), "top": top, "share": round(share, 3)}
        if total and share < consensus - 1e-9:
            contested.append(item)
    answered = [i for i in items if shares[i]["answers"]]
    value = (len(answered) - len(contested)) / len(answered) if answered else None
    return Measure("consensus_share", _round(value), bool(contested), contested, {"items": shares})


# --- Success criteria: spread of targets ----------------------------------------------------
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def target_number(target: str) -> float | None:
    """Return the first number in a stated target ("under 10 days" → 10.0), if any."""
    found = _NUMBER.search(target or "")
    return float(found.group().replace(",", ".")) if found else None


def criterion_key(criterion: str) -> str:
    return " ".join(criterion.lower().split())


def success_criteria(answers: dict[str, list[dict[str, str]]]) -> Measure:
    """Group the criteria respondents named (case and spaces ignored); for each one named by two
    or more, the spread of the numbers in their targets. Widely different targets (largest more
    than 1.5 × the smallest) make it contested. The value is the mean pairwise overlap
    (Jaccard) of the criteria respondents named: low when they judge success by different
    things, which is a disagreement too."""
    by_criterion: dict[str, dict[str, Any]] = {}
    named: dict[str, set[str]] = {}
    for who, rows in answers.items():
        for row in rows:
            key = criterion_key(row.get("criterion", ""))
            if not key:
                continue
            named.setdefault(who, set()).add(key)
            entry = by_criterion.setdefault(
                key, {"criterion": row["criterion"].strip(), "targets": {}}
            )
            entry["targets"][who] = row.get("target", "")
    contested = []
    for entry in by_criterion.values():
        numbers = [n for t in entry["targets"].values() if (n := target_number(t)) is not None]
        entry["named_by"] = len(entry["targets"])
        entry["min"] = min(numbers) if numbers else None
        entry["max"] = max(numbers) if numbers else None
        entry["median"] = median(numbers) if numbers else None
        wide = len(numbers) >= 2 and (
            (min(numbers) <= 0 < max(numbers)) or max(numbers) > TARGET_RATIO_MAX * min(numbers)
        )
        entry["wide"] = wide
        if wide:
            contested.append(entry["criterion"])
    overlap = mean_jaccard(list(named.values()))
    return Measure(
        "criteria_overlap",
        _round(overlap),
        bool(contested) or (overlap is not None and overlap < METRICS_OVERLAP_MIN),
        contested,
        {"criteria": list(by_criterion.values())},
    )


# --- Metrics that matter: overlap -----------------------------------------------------------
def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def mean_jaccard(sets: list[set[str]]) -> float | None:
    """The mean overlap |A ∩ B| / |A ∪ B| over every pair; None with fewer than two sets."""
    pairs = list(itertools.combinations(sets, 2))
    if not pairs:
        return None
    return sum(jaccard(a, b) for a, b in pairs) / len(pairs)


def metrics(picks: dict[str, list[str]], groups: dict[str, str]) -> Measure:
    """Mean pairwise overlap of the metrics respondents picked, and between groups (the union
    of each group's picks); either below 0.3 is a disagreement."""
    sets = {who: {criterion_key(p) for p in chosen} for who, chosen in picks.items()}
    by_group: dict[str, set[str]] = {}
    for who, chosen in sets.items():
        by_group.setdefault(groups.get(who, ""), set()).update(chosen)
    group_overlap = {
        f"{a} / {b}": round(jaccard(by_group[a], by_group[b]), 3)
        for a, b in itertools.combinations(sorted(by_group), 2)
    }
    overlap = mean_jaccard(list(sets.values()))
    # Groups that agree within but not with each other ("product picks X, IT picks Y") are a
    # disagreement even when the mean over every pair of people looks fair.
    apart = [pair for pair, o in group_overlap.items() if o < METRICS_OVERLAP_MIN]
    return Measure(
        "metrics_overlap",
        _round(overlap),
        (overlap is not None and overlap < METRICS_OVERLAP_MIN) or bool(apart),
        detail={"group_overlap": group_overlap, "groups_apart": apart},
    )


# --- Who decides: different deciders, "don't know", the framework ---------------------------
def who_decides(answers: dict[str, str], framework: set[str], framework_name: str) -> Measure:
    """``answers`` maps each respondent to the decider they named (a normalised key: "person:7",
    "role:lead", "triage", free text, or "dont_know"). A disagreement when two or more different
    deciders are named or "don't know" reaches 25 %. Every named decider is compared with
    ``framework`` (the keys that match what the decision-rights framework says); the detail
    names the mismatch."""
    named = Counter(v for v in answers.values() if v != DONT_KNOW)
    dont_know = sum(1 for v in answers.values() if v == DONT_KNOW)
    total = len(answers)
    share_dk = dont_know / total if total else 0.0
    mismatch = {v: n for v, n in named.items() if framework and v not in framework}
    return Measure(
        "distinct_deciders",
        float(len(named)),
        len(named) >= 2 or (total > 0 and share_dk >= DONT_KNOW_SHARE - 1e-9),
        detail={
            "dont_know_share": round(share_dk, 3),
            "framework": framework_name,
            "mismatch": mismatch,
            "mismatching": sum(mismatch.values()),
            "matching": sum(n for v, n in named.items() if v in framework),
        },
    )


# --- Likert statements ----------------------------------------------------------------------
def likert(values: list[int], consensus: float) -> Measure:
    """Percent agreement: the share on the larger side (agree 4–5 or disagree 1–2; neutral 3
    counts for neither). Below ``consensus`` it is a disagreement."""
    if not values:
        return Measure("percent_agreement", None, False)
    agree = sum(1 for v in values if v >= 4) / len(values)
    disagree = sum(1 for v in values if v <= 2) / len(values)
    share = max(agree, disagree)
    return Measure(
        "percent_agreement",
        round(share, 3),
        share < consensus - 1e-9,
        detail={"agree": round(agree, 3), "disagree": round(disagree, 3)},
    )


Level = Literal["nominal", "ordinal", "interval", "ratio"]


def krippendorff_alpha(ratings: list[list[float | None]], level: Level = "ordinal") -> float | None:
    """Krippendorff's alpha of ``ratings`` (one row per rater, one column per unit; None where
    a rater gave no value), from the ``krippendorff`` package. For a check's agreement
    statements the units are the statements and the raters the respondents, at the ordinal
    level. None when it is undefined (fewer than two units or raters, or a single value used)."""
    import krippendorff
    import numpy as np

    if len(ratings) < 2 or len(ratings[0]) < 2:
        return None
    data = np.array([[np.nan if v is None else v for v in row] for row in ratings], dtype=float)
    try:
        alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))
    except ValueError:  # one value in the whole domain, or no pairable values
        return None
    return None if math.isnan(alpha) else alpha


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
