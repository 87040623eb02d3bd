"""Retrospective formats, their columns and the phases a board goes through.

Every format ends with the same "alignment" column: retros should surface alignment gaps
(are we still working on the right things?), not only process gaps.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    prompt: str


@dataclass(frozen=True)
class Format:
    key: str
    title: str
    columns: tuple[Column, ...]


ALIGNMENT = Column(
    "alignment", "Still the right things?", "Are we still working on the right things?"
)

FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("start-stop-continue", "Start / stop / continue", (
            Column("start", "Start", "What should we start doing?"),
            Column("stop", "Stop", "What should we stop doing?"),
            Column("continue", "Continue", "What works and should go on?"),
            ALIGNMENT,
        )),
        Format("4ls", "4Ls", (
            Column("liked", "Liked", "What did you like?"),
            Column("learned", "Learned", "What did you learn?"),
            Column("lacked", "Lacked", "What was missing?"),
            Column("longed-for", "Longed for", "What did you wish for?"),
            ALIGNMENT,
        )),
        Format("sailboat", "Sailboat", (
            Column("wind", "Wind", "What pushed us forward?"),
            Column("anchors", "Anchors", "What held us back?"),
            Column("rocks", "Rocks", "What risks lie ahead?"),
            Column("island", "Island", "Where are we heading?"),
            ALIGNMENT,
        )),
        Format("mad-sad-glad", "Mad / sad / glad", (
            Column("mad", "Mad", "What made you mad?"),
            Column("sad", "Sad", "What disappointed you?"),
            Column("glad", "Glad", "What made you glad?"),
            ALIGNMENT,
        )),
    )
}  # fmt: skip

# The phases in order; a board moves forward (or back) one phase at a time.
PHASES: tuple[tuple[str, str], ...] = (
    ("write", "Write cards"),
    ("group", "Group"),
    ("vote", "Vote"),
    ("discuss", "Discuss"),
    ("actions", "Agree actions"),
    ("closed", "Closed"),
)
PHASE_KEYS = tuple(key for key, _ in PHASES)

# What may happen in which phase.
WRITE_PHASES = ("write",)
GROUP_PHASES = ("group",)
VOTE_PHASES = ("vote",)
ACTION_PHASES = ("discuss", "actions")

MAX_ACTIONS = 3


def columns_of(format_key: str) -> tuple[Column, ...]:
    return FORMATS[format_key].columns


def phase_title(key: str) -> str:
    return dict(PHASES)[key]
