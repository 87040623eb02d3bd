"""The metric series a before/after analysis can read, by key: a registry other apps add to.

A series is a list of ``(date, value)`` observations for a workspace (and optionally a team)
over a range of days. ``kind`` says how to read it: ``events`` (one value per event, such as
one per release or per finished item) or ``series`` (one value per period, such as items
finished per week). The built-ins are in :mod:`leadline.impact.builtin_series`; another app
registers its own in a module it names with :func:`register_series_module` in its
``AppConfig.ready()`` (imported when the series are first read, not when Django starts)::

    from leadline.impact import series

    series.register("pulse_score", "Pulse score", kind="series", fn=pulse_score,
                    unit="points", definition="...")

Keys that are made at run time (a KPI per row: ``kpi:<id>``) are a *family*: a prefix, a
function listing the workspace's keys and labels, and one reading a key's observations::

    series.register_family("kpi:", choices=kpi_choices, fn=kpi_values, kind="series")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from leadline.plugins import Modules

if TYPE_CHECKING:
    from leadline.workspaces.models import Team, Workspace

Kind = Literal["events", "series"]
Point = tuple[date, float]


@dataclass(frozen=True)
class SeriesScope:
    """Whose observations, over which days (inclusive)."""

    workspace: Workspace
    team: Team | None
    start: date
    end: date


SeriesFn = Callable[[SeriesScope], Sequence[Point]]
FamilyFn = Callable[[SeriesScope, str], Sequence[Point]]
ChoicesFn = Callable[["Workspace"], Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    kind: Kind
    fn: SeriesFn
    unit: str = ""
    definition: str = ""

    def read(self, scope: SeriesScope) -> list[Point]:
        """The observations in time order, within the scope's days."""
        points = [(d, float(v)) for d, v in self.fn(scope) if scope.start <= d <= scope.end]
        return sorted(points, key=lambda p: p[0])


@dataclass(frozen=True)
class Family:
    prefix: str
    kind: Kind
    choices: ChoicesFn
    fn: FamilyFn
    unit: str = ""
    definition: str = ""


_METRICS: dict[str, Metric] = {}
_FAMILIES: dict[str, Family] = {}
_MODULES = Modules()


def register_series_module(name: str) -> None:
    """Name a module whose import registers series (an app calls this in its ``ready``)."""
    _MODULES.add(name)


def register(
    key: str,
    label: str,
    kind: Kind = "events",
    fn: SeriesFn | None = None,
    *,
    unit: str = "",
    definition: str = "",
) -> Callable[[SeriesFn], SeriesFn]:
    """Register a series under ``key`` (directly with ``fn``, or as a decorator).

    Registering the same key again replaces it (an app's ready() may run twice in tests).
    """
    if kind not in ("events", "series"):
        raise ValueError(f"kind must be events or series, not {kind!r}")
    if not key or len(key) > 64 or any(c.isspace() for c in key):
        raise ValueError(f"a series key is 1 to 64 characters without spaces: {key!r}")

    def add(func: SeriesFn) -> SeriesFn:
        _METRICS[key] = Metric(key, label, kind, func, unit, definition)
        return func

    if fn is not None:
        add(fn)
    return add


def register_family(
    prefix: str,
    *,
    choices: ChoicesFn,
    fn: FamilyFn,
    kind: Kind = "series",
    unit: str = "",
    definition: str = "",
) -> None:
    """Register keys made at run time: every key starting with ``prefix`` (e.g. ``kpi:``)."""
    if not prefix.endswith(":"):
        raise ValueError(f"a family prefix ends with ':' ({prefix!r})")
    _FAMILIES[prefix] = Family(prefix, kind, choices, fn, unit, definition)


def unregister(key: str) -> None:
    """Remove a key or a family prefix (tests)."""
    _METRICS.pop(key, None)
    _FAMILIES.pop(key, None)


def get(workspace: Workspace, key: str) -> Metric | None:
    """The metric of ``key`` for ``workspace``, or None when there is no such key."""
    _MODULES.load()
    if key in _METRICS:
        return _METRICS[key]
    prefix = key.split(":", 1)[0] + ":" if ":" in key else ""
    family = _FAMILIES.get(prefix)
    if family is None:
        return None
    labels = dict(family.choices(workspace))
    if key not in labels:
        return None

    def read(scope: SeriesScope) -> Sequence[Point]:
        return family.fn(scope, key)

    return Metric(key, labels[key], family.kind, read, family.unit, family.definition)


def choices(workspace: Workspace) -> list[Metric]:
    """Every metric the workspace can analyse: the registered keys, then each family's."""
    _MODULES.load()
    out = list(_METRICS.values())
    for family in _FAMILIES.values():
        for key, _label in family.choices(workspace):
            metric = get(workspace, key)
            if metric is not None:
                out.append(metric)
    return out
