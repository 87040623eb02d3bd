"""Workflows (ordered stages mapped from tracker statuses) and stage-date conventions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from leadline.records import StageCategory

if TYPE_CHECKING:
    import polars as pl

_CATEGORY_ORDER = {
    StageCategory.BACKLOG: 0,
    StageCategory.ACTIVE: 1,
    StageCategory.DONE: 2,
    StageCategory.REMOVED: 3,
}
# Integer codes used inside frames (cheaper than strings in group-bys).
CATEGORY_CODE: dict[StageCategory, int] = dict(_CATEGORY_ORDER)


@dataclass(frozen=True, slots=True)
class Stage:
    """One column of the board: a name, a category, a waiting flag and the statuses it holds."""

    name: str
    category: StageCategory
    statuses: tuple[str, ...] = ()
    waiting: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "category", StageCategory(self.category))
        object.__setattr__(self, "statuses", tuple(self.statuses) or (self.name,))


@dataclass(frozen=True, slots=True)
class Workflow:
    """Ordered stages; statuses are matched exactly (case-sensitive) to the stage holding them."""

    stages: tuple[Stage, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        stages = tuple(self.stages)
        object.__setattr__(self, "stages", stages)
        if not stages:
            raise ValueError("a workflow needs at least one stage")
        names = [s.name for s in stages]
        if len(set(names)) != len(names):
            raise ValueError(f"stage names must be unique: {names}")
        index: dict[str, int] = {}
        for i, stage in enumerate(stages):
            for status in stage.statuses:
                if status in index and index[status] != i:
                    raise ValueError(f"status {status!r} is mapped to two stages")
                index[status] = i
        object.__setattr__(self, "_index", index)
        # Non-removed stages must run backlog -> active -> done, so that "later stage" means
        # "further along" and cumulative flow lines cannot cross.
        order = [_CATEGORY_ORDER[s.category] for s in stages if s.category != "removed"]
        if order != sorted(order):
            raise ValueError("stages must be ordered backlog, active, done (removed anywhere)")

    @classmethod
    def from_mapping(
        cls,
        stages: Sequence[tuple[str, StageCategory | str, Sequence[str]]]
        | Mapping[str, tuple[StageCategory | str, Sequence[str]]],
        *,
        waiting: Iterable[str] = (),
    ) -> Workflow:
        """Build a workflow from (name, category, statuses) triples; ``waiting`` names stages."""
        waiting_set = set(waiting)
        triples = (
            [(n, c, s) for n, (c, s) in stages.items()] if isinstance(stages, Mapping) else stages
        )
        return cls(
            tuple(
                Stage(name, StageCategory(cat), tuple(statuses), name in waiting_set)
                for name, cat, statuses in triples
            )
        )

    @property
    def names(self) -> list[str]:
        """Return the stage names in workflow order."""
        return [s.name for s in self.stages]

    def stage_of(self, status: str) -> int | None:
        """Return the index of the stage holding ``status``, or None when it is unmapped."""
        return self._index.get(status)

    def status_frame(self) -> pl.DataFrame:
        """Return status -> stage index, category code and waiting flag as a frame."""
        import polars as pl

        statuses = list(self._index)
        idx = [self._index[s] for s in statuses]
        return pl.DataFrame(
            {
                "status": statuses,
                "stage": pl.Series(idx, dtype=pl.Int16),
                "cat": pl.Series(
                    [CATEGORY_CODE[self.stages[i].category] for i in idx], dtype=pl.Int8
                ),
                "waiting": [self.stages[i].waiting for i in idx],
            },
            schema_overrides={"status": pl.Utf8},
        )

    def indices(self, category: StageCategory | str) -> list[int]:
        """Return the indices of the stages in ``category``, in workflow order."""
        cat = StageCategory(category)
        return [i for i, s in enumerate(self.stages) if s.category == cat]

    def unmapped_statuses(self, statuses: Iterable[str] | pl.DataFrame) -> list[str]:
        """Return the distinct statuses (sorted) that no stage holds; accepts a transitions frame."""
        if not isinstance(statuses, (list, tuple, set, frozenset)) and hasattr(
            statuses, "get_column"
        ):
            values: Iterable[Any] = statuses.get_column("status").unique().to_list()
        else:
            values = statuses
        return sorted({s for s in values if s is not None and s not in self._index})


def unmapped_statuses(workflow: Workflow, statuses: Iterable[str] | pl.DataFrame) -> list[str]:
    """Return the statuses that ``workflow`` does not map (so callers can report them)."""
    return workflow.unmapped_statuses(statuses)


@dataclass(frozen=True, slots=True)
class StageOptions:
    """Conventions for stage dates and day counts.

    start: "first" or "last" commitment (entry into active from backlog; a later return to
    backlog and re-commitment moves a "last" start). backward: "keep" every stage date or
    "reset" (a move to an earlier stage wipes the later stages' dates). days: "inclusive"
    (same day = 1 day, Vacanti) or "exclusive" (calendar-day difference). tz: IANA zone whose
    midnight starts a day. entry: which entry into a stage its date shows ("first"/"last").
    fill_skipped: give skipped stages the date of the next later stage entered.
    """

    start: Literal["first", "last"] = "first"
    backward: Literal["keep", "reset"] = "keep"
    days: Literal["inclusive", "exclusive"] = "inclusive"
    tz: str = "UTC"
    entry: Literal["first", "last"] = "first"
    # A stage skipped on the way takes the date of the next later stage entered (so stage dates
    # never decrease along the workflow), as jira-agile-metrics does.
    fill_skipped: bool = False

    def __post_init__(self) -> None:
        for name, allowed in (
            ("start", ("first", "last")),
            ("backward", ("keep", "reset")),
            ("days", ("inclusive", "exclusive")),
            ("entry", ("first", "last")),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, not {getattr(self, name)!r}")

    @property
    def day_offset(self) -> int:
        """Return 1 for inclusive day counting, 0 for exclusive."""
        return 1 if self.days == "inclusive" else 0


VACANTI = StageOptions()
# jira-agile-metrics: first entry per column, a backward move wipes later columns, calendar days
# exclusive (cycle time = done date - start date).
JIRA_AGILE_METRICS = StageOptions(
    start="first", backward="reset", days="exclusive", entry="first", fill_skipped=True
)
PRESETS: dict[str, StageOptions] = {"vacanti": VACANTI, "jira-agile-metrics": JIRA_AGILE_METRICS}


def preset(name: str) -> StageOptions:
    """Return the named stage-date conventions ("vacanti" or "jira-agile-metrics")."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; known: {sorted(PRESETS)}") from None


def workflow_from_columns(
    columns: Sequence[tuple[str, Sequence[str]]] | Mapping[str, Sequence[str] | str],
    *,
    committed: str | None = None,
    done: str | None = None,
    waiting: Iterable[str] = (),
) -> Workflow:
    """Build a workflow from board columns in order, jira-agile-metrics style.

    Columns before ``committed`` (default: the second column) are backlog, ``done`` (default: the
    last column) and after are done, the rest active.
    """
    pairs: list[tuple[str, Sequence[str]]] = (
        [(k, [v] if isinstance(v, str) else list(v)) for k, v in columns.items()]
        if isinstance(columns, Mapping)
        else [(k, list(v)) for k, v in columns]
    )
    names = [n for n, _ in pairs]
    if len(names) < 2:
        raise ValueError("need at least a backlog and a done column")
    c = names.index(committed) if committed else 1
    d = names.index(done) if done else len(names) - 1
    if not 0 < c <= d:
        raise ValueError("the committed column must come after backlog and not after done")
    waiting_set = set(waiting)
    stages = []
    for i, (name, statuses) in enumerate(pairs):
        cat = (
            StageCategory.BACKLOG
            if i < c
            else StageCategory.DONE
            if i >= d
            else StageCategory.ACTIVE
        )
        stages.append(Stage(name, cat, tuple(statuses), name in waiting_set))
    return Workflow(tuple(stages))


def workflow_from_jam(jam: Any) -> Workflow:
    """Build a workflow from a jira-agile-metrics config (``JamWorkflow`` or its YAML dict)."""
    if isinstance(jam, Mapping):
        raw = jam.get("Workflow") or jam.get("workflow") or jam
        return workflow_from_columns({str(k): v for k, v in raw.items()})
    # Duck-typed so flow/ does not import connectors: accept .columns [(name, statuses)] plus
    # optional .committed_column / .done_column names.
    cols = getattr(jam, "columns", None) or getattr(jam, "stages", None)
    if cols is None:
        raise TypeError("expected a JamWorkflow (with .columns) or a config mapping")
    pairs: list[tuple[str, Sequence[str]]] = []
    for col in cols:
        if isinstance(col, tuple):
            name, statuses = col
        else:
            name = col.name
            statuses = getattr(col, "statuses", None) or [name]
        pairs.append((str(name), [statuses] if isinstance(statuses, str) else list(statuses)))
    return workflow_from_columns(
        pairs,
        committed=getattr(jam, "committed_column", None),
        done=getattr(jam, "done_column", None),
    )
