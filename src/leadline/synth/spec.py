"""What to generate: the spec, its eras and teams, the workflow, and business-time helpers.

Work happens on business days only (Monday–Friday, 08:00–19:00 UTC). The simulation runs in
"business days" counted from the Monday on or before ``spec.start``; ``to_calendar_us`` turns that
clock into UTC microseconds. Because the mapping is strictly increasing, order is preserved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import numpy as np

from leadline.records import StageCategory, StatusRecord

WORKDAY_START_HOURS = 8.0
WORKDAY_HOURS = 11.0
US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000


@dataclass(frozen=True, slots=True)
class Status:
    """One status of the generated Jira-like workflow."""

    name: str
    category: StageCategory
    waiting: bool = False
    jira_category: str = "new"  # Jira's statusCategory key: new | indeterminate | done
    jira_id: int = 0


BACKLOG, SELECTED, IN_PROGRESS, IN_REVIEW, BLOCKED, DONE, WONT_DO = range(7)

WORKFLOW: tuple[Status, ...] = (
    Status("Backlog", StageCategory.BACKLOG, False, "new", 10000),
    Status("Selected for Development", StageCategory.BACKLOG, False, "new", 10001),
    Status("In Progress", StageCategory.ACTIVE, False, "indeterminate", 3),
    Status("In Review", StageCategory.ACTIVE, True, "indeterminate", 10002),
    Status("Blocked", StageCategory.ACTIVE, True, "indeterminate", 10003),
    Status("Done", StageCategory.DONE, False, "done", 10004),
    Status("Won't Do", StageCategory.REMOVED, False, "done", 10005),
)
STATUS_NAMES: tuple[str, ...] = tuple(s.name for s in WORKFLOW)
ITEM_TYPES: tuple[str, ...] = ("Story", "Bug", "Task")


@dataclass(frozen=True, slots=True)
class Era:
    """A period with its own ways of working; it lasts from ``start`` until the next era."""

    start: date | None = None  # None: from spec.start
    name: str = "steady"
    backlog_wait_days: float = 8.0  # mean business days from created to selected
    cycle_median_days: float = 6.0  # median business days from started to done
    cycle_sigma: float = 0.8  # lognormal sigma of cycle time
    reopen_rate: float = 0.08  # done -> in progress -> done again
    back_rate: float = 0.4  # review sends the item back to in progress
    blocked_rate: float = 0.35  # item is blocked for a while
    removed_rate: float = 0.06
    stall_rate: float = 0.03  # started items that stall for weeks (aging work)
    release_interval_days: tuple[float, float] = (14.0, 14.0)  # calendar days between releases
    release_train: bool = False  # all teams release on the same day
    downtime_hours: tuple[float, float] = (0.0, 0.0)  # downtime of a release that has some
    downtime_rate: float = 0.0  # share of releases with downtime
    failure_rate: float = 0.1  # share of production deployments that cause an incident
    recovery_hours: float = 2.0  # median hours from a failure's detection to its resolution
    deploy_minutes: tuple[float, float] = (5.0, 20.0)  # how long one deployment runs
    staging_per_week: float = 5.0
    arrival_weight: float = 1.0  # relative rate at which items are created
    # Sprint planning. 0 keeps the unplanned, pull-as-you-go flow (items join the sprint running
    # when they are selected); otherwise this share of items is committed at a sprint's
    # planning and started during that sprint, the rest join mid-sprint.
    planned_share: float = 0.0
    descope_rate: float = 0.0  # committed items taken out mid-sprint, started a sprint later
    rerank_rate: float = 0.0  # items of a sprint re-ranked or re-prioritised while it runs


@dataclass(frozen=True, slots=True)
class TeamSpec:
    """A team: its name, Jira project key, group, services and people."""

    name: str
    key: str
    group: str = ""
    services: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    solo_area: str = ""  # a component only one person ever touches (concentration signal)
    items_factor: float = 1.0  # items (so throughput) relative to spec.items_per_team
    cycle_factor: float = 1.0  # cycle time relative to the era's median
    churn_factor: float = 1.0  # unplanned work and descoping relative to the era's rates
    # Production deployments per week of each service (same order as ``services``) between
    # releases, in eras without a release train; the rate grows from a quarter of this at the
    # era's start to all of it at the spec's end (a team getting used to deploying on its own).
    deploys_per_week: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class SynthSpec:
    """The whole generated organisation: teams, size, window, seed and eras."""

    teams: tuple[TeamSpec, ...]
    items_per_team: int
    start: date
    end: date  # exclusive: nothing happens on or after end 00:00 UTC
    seed: int = 0
    eras: tuple[Era, ...] = field(default_factory=lambda: (Era(),))
    source: str = "jira"
    never_started_rate: float = 0.05
    epics_per_100_items: float = 2.5
    chunk_size: int = 50_000

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if not self.teams or self.items_per_team < 0:
            raise ValueError("need at least one team and a non-negative item count")


def team_items(spec: SynthSpec, team: int) -> int:
    """Return how many work items (epics aside) ``team`` gets."""
    return round(spec.items_per_team * spec.teams[team].items_factor)


def simple_spec(
    teams: int = 2,
    items_per_team: int = 500,
    *,
    end: date,
    days: int = 365,
    seed: int = 0,
) -> SynthSpec:
    """Build a spec of ``teams`` generic teams over the ``days`` before ``end``, one era."""
    team_specs = tuple(
        TeamSpec(
            name=f"Team {i + 1}",
            key=f"T{i + 1}" if teams < 26 else f"T{i + 1:03d}",
            group="Engineering",
            services=(f"team-{i + 1}-api",),
            people=tuple(f"Person {i + 1}.{j + 1}" for j in range(6)),
            solo_area="legacy",
        )
        for i in range(teams)
    )
    return SynthSpec(team_specs, items_per_team, end - timedelta(days=days), end, seed)


def status_records(spec: SynthSpec) -> list[StatusRecord]:
    """List the workflow's statuses once per team project, with categories and waiting flags."""
    return [
        StatusRecord(spec.source, t.key, s.name, s.category, str(s.jira_id), s.waiting)
        for t in spec.teams
        for s in WORKFLOW
    ]


def origin(spec: SynthSpec) -> date:
    """Return the Monday on or before ``spec.start``: business day 0."""
    return spec.start - timedelta(days=spec.start.weekday())


def origin_us(spec: SynthSpec) -> int:
    """Return business day 0 (00:00 UTC of the origin Monday) as epoch microseconds."""
    o = origin(spec)
    return int(datetime(o.year, o.month, o.day, tzinfo=UTC).timestamp()) * 1_000_000


def to_calendar_us(spec: SynthSpec, b: np.ndarray) -> np.ndarray:
    """Map business-day floats to UTC epoch microseconds (int64, whole ms), order-preserving."""
    k = np.floor(b)
    frac = b - k
    k = k.astype(np.int64)
    days = (k // 5) * 7 + (k % 5)
    hours = WORKDAY_START_HOURS + frac * WORKDAY_HOURS
    # Whole milliseconds, as Jira stores them, so a round trip through Jira JSON is exact.
    ms = (hours * (US_PER_HOUR // 1000)).astype(np.int64)
    return origin_us(spec) + days * US_PER_DAY + ms * 1000


def business_day_of(spec: SynthSpec, d: date) -> float:
    """Return the business-day clock at 00:00 of calendar date ``d`` (weekends roll forward)."""
    days = (d - origin(spec)).days
    weeks, rest = divmod(days, 7)
    return float(weeks * 5 + min(rest, 5))


def era_starts(spec: SynthSpec) -> np.ndarray:
    """Return each era's start on the business-day clock (the first era starts at -inf)."""
    starts = [-np.inf]
    for era in spec.eras[1:]:
        if era.start is None:
            raise ValueError("every era after the first needs a start date")
        starts.append(business_day_of(spec, era.start))
    return np.asarray(starts)


def era_index(spec: SynthSpec, b: np.ndarray) -> np.ndarray:
    """Return the index of the era each business-day time falls in."""
    return np.searchsorted(era_starts(spec), b, side="right") - 1


def us_to_datetime(us: int) -> datetime:
    """Turn epoch microseconds into an aware UTC datetime."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(us))


def date_to_us(d: date) -> int:
    """Return 00:00 UTC of ``d`` as epoch microseconds."""
    return int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()) * 1_000_000
