"""Vectorised simulation of work-item flow: one fixed path of status slots per item, masked.

Every item follows the same template of 14 slots (below); random masks switch optional detours
off (a bounce back to the backlog, a blocked spell, a review that sends work back, a reopen),
removal replaces one slot with Won't Do, and everything at or after ``end`` is cut. The whole
path is a cumulative sum of durations, so times are strictly increasing per item and a million
items are simulated with a handful of NumPy calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from leadline.synth.spec import (
    BACKLOG,
    BLOCKED,
    DONE,
    IN_PROGRESS,
    IN_REVIEW,
    SELECTED,
    WONT_DO,
    SynthSpec,
    TeamSpec,
    business_day_of,
    era_index,
    era_starts,
    team_items,
)

# Slot template: the status each slot enters.
TEMPLATE = np.array(
    [
        BACKLOG,  # 0 created
        SELECTED,  # 1
        BACKLOG,  # 2 bounce: deprioritised
        SELECTED,  # 3 bounce: selected again
        IN_PROGRESS,  # 4 started
        BLOCKED,  # 5 blocked
        IN_PROGRESS,  # 6 unblocked
        IN_REVIEW,  # 7
        IN_PROGRESS,  # 8 review sent it back
        IN_REVIEW,  # 9
        DONE,  # 10
        IN_PROGRESS,  # 11 reopened
        IN_REVIEW,  # 12
        DONE,  # 13 done again
    ],
    dtype=np.int8,
)
SLOTS = len(TEMPLATE)
TYPE_CYCLE_FACTOR = np.array([1.0, 0.7, 0.8])  # Story, Bug, Task
TYPE_SHARES = (0.6, 0.25, 0.15)
BOUNCE_RATE = 0.12
MIN_STEP = 0.01  # business days (~7 minutes): keeps every transition strictly after the last
SPRINT_BUSINESS_DAYS = 10  # fortnightly sprints from the origin Monday (see items.team_sprints)
BUG_UNPLANNED = 1.6  # bugs interrupt a sprint more often than stories and tasks

# Purposes for independent random streams (SeedSequence spawn keys). Streams added later get
# new keys, so existing streams (and the data of specs that don't use the new features) stay put.
ARRIVALS, FLOW, EXTRAS, EPICS, DELIVERY, PLANNING, SPRINTS, DEPLOYS = range(8)


def rng_for(spec: SynthSpec, *key: int) -> np.random.Generator:
    """Return the generator for one (team, purpose, chunk) stream of ``spec.seed``."""
    return np.random.default_rng(np.random.SeedSequence(entropy=spec.seed, spawn_key=key))


def window(spec: SynthSpec) -> tuple[float, float]:
    """Return the spec's window on the business-day clock."""
    return business_day_of(spec, spec.start), business_day_of(spec, spec.end)


def _sample_arrivals(spec: SynthSpec, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` sorted creation times with each era's relative arrival weight."""
    lo, hi = window(spec)
    bounds = np.clip(np.append(era_starts(spec), hi), lo, hi)
    weights = np.array([e.arrival_weight for e in spec.eras]) * np.diff(bounds)
    cum = np.concatenate([[0.0], np.cumsum(weights)])
    u = np.sort(rng.random(n)) * cum[-1]
    seg = np.clip(np.searchsorted(cum, u, side="right") - 1, 0, len(weights) - 1)
    seg_w = np.where(weights[seg] > 0, weights[seg], 1.0)
    return bounds[seg] + (u - cum[seg]) / seg_w * np.diff(bounds)[seg]


@dataclass(slots=True)
class TeamPlan:
    """Creation times and key numbers of one team's items and epics."""

    created: np.ndarray  # business days, sorted
    key_numbers: np.ndarray  # Jira key number of each item
    epic_created: np.ndarray
    epic_span: np.ndarray  # business days each epic stays open
    epic_key_numbers: np.ndarray
    item_epic: np.ndarray  # index into epics, -1 for none


def plan_team(spec: SynthSpec, team: int) -> TeamPlan:
    """Draw a team's arrivals and epics and number their keys in creation order."""
    n = team_items(spec, team)
    created = _sample_arrivals(spec, n, rng_for(spec, team, ARRIVALS))
    rng = rng_for(spec, team, EPICS)
    n_epics = max(1, round(n * spec.epics_per_100_items / 100)) if n else 0
    epic_created = _sample_arrivals(spec, n_epics, rng)
    epic_span = rng.lognormal(np.log(35.0), 0.5, n_epics)
    key_numbers = np.arange(1, n + 1) + np.searchsorted(epic_created, created, side="right")
    epic_keys = np.arange(1, n_epics + 1) + np.searchsorted(created, epic_created, side="left")
    item_epic = np.searchsorted(epic_created, created, side="right") - 1
    if n_epics:
        open_epic = (
            created <= epic_created[np.maximum(item_epic, 0)] + epic_span[np.maximum(item_epic, 0)]
        )
        item_epic = np.where((item_epic >= 0) & open_epic & (rng.random(n) < 0.8), item_epic, -1)
    return TeamPlan(created, key_numbers, epic_created, epic_span, epic_keys, item_epic)


@dataclass(slots=True)
class FlowArrays:
    """The simulated paths of a chunk of items (times on the business-day clock)."""

    types: np.ndarray  # int8 index into ITEM_TYPES
    times: np.ndarray  # (n, SLOTS) float64
    status: np.ndarray  # (n, SLOTS) int8 index into WORKFLOW
    mask: np.ndarray  # (n, SLOTS) bool: the slot happened before end
    start_era: np.ndarray  # era index of the (planned) start
    planned: np.ndarray  # bool: committed at a sprint planning (else pulled in mid-sprint)
    descoped: np.ndarray  # bool: committed, taken out mid-sprint, committed again a sprint later
    planning: np.ndarray  # business day of the planning it was (last) committed at; NaN if none


def _era_param(spec: SynthSpec, idx: np.ndarray, name: str) -> np.ndarray:
    return np.array([getattr(e, name) for e in spec.eras], dtype=np.float64)[idx]


def _plan_sprints(
    spec: SynthSpec,
    team: TeamSpec | None,
    selected: np.ndarray,
    types: np.ndarray,
    rng: np.random.Generator | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Decide which items are committed at a sprint planning, and at which one.

    Returns (planned, descoped, planning): a planned item is committed at the planning (the
    start, in business days) of the sprint after its selection, a descoped one a sprint later;
    ``planning`` is NaN for other items and None when no era plans sprints.
    """
    n = len(selected)
    share = _era_param(spec, era_index(spec, selected), "planned_share")
    none = np.zeros(n, dtype=bool)
    if rng is None or not share.any():
        return none, none, None
    churn = team.churn_factor if team else 1.0
    bug = np.where(types == 1, BUG_UNPLANNED, 1.0)
    p_planned = np.where(share > 0, np.clip(1.0 - (1.0 - share) * churn * bug, 0.0, 1.0), 0.0)
    u = rng.random((n, 2))
    planned = u[:, 0] < p_planned
    descope = _era_param(spec, era_index(spec, selected), "descope_rate") * churn
    descoped = planned & (u[:, 1] < descope)
    sprint = float(SPRINT_BUSINESS_DAYS)
    planning = np.ceil(selected / sprint) * sprint + np.where(descoped, sprint, 0.0)
    return planned, descoped, np.where(planned, planning, np.nan)


def simulate(
    spec: SynthSpec,
    created: np.ndarray,
    rng: np.random.Generator,
    *,
    team: TeamSpec | None = None,
    plan_rng: np.random.Generator | None = None,
) -> FlowArrays:
    """Simulate the status paths of items created at ``created`` (business days).

    ``team`` scales cycle times and sprint churn; ``plan_rng`` (its own stream, so specs without
    sprint planning draw exactly what they always drew) decides sprint commitments.
    """
    n = len(created)
    u = rng.random((n, 9))
    types = np.searchsorted(np.cumsum(TYPE_SHARES), u[:, 0], side="right").astype(np.int8)
    types = np.minimum(types, 2)
    created_era = era_index(spec, created)
    d = np.zeros((n, SLOTS))
    d[:, 1] = rng.exponential(_era_param(spec, created_era, "backlog_wait_days")) + MIN_STEP
    d[:, 2] = rng.uniform(0.5, 3.0, n)
    d[:, 3] = rng.exponential(5.0, n) + MIN_STEP
    d[:, 4] = rng.exponential(2.0, n) + MIN_STEP
    bounce = u[:, 4] < BOUNCE_RATE
    selected = created + d[:, 1] + np.where(bounce, d[:, 2] + d[:, 3], 0.0)
    planned, descoped, planning = _plan_sprints(spec, team, selected, types, plan_rng)
    if planning is not None and plan_rng is not None:
        # Work starts during the first 70% of the sprint it was committed to.
        into = plan_rng.random(n) * 0.7 * SPRINT_BUSINESS_DAYS + MIN_STEP
        d[:, 4] = np.where(planned, planning + into - selected, d[:, 4])
    else:
        planning = np.full(n, np.nan)
    planned_start = created + d[:, 1] + d[:, 4]
    era = era_index(spec, planned_start)
    median = _era_param(spec, era, "cycle_median_days") * TYPE_CYCLE_FACTOR[types]
    if team is not None and team.cycle_factor != 1.0:
        median = median * team.cycle_factor
    cycle = np.maximum(rng.lognormal(np.log(median), _era_param(spec, era, "cycle_sigma")), 0.1)
    stalled = u[:, 8] < _era_param(spec, era, "stall_rate")
    cycle = np.where(stalled, cycle * rng.uniform(5.0, 15.0, n), cycle)
    dev = cycle * rng.uniform(0.45, 0.75, n)
    review = cycle - dev
    blocked = u[:, 1] < _era_param(spec, era, "blocked_rate")
    back = u[:, 2] < _era_param(spec, era, "back_rate")
    reopen = u[:, 3] < _era_param(spec, era, "reopen_rate")
    removed = u[:, 5] < _era_param(spec, created_era, "removed_rate")
    never = (u[:, 6] < spec.never_started_rate) & ~removed
    block_at = dev * rng.uniform(0.2, 0.7, n)
    d[:, 5] = block_at
    d[:, 6] = rng.exponential(3.0, n) + MIN_STEP
    d[:, 7] = np.where(blocked, dev - block_at, dev) + MIN_STEP
    d[:, 8] = review * 0.4 + MIN_STEP
    d[:, 9] = dev * 0.3 + MIN_STEP
    d[:, 10] = np.where(back, review * 0.6, review) + MIN_STEP
    d[:, 11] = rng.exponential(6.0, n) + MIN_STEP
    d[:, 12] = rng.exponential(2.0, n) + MIN_STEP
    d[:, 13] = rng.exponential(1.0, n) + MIN_STEP

    mask = np.ones((n, SLOTS), dtype=bool)
    mask[:, 2] = mask[:, 3] = bounce
    mask[:, 5] = mask[:, 6] = blocked
    mask[:, 8] = mask[:, 9] = back
    mask[:, 11:] = reopen[:, None]
    status = np.broadcast_to(TEMPLATE, (n, SLOTS)).copy()
    stage = np.searchsorted([0.7, 0.9], u[:, 7], side="right")  # backlog, selected, in progress
    for s, slot in enumerate((1, 4, 7)):
        hit = removed & (stage == s)
        status[hit, slot] = WONT_DO
        mask[hit, slot + 1 :] = False
    mask[never, 1:] = False
    times = created[:, None] + np.cumsum(d * mask, axis=1)
    mask &= times < window(spec)[1]
    return FlowArrays(types, times, status, mask, era, planned, descoped, planning)


def chunks(spec: SynthSpec, team: int) -> range:
    """Return the chunk start offsets of one team's items."""
    return range(0, team_items(spec, team), spec.chunk_size)


def simulate_team(spec: SynthSpec, team: int, plan: TeamPlan, offset: int) -> FlowArrays:
    """Simulate the chunk of ``team``'s items that starts at ``offset`` (deterministic)."""
    created = plan.created[offset : offset + spec.chunk_size]
    chunk = offset // spec.chunk_size
    return simulate(
        spec,
        created,
        rng_for(spec, team, FLOW, chunk),
        team=spec.teams[team],
        plan_rng=rng_for(spec, team, PLANNING, chunk),
    )
