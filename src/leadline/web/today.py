"""What needs me today: the workspace home page and its JSON twin (``GET …/today``).

The page is made of sections, each filled by a *source* that an app registers with
:func:`source` (governance: open alerts, decisions waiting, RAID items past their dates; metrics:
items aging past their team's norm). A section exists only where a source does: an app that
does not exist yet (the Radar's findings, the cadence's checkpoints of the week, forecasts with
target dates) adds its own source in its own module and names that module with
:func:`register_source_module` in its ``AppConfig.ready``; until then there is no empty
stand-in on the page.

Whose "today" it is (:class:`Focus`): the team named in the URL; otherwise *you*, the person
the account is in the workspace (linked by an owner on Settings → Members) and their teams;
otherwise, or with ``for=everyone``, the whole workspace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.utils import timezone
from pydantic import BaseModel, ConfigDict, Field

from leadline.plugins import Modules
from leadline.workspaces.models import Person, Team
from leadline.workspaces.services import Access, person_for

SHOWN = 8  # entries per section on the page and in the API; ``count`` says how many in all

# Modules whose import registers sources; each app names its own (register_source_module).
_SOURCE_MODULES = Modules()


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TodayEntry(_Out):
    """One thing that needs attention, linking to its page."""

    kind: str = Field(description='What it is: "alert", "decision", "raid", "aging", …')
    title: str = Field(description="What it is about, as its page titles it.")
    detail: str = Field(description="Why it needs attention, in a sentence.")
    url: str = Field(description="Its page in Leadline.")
    external_url: str | None = Field(
        default=None, description="Its page in the tracker, only when its source gave a web URL."
    )
    date: dt.date | None = Field(default=None, description="The date that matters (due, …).")
    days_late: int | None = Field(default=None, description="Days past that date; null if not.")
    team: str | None = Field(default=None, description="The team it concerns, by name.")
    mine: bool = Field(
        default=False, description="It is the person's own: they own it or it is routed to them."
    )


class TodaySection(_Out):
    """One kind of thing that needs attention, from one source."""

    key: str = Field(description='The source: "alerts", "decisions", "overdue", "aging", …')
    title: str
    lede: str = Field(description="What the section lists.")
    count: int = Field(description="How many there are; ``entries`` holds the first few.")
    entries: list[TodayEntry]
    more_url: str = Field(description="The page listing all of them.")
    more_label: str
    empty: str = Field(description="What to say when there are none.")
    note: str | None = Field(default=None, description="What limits this section, if anything.")


class TodayOut(_Out):
    """What needs the person's attention today in one workspace."""

    workspace: str = Field(description="Workspace slug.")
    as_of: dt.date = Field(description="Today, in the workspace's time zone.")
    basis: Literal["you", "team", "workspace"] = Field(
        description="Whose today: the person and their teams, one team, or everything."
    )
    person: str | None = Field(description="The person the account is in the workspace.")
    teams: list[str] = Field(description="The teams in focus, by name (none: all).")
    label: str = Field(description='Who it is for, e.g. "You (Nadia Ivanova: Checkout, Data)".')
    note: str | None = Field(default=None, description="Why the focus is what it is.")
    sections: list[TodaySection]


@dataclass
class Focus:
    """Whose today a page shows: what the sources filter by."""

    access: Access
    user: Any
    person: Person | None
    teams: list[Team]
    basis: str
    now: dt.datetime
    today: dt.date
    team_ids: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.team_ids = {t.pk for t in self.teams}

    @property
    def everything(self) -> bool:
        """True when nothing is filtered out (the whole workspace)."""
        return self.basis == "workspace"


Source = Callable[[Focus], TodaySection | None]
_SOURCES: list[tuple[int, str, Source]] = []


def source(order: int, key: str) -> Callable[[Source], Source]:
    """Register a section source; sections appear by ``order`` (notifications 5, alerts 10,
    decisions 20, dates passed 30, aging 40)."""

    def register(func: Source) -> Source:
        if all(k != key for _, k, _ in _SOURCES):
            _SOURCES.append((order, key, func))
            _SOURCES.sort(key=lambda s: s[0])
        return func

    return register


def register_source_module(name: str) -> None:
    """Name a module whose import registers sources with :func:`source` (an app calls this in
    its ``AppConfig.ready``). It is imported on first use, not when Django starts: a source
    module may load heavy libraries (Polars) that most processes never need."""
    _SOURCE_MODULES.add(name)


def _load_sources() -> list[tuple[int, str, Source]]:
    _SOURCE_MODULES.load()
    return list(_SOURCES)


def focus_for(
    access: Access,
    user: Any,
    *,
    team: Team | None = None,
    everyone: bool = False,
    now: dt.datetime | None = None,
) -> tuple[Focus, str, str | None]:
    """Return the focus, its label and a note saying why it is what it is."""
    now = now or timezone.now()
    day = now.astimezone(ZoneInfo(access.workspace.tz)).date()  # the workspace's today
    person = person_for(access.workspace, user)
    note = None
    if team is not None:
        return Focus(access, user, person, [team], "team", now, day), team.name, None
    if everyone:
        return Focus(access, user, person, [], "workspace", now, day), "Everyone", None
    if person is None:
        note = (
            "Your account is not linked to a person of this workspace, so nothing can be routed "
            "to you: this is the whole workspace. An owner links accounts to people on "
            "Settings → Members."
        )
        return Focus(access, user, None, [], "workspace", now, day), "Everyone", note
    teams = list(person.teams.all())
    names = ", ".join(t.name for t in teams)
    label = f"You ({person.name}{': ' + names if names else ''})"
    if not teams:
        note = f"{person.name} is in no team yet: team items are not shown. Add them on People."
    return Focus(access, user, person, teams, "you", now, day), label, note


def today_for(
    access: Access,
    user: Any,
    *,
    team: Team | None = None,
    everyone: bool = False,
    now: dt.datetime | None = None,
) -> TodayOut:
    """Return what needs the user today in the access's workspace (see the module docstring).

    Each registered source adds its section; a source that returns None has nothing to offer
    for this workspace (its feature is not set up) and adds no section.
    """
    focus, label, note = focus_for(access, user, team=team, everyone=everyone, now=now)
    sections = [s for _, _, fn in _load_sources() if (s := fn(focus)) is not None]
    return TodayOut(
        workspace=access.workspace.slug,
        as_of=focus.today,
        basis=focus.basis,  # type: ignore[arg-type]
        person=focus.person.name if focus.person else None,
        teams=[t.name for t in focus.teams],
        label=label,
        note=note,
        sections=sections,
    )


def web_url(url: str | None) -> str | None:
    """Return ``url`` when it is a web link (an imported URL may be anything), else None."""
    return url if url and url.startswith(("https://", "http://")) else None
