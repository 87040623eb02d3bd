"""The registry of pack sections: ``register_section(key, title, builder)``.

A tier's pack template is a list of section keys. Each key names a builder, registered here by
the app that owns the data (this app registers the sections built from flow, RAID, decisions,
the Radar, alignment, pulses, DORA and the portfolio in :mod:`.section_builders`; other apps,
such as outcomes with benefits and scorecards, theirs). An app names the module that registers
its sections in its ``ready`` with :func:`register_section_module`; the module is imported when
the sections are first read, not when Django starts::

    from leadline.cadence.sections import register_section

    register_section("benefits", "Benefits", build_benefits)

``builder(ctx)`` reads live data through the owning app's services and returns
``{"key", "title", "status", "items": [{"key", "text", ...}], "charts": [spec, ...]}`` (use
:func:`section`): ``status`` is ``"green"``, ``"amber"``, ``"red"`` or ``"info"``; each item's
``key`` is stable from one pack to the next, so the next pack can say what changed; ``charts``
are Vega-Lite specs with their data inline, each with its title and definition, frozen with the
pack (:mod:`.pack_charts`). A template key nobody registered is skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypedDict

from leadline.plugins import Modules

logger = logging.getLogger(__name__)

STATUSES = ("green", "amber", "red", "info")


class CadenceSectionOut(TypedDict):
    key: Annotated[str, Field(description="Section key (of the tier's template).")]
    title: Annotated[str, Field(description="Section title.")]
    status: Annotated[
        str, Field(description="green, amber, red or info: the lead's RAG when set, else built.")
    ]
    items: Annotated[list[dict[str, Any]], Field(description="The section's items.")]
    charts: Annotated[
        list[dict[str, Any]],
        Field(
            description="Vega-Lite specs with their data inline, taken with the pack's data "
            "(title and definition in each); the page and the PDF draw these."
        ),
    ]


@dataclass
class SectionContext:
    """What a builder is asked about: the workspace, the tier, its team (or all teams), and the
    moment the data is taken (``as_of``; ``today`` its local date)."""

    workspace: Any
    tier: Any
    team: Any
    teams: list[Any]
    as_of: datetime
    today: date
    occurrence: Any = None
    memo: dict[str, Any] = field(default_factory=dict)

    def cached(self, key: str, factory: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = factory()
        return self.memo[key]


Builder = Callable[[SectionContext], CadenceSectionOut]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    builder: Builder


_SECTIONS: dict[str, Section] = {}
_MODULES = Modules()


def register_section_module(name: str) -> None:
    """Name a module whose import registers sections (an app calls this in its ``ready``)."""
    _MODULES.add(name)


def register_section(key: str, title: str, builder: Builder) -> None:
    """Register (or replace) the builder of section ``key``."""
    _SECTIONS[key] = Section(key, title, builder)


def registered() -> dict[str, Section]:
    _MODULES.load()
    return dict(_SECTIONS)


def section(
    key: str, title: str, status: str, items: list[dict[str, Any]],
    charts: list[dict[str, Any]] | None = None,
) -> CadenceSectionOut:  # fmt: skip
    """Return a section in the shape every builder answers; ``charts`` are Vega-Lite specs
    (see :mod:`leadline.cadence.pack_charts`), stored with the section."""
    assert status in STATUSES, status
    return {"key": key, "title": title, "status": status, "items": items, "charts": charts or []}


def build(keys: list[str], ctx: SectionContext) -> list[CadenceSectionOut]:
    """Build the sections ``keys`` in order; unknown keys are skipped, and a builder that
    fails gives a section saying so rather than no pack at all."""
    _MODULES.load()
    out: list[CadenceSectionOut] = []
    for key in keys:
        s = _SECTIONS.get(key)
        if s is None:
            continue
        try:
            built = s.builder(ctx)
        except Exception as exc:  # one broken source must not stop the pack
            logger.exception("Pack section %s failed", key)
            built = section(key, s.title, "info", [
                {"key": "error", "text": f"This section could not be built: {type(exc).__name__}."}
            ])  # fmt: skip
        out.append(built)
    return out
