"""What a Radar rule is and the registry of rules.

A rule is a function that looks at one workspace (:class:`leadline.radar.context.RunContext`)
with its thresholds and yields :class:`Signal` s: one per subject for which its condition holds
now. The engine (:mod:`leadline.radar.engine`) turns signals into findings and keeps their
lifecycle; the rule knows nothing of that. Rules register themselves with :func:`rule` when
their module is imported. Each app names its rule modules in its ``AppConfig.ready`` with
:func:`register_rule_module` (the Radar's own: ``leadline.radar.rules``); they are imported
when the rules are first read, so a process that never reads them never loads them::

    from leadline.radar.registry import Threshold, rule

    @rule("pulse_falling", area="people", title="…", why="…",
          thresholds=(Threshold("drop", "Drop in points", 1.0, 0.1, 6),))
    def pulse_falling(ctx, t):
        ...
        yield Signal(...)

Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from leadline.plugins import Modules

Severity = Literal["high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")
AREAS = ("flow", "delivery", "governance", "combined", "people", "alignment", "outcomes", "cadence")


@dataclass(frozen=True, slots=True)
class Subject:
    """What a finding is about: ``kind`` (team, work_item, raid, decision, decision_domain,
    agreement, change_request, role, …), its id within that kind, a display name and its page."""

    kind: str
    id: str
    name: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """One figure or item that made the rule fire, with the page that shows it."""

    label: str
    value: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    """Whom to talk to: ``kind`` is person, role, group or team; ``name`` who exactly."""

    kind: str
    name: str


@dataclass(frozen=True, slots=True)
class Signal:
    """A rule's condition holding for one subject now.

    ``score`` measures how bad it is in the rule's own unit (days late, items, a share), larger
    is worse: a dismissed finding comes back only when the score grows past the one it was
    dismissed with. ``team`` is the team's primary key when the subject belongs to one.
    """

    subject: Subject
    severity: Severity
    title: str
    evidence: tuple[Evidence, ...]
    talk_to: tuple[Contact, ...]
    conversation: str
    score: float
    team: int | None = None
    why: str = ""  # the rule's own "why" when empty


@dataclass(frozen=True, slots=True)
class Threshold:
    """A number a workspace may change: its key, label, default and bounds (inclusive)."""

    key: str
    label: str
    default: float
    minimum: float
    maximum: float
    unit: str = ""
    integer: bool = True

    def check(self, value: Any) -> float:
        """Return ``value`` as a number within the bounds, or raise ValueError saying why."""
        if isinstance(value, bool):
            raise ValueError(f"{self.key}: {value!r} is not a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.key}: {value!r} is not a number") from None
        if number != number or not self.minimum <= number <= self.maximum:
            raise ValueError(
                f"{self.key}: {_fmt(number)} is outside {_fmt(self.minimum)}–{_fmt(self.maximum)}"
                + (f" {self.unit}" if self.unit else "")
            )
        if self.integer and number != int(number):
            raise ValueError(f"{self.key}: {value} is not a whole number")
        return int(number) if self.integer else number


def plural(n: float, word: str, words: str | None = None) -> str:
    """Return "1 item", "3 items" (``words`` for irregular plurals), for a signal's text."""
    shown = f"{n:g}" if isinstance(n, float) else str(n)
    return f"{shown} {word if n == 1 else (words or word + 's')}"


def _fmt(x: float) -> str:
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    return str(int(x)) if x == int(x) else str(x)


Evaluate = Callable[[Any, Mapping[str, float]], Iterable[Signal]]


@dataclass(frozen=True)
class Rule:
    """One rule: key, where it looks (``area``), what it says and why, its thresholds."""

    key: str
    area: str
    title: str
    why: str
    evaluate: Evaluate
    thresholds: tuple[Threshold, ...] = field(default=())
    source: str = ""  # a published source that supports the why, when there is one
    recheck_days: int = 7

    def defaults(self) -> dict[str, float]:
        return {t.key: t.default for t in self.thresholds}


_RULES: dict[str, Rule] = {}
# Modules whose import registers rules: each app names its own (register_rule_module).
_MODULES = Modules()


def register_rule_module(name: str) -> None:
    """Name a module whose import registers rules with :func:`rule` (an app calls this in its
    ``AppConfig.ready``); it is imported when the rules are first read, not when Django starts."""
    _MODULES.add(name)


def rule(
    key: str,
    *,
    area: str,
    title: str,
    why: str,
    thresholds: tuple[Threshold, ...] = (),
    source: str = "",
    recheck_days: int = 7,
) -> Callable[[Evaluate], Evaluate]:
    """Register the decorated function as the rule ``key``."""
    if area not in AREAS:
        raise ValueError(f"rule {key}: area {area!r} is not one of {', '.join(AREAS)}")

    def register(func: Evaluate) -> Evaluate:
        _RULES[key] = Rule(key, area, title, why, func, thresholds, source, recheck_days)
        return func

    return register


def all_rules() -> list[Rule]:
    """Return every registered rule, by area (in AREAS order) then key."""
    _MODULES.load()
    return sorted(_RULES.values(), key=lambda r: (AREAS.index(r.area), r.key))


def get_rule(key: str) -> Rule | None:
    _MODULES.load()
    return _RULES.get(key)
