"""The one place that decides whether a pulse figure may be shown (minimum group size k).

Every page, API answer, CSV export, trend, portfolio and Radar input asks :func:`decide`
(through ``services.decisions``) before it computes a figure; a round it does not release gets
its respondent count and nothing else: no score, no distribution, no agreement, no comment.

A round is released only when all of these hold:

1. it is closed (while a round is open, each new answer would move the figures, and watching
   them move tells what the last person answered);
2. at least k people answered;
3. its respondents differ from those of the last released round of the same team and template
   by none or by at least k people: two rounds whose respondents differ by one person would
   otherwise let their difference stand in for that person's answers. The comparison runs over
   every pulse of the team with that template, so starting a second pulse does not get round it.

Groups above a round (a portfolio across teams, a department) are computed only from released
rounds: subtracting the teams shown from the total then leaves nothing, never a group below k
(the difference attack). Plain Python: no Django.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

OPEN = "open"
TOO_FEW = "too-few"
TOO_CLOSE = "too-close"

REASONS = {
    OPEN: "The round is still open: results appear when it closes.",
    TOO_FEW: "Fewer than {k} people answered, so nothing is shown but the count.",
    TOO_CLOSE: "Fewer than {k} people differ from the previous round shown, so this round "
    "could be told apart from it: nothing is shown but the count.",
}


@dataclass(frozen=True)
class RoundFacts:
    """What the decision needs of a round: never its answers."""

    id: int
    series: tuple[Any, ...]  # (team id, template): rounds compared with each other
    order: tuple[Any, ...]  # sorts the series chronologically (closes_at, id)
    closed: bool
    respondents: int
    people: frozenset[int]  # who answered (from the invitations), only to compare rounds


@dataclass(frozen=True)
class Decision:
    released: bool
    respondents: int
    reason: str  # "" when released, else OPEN, TOO_FEW or TOO_CLOSE

    def explain(self, k: int) -> str:
        return REASONS[self.reason].format(k=k) if self.reason else ""


def decide(k: int, rounds: Iterable[RoundFacts]) -> dict[int, Decision]:
    """Decide for every round whether its figures may be shown; pass every round of each
    series (each team and template), since a round is judged against the ones before it."""
    by_series: dict[tuple[Any, ...], list[RoundFacts]] = {}
    for r in rounds:
        by_series.setdefault(r.series, []).append(r)
    out: dict[int, Decision] = {}
    for series in by_series.values():
        last_released: frozenset[int] | None = None
        for r in sorted(series, key=lambda f: f.order):
            if not r.closed:
                reason = OPEN
            elif r.respondents < k:
                reason = TOO_FEW
            elif last_released is not None and 0 < len(r.people ^ last_released) < k:
                reason = TOO_CLOSE
            else:
                reason = ""
                last_released = r.people
            out[r.id] = Decision(released=not reason, respondents=r.respondents, reason=reason)
    return out


def released_only(decisions: dict[int, Decision], round_ids: Iterable[int]) -> list[int]:
    """Return the rounds of a group (a portfolio, a department) that its figure may draw on:
    the released ones only, so the group minus its shown parts reveals nobody."""
    return [rid for rid in round_ids if decisions.get(rid, Decision(False, 0, OPEN)).released]
