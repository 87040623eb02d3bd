"""Work items from the simulation: as records (streamed) or as engine-ready Polars frames."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl

from leadline.records import (
    FlagPeriod,
    RankChange,
    SprintChange,
    SprintRecord,
    TransitionRecord,
    WorkItemRecord,
)
from leadline.synth.core import (
    EXTRAS,
    MIN_STEP,
    SPRINT_BUSINESS_DAYS,
    SPRINTS,
    FlowArrays,
    TeamPlan,
    chunks,
    plan_team,
    rng_for,
    simulate_team,
    window,
)
from leadline.synth.spec import (
    BLOCKED,
    DONE,
    ITEM_TYPES,
    STATUS_NAMES,
    US_PER_DAY,
    WONT_DO,
    SynthSpec,
    TeamSpec,
    origin_us,
    to_calendar_us,
    us_to_datetime,
)

SPRINT_DAYS = 14
VERBS = (
    "Add",
    "Fix",
    "Improve",
    "Refactor",
    "Support",
    "Remove",
    "Speed up",
    "Validate",
    "Document",
)
NOUNS = (
    "checkout flow", "payment retries", "login screen", "order history", "search filters",
    "push notifications", "export job", "audit log", "cache layer", "billing report",
    "feature flags", "rate limiter", "API pagination", "onboarding wizard", "error pages",
)  # fmt: skip
PRIORITIES = ("Highest", "High", "Medium", "Low")
POINTS = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0)
AREAS = ("api", "web", "infra", "data")


@dataclass(slots=True)
class _Extras:
    """Per-item attributes that the columnar path never needs."""

    people: np.ndarray
    area: np.ndarray
    points: np.ndarray
    priority: np.ndarray
    verb: np.ndarray
    noun: np.ndarray
    label: np.ndarray


def _draw_extras(spec: SynthSpec, team: int, chunk: int, n: int) -> _Extras:
    rng = rng_for(spec, team, EXTRAS, chunk)
    people = len(spec.teams[team].people) or 1
    weights = 1.0 / np.arange(1, people + 1) ** 0.6  # some people do more than others
    return _Extras(
        people=rng.choice(people, n, p=weights / weights.sum()),
        area=rng.choice(len(AREAS) + 1, n, p=[0.35, 0.3, 0.15, 0.1, 0.1]),
        points=rng.choice(len(POINTS), n, p=[0.15, 0.25, 0.25, 0.2, 0.1, 0.05]),
        priority=rng.choice(len(PRIORITIES), n, p=[0.05, 0.2, 0.6, 0.15]),
        verb=rng.integers(0, len(VERBS), n),
        noun=rng.integers(0, len(NOUNS), n),
        label=rng.random(n),
    )


def _sprint_name(team: TeamSpec, number: int) -> str:
    return f"{team.key} Sprint {number}"


def team_sprints(spec: SynthSpec, team: int) -> list[SprintRecord]:
    """List a team's two-week sprints over the window (the last one active at ``end``)."""
    t = spec.teams[team]
    lo, hi = window(spec)
    first = int(to_calendar_us(spec, np.array([lo]))[0] - origin_us(spec)) // US_PER_DAY
    last = int(to_calendar_us(spec, np.array([hi]))[0] - origin_us(spec)) // US_PER_DAY
    end_us = to_calendar_us(spec, np.array([hi]))[0]
    out = []
    for number in range(first // SPRINT_DAYS + 1, last // SPRINT_DAYS + 2):
        s = origin_us(spec) + (number - 1) * SPRINT_DAYS * US_PER_DAY
        e = s + SPRINT_DAYS * US_PER_DAY
        closed = e <= end_us
        out.append(
            SprintRecord(
                spec.source,
                f"{t.key}-sprint-{number}",
                _sprint_name(t, number),
                "closed" if closed else "active",
                us_to_datetime(s),
                us_to_datetime(e),
                us_to_datetime(e) if closed else None,
            )
        )
    return out


def _sprint_start_us(spec: SynthSpec, number: int) -> int:
    return origin_us(spec) + (number - 1) * SPRINT_DAYS * US_PER_DAY


def _sprint_number(spec: SynthSpec, at_us: int) -> int:
    return (at_us - origin_us(spec)) // US_PER_DAY // SPRINT_DAYS + 1


@dataclass(slots=True)
class _Commitment:
    """How an item planned at a sprint planning entered its sprints (see core._plan_sprints)."""

    sprint: int  # the sprint it was committed to and started in
    descoped_at: int | None = None  # taken out of the sprint before (epoch µs), if descoped
    cancelled_at: int | None = None  # cancelled (Won't Do) while in a sprint (epoch µs)


def _sprints(
    spec: SynthSpec,
    team: TeamSpec,
    key: str,
    selected_us: int,
    finished_us: int,
    commitment: _Commitment | None = None,
) -> tuple[list[str], list[SprintChange], int]:
    """Put an item in its sprints and carry it over until it finished (at most 5 more).

    An unplanned item joins the sprint running when it was selected; a planned one is in its
    sprint from the planning (the sprint's start), so it counts as committed. Returns the
    current sprint names, the moves and when it first entered a sprint (epoch µs).
    """
    if commitment is None:
        first, first_at = _sprint_number(spec, selected_us), selected_us
    else:
        first = commitment.sprint
        first_at = _sprint_start_us(spec, first)
    last = min(_sprint_number(spec, finished_us), first + 5)
    names: list[str] = []
    changes: list[SprintChange] = []
    if commitment is not None and commitment.descoped_at is not None:
        before = _sprint_name(team, first - 1)
        changes += [
            SprintChange(key, before, us_to_datetime(_sprint_start_us(spec, first - 1)), True),
            SprintChange(key, before, us_to_datetime(commitment.descoped_at), False),
        ]
    for number in range(first, last + 1):
        name = _sprint_name(team, number)
        at = first_at if number == first else _sprint_start_us(spec, number)
        names.append(name)
        changes.append(SprintChange(key, name, us_to_datetime(at), True))
    cancelled = commitment.cancelled_at if commitment else None
    if cancelled is not None and names and cancelled > _sprint_start_us(spec, last):
        # Cancelled mid-sprint: taken out of the sprint, which is scope removed from the plan.
        changes.append(SprintChange(key, names.pop(), us_to_datetime(cancelled), False))
    descoped = commitment is not None and commitment.descoped_at is not None
    return names, changes, _sprint_start_us(spec, first - 1) if descoped else first_at


def _rank_change(key: str, at_us: int, draw: np.ndarray, priority: int) -> RankChange:
    """Re-rank the item, or (about a third of the time) change its priority to the one it has."""
    if draw[2] < 0.3:
        was = PRIORITIES[(priority + 1 + int(draw[3] * 3)) % len(PRIORITIES)]
        return RankChange(key, us_to_datetime(at_us), "priority", was, PRIORITIES[priority])
    moved = "Ranked higher" if draw[3] < 0.5 else "Ranked lower"
    return RankChange(key, us_to_datetime(at_us), "rank", "", moved)


def _item_records(
    spec: SynthSpec, team: int, plan: TeamPlan, offset: int, fa: FlowArrays
) -> Iterator[WorkItemRecord]:
    t = spec.teams[team]
    n = len(fa.types)
    ex = _draw_extras(spec, team, offset // spec.chunk_size, n)
    created_us = to_calendar_us(spec, plan.created[offset : offset + n])
    times_us = to_calendar_us(spec, fa.times)
    end_us = int(to_calendar_us(spec, np.array([window(spec)[1]]))[0])
    people = t.people or ("Unassigned",)
    # Sprint moves and re-ranks draw from their own stream (see core: streams stay put).
    sd = rng_for(spec, team, SPRINTS, offset // spec.chunk_size).random((n, 5))
    rerank = np.array([e.rerank_rate for e in spec.eras])[fa.start_era] * t.churn_factor
    commit_sprint = np.where(fa.planned, np.nan_to_num(fa.planning) // SPRINT_BUSINESS_DAYS + 1, 0)
    # Times on the business-day clock, so they fall in working hours: a descoped item leaves
    # its first sprint on one of its days 2-9; a re-rank comes within a sprint of joining one.
    sprint = float(SPRINT_BUSINESS_DAYS)
    first_sprint = commit_sprint - fa.descoped
    descope_us = to_calendar_us(spec, (first_sprint - 1) * sprint + 1 + sd[:, 4] * (sprint - 2))
    joined = np.where(fa.planned, (first_sprint - 1) * sprint, fa.times[:, 1])
    rerank_us = to_calendar_us(spec, joined + MIN_STEP + sd[:, 1] * sprint)
    for i in range(n):
        num = int(plan.key_numbers[offset + i])
        key = f"{t.key}-{num}"
        area = AREAS[ex.area[i]] if ex.area[i] < len(AREAS) else (t.solo_area or AREAS[0])
        solo = bool(t.solo_area) and area == t.solo_area
        assignee = people[0] if solo else people[ex.people[i]]
        slots = np.flatnonzero(fa.mask[i])
        codes = fa.status[i, slots]
        ats = times_us[i, slots]
        transitions = [
            TransitionRecord(
                key,
                us_to_datetime(ats[j]),
                STATUS_NAMES[codes[j - 1]],
                STATUS_NAMES[codes[j]],
                assignee,
                str(team * 10**9 + num * 20 + int(slots[j])),
            )
            for j in range(1, len(slots))
        ]
        last = int(codes[-1])
        flags = [
            FlagPeriod(
                key,
                us_to_datetime(ats[j]),
                us_to_datetime(ats[j + 1]) if j + 1 < len(slots) else None,
                "Impediment",
            )
            for j in range(len(slots))
            if codes[j] == BLOCKED
        ]
        sprints: list[str] = []
        changes: list[SprintChange] = []
        ranks: list[RankChange] = []
        commitment = None
        if fa.planned[i]:
            number = int(commit_sprint[i])
            descoped = None
            if fa.descoped[i]:
                descoped = int(descope_us[i])
            cancelled = int(ats[-1]) if last == WONT_DO else None
            commitment = _Commitment(number, descoped, cancelled)
        planned_late = (
            commitment is not None and _sprint_start_us(spec, commitment.sprint) >= end_us
        )
        if len(slots) > 1 and codes[1] != WONT_DO and not planned_late:
            finished = int(ats[-1]) if last in (DONE, WONT_DO) else end_us - 1
            sprints, changes, entered = _sprints(spec, t, key, int(ats[1]), finished, commitment)
            if sd[i, 0] < rerank[i] and entered < rerank_us[i] < min(finished, end_us):
                ranks = [_rank_change(key, int(rerank_us[i]), sd[i], ex.priority[i])]
        type_name = ITEM_TYPES[fa.types[i]]
        has_points = type_name == "Story" or (type_name == "Task" and ex.label[i] < 0.5)
        epic = int(plan.item_epic[offset + i])
        labels = (
            ["customer"] if ex.label[i] < 0.1 else (["tech-debt"] if ex.label[i] > 0.92 else [])
        )
        resolved = transitions[-1].at if last in (DONE, WONT_DO) and transitions else None
        yield WorkItemRecord(
            source=spec.source,
            key=key,
            title=f"{VERBS[ex.verb[i]]} {NOUNS[ex.noun[i]]}",
            created=us_to_datetime(created_us[i]),
            status=STATUS_NAMES[last],
            project=t.key,
            url="",  # invented: there is no tracker page to link to
            type=type_name,
            epic_key=f"{t.key}-{int(plan.epic_key_numbers[epic])}" if epic >= 0 else "",
            labels=labels,
            components=[area],
            assignees=[assignee] if len(slots) > 1 else [],
            priority=PRIORITIES[ex.priority[i]],
            story_points=POINTS[ex.points[i]] if has_points else None,
            resolution={DONE: "Done", WONT_DO: "Won't Do"}.get(last, ""),
            resolved=resolved,
            updated=transitions[-1].at if transitions else us_to_datetime(created_us[i]),
            transitions=transitions,
            flags=flags,
            sprint_changes=changes,
            rank_changes=ranks,
            sprints=sprints,
        )


def _epic_records(spec: SynthSpec, team: int, plan: TeamPlan) -> Iterator[WorkItemRecord]:
    t = spec.teams[team]
    hi = window(spec)[1]
    for j, created in enumerate(plan.epic_created):
        key = f"{t.key}-{int(plan.epic_key_numbers[j])}"
        steps = [(created + 3.0, "In Progress"), (created + 3.0 + plan.epic_span[j], "Done")]
        steps = [(b, s) for b, s in steps if b < hi]
        us = to_calendar_us(spec, np.array([created] + [b for b, _ in steps]))
        names = ["Backlog"] + [s for _, s in steps]
        transitions = [
            TransitionRecord(
                key,
                us_to_datetime(us[k]),
                names[k - 1],
                names[k],
                t.people[0] if t.people else "",
                str(team * 10**9 + int(plan.epic_key_numbers[j]) * 20 + k),
            )
            for k in range(1, len(names))
        ]
        done = names[-1] == "Done"
        yield WorkItemRecord(
            source=spec.source,
            key=key,
            title=f"{NOUNS[(team * 7 + j) % len(NOUNS)].capitalize()} initiative {j + 1}",
            created=us_to_datetime(us[0]),
            status=names[-1],
            project=t.key,
            url="",  # invented: there is no tracker page to link to
            type="Epic",
            priority="High",
            resolution="Done" if done else "",
            resolved=transitions[-1].at if done else None,
            updated=transitions[-1].at if transitions else us_to_datetime(us[0]),
            transitions=transitions,
        )


def iter_items(spec: SynthSpec, *, epics: bool = True) -> Iterator[WorkItemRecord]:
    """Yield every team's work items (epics first per team), holding one chunk at a time."""
    for team in range(len(spec.teams)):
        plan = plan_team(spec, team)
        if epics:
            yield from _epic_records(spec, team, plan)
        for offset in chunks(spec, team):
            yield from _item_records(
                spec, team, plan, offset, simulate_team(spec, team, plan, offset)
            )


ITEMS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "item_id": pl.Int64,
    "key": pl.Utf8,
    "team": pl.Utf8,
    "type": pl.Utf8,
    "created": pl.Datetime("us", "UTC"),
}
TRANSITIONS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "item_id": pl.Int64,
    "at": pl.Datetime("us", "UTC"),
    "status": pl.Utf8,
}


def frames(spec: SynthSpec) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return (items, transitions) frames for the engine; epics are left out.

    Transitions include each item's entry into Backlog at ``created`` and are sorted by
    (item_id, at). Same spec, same frames as the records from ``iter_items``.
    """
    item_parts: list[pl.DataFrame] = []
    ids, ats, codes = [], [], []
    next_id = 1
    for team in range(len(spec.teams)):
        t = spec.teams[team]
        plan = plan_team(spec, team)
        for offset in chunks(spec, team):
            fa = simulate_team(spec, team, plan, offset)
            n = len(fa.types)
            item_ids = np.arange(next_id, next_id + n, dtype=np.int64)
            next_id += n
            nums = plan.key_numbers[offset : offset + n]
            item_parts.append(
                pl.DataFrame(
                    {
                        "item_id": item_ids,
                        "key": pl.Series(nums, dtype=pl.Int64).cast(pl.Utf8),
                        "type": pl.Series(ITEM_TYPES).gather(fa.types.astype(np.int64)),
                        "created": to_calendar_us(spec, plan.created[offset : offset + n]),
                    }
                ).with_columns(
                    key=pl.lit(f"{t.key}-") + pl.col("key"),
                    team=pl.lit(t.name),
                )
            )
            ids.append(np.repeat(item_ids, fa.mask.sum(axis=1)))
            ats.append(to_calendar_us(spec, fa.times[fa.mask]))
            codes.append(fa.status[fa.mask].astype(np.int64))
    items = (
        pl.concat(item_parts)
        .with_columns(pl.col("created").cast(pl.Datetime("us")).dt.replace_time_zone("UTC"))
        .select(list(ITEMS_SCHEMA))
        if item_parts
        else pl.DataFrame(schema=ITEMS_SCHEMA)
    )
    if not ids:
        return items, pl.DataFrame(schema=TRANSITIONS_SCHEMA)
    transitions = pl.DataFrame(
        {
            "item_id": np.concatenate(ids),
            "at": pl.Series(np.concatenate(ats))
            .cast(pl.Datetime("us"))
            .dt.replace_time_zone("UTC"),
            "status": pl.Series(STATUS_NAMES).gather(np.concatenate(codes)),
        }
    )
    return items, transitions
