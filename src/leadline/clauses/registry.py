"""The kinds of check a working-agreement clause can be linked to, as a registry.

A kind reads the data of the agreement's team over a window and says whether the clause was
kept, with the evidence. Leadline registers decision latency, work in progress per person and
blocked time (:mod:`.kinds`); another app adds its own with :func:`check_kind` in its
``AppConfig.ready`` (the cadence, for "status shared weekly"), without this app knowing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ClauseEvidence:
    label: str
    value: str
    url: str = ""


@dataclass
class Verdict:
    """``kept``: True kept, False broken, None no data to judge by (nothing happened)."""

    kept: bool | None
    summary: str
    evidence: list[ClauseEvidence] = field(default_factory=list)


@dataclass(frozen=True)
class Judging:
    """What a check kind is given: the agreement's workspace and team, the clause's number
    and window, and the moment it is judged at."""

    workspace: Any
    team: Any
    limit: float
    window_days: int
    now: datetime

    @property
    def since(self) -> datetime:
        from datetime import timedelta

        return self.now - timedelta(days=self.window_days)


Judge = Callable[[Judging], Verdict]


@dataclass(frozen=True)
class CheckKind:
    key: str
    label: str  # with N for the limit: "Decisions within N hours"
    unit: str
    default: float
    low: float
    high: float
    judge: Judge
    example: str = ""  # a clause it fits, for the form's help


_KINDS: dict[str, CheckKind] = {}


def check_kind(
    key: str, label: str, *, unit: str, default: float, low: float, high: float, example: str = ""
) -> Callable[[Judge], Judge]:
    """Register ``judge`` as the check kind ``key`` (registering a key twice keeps the first)."""

    def register(judge: Judge) -> Judge:
        _KINDS.setdefault(key, CheckKind(key, label, unit, default, low, high, judge, example))
        return judge

    return register


def kinds() -> list[CheckKind]:
    return sorted(_KINDS.values(), key=lambda k: k.label)


def kind(key: str) -> CheckKind | None:
    return _KINDS.get(key)
