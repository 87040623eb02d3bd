"""What the retrospective services return: each TypedDict is also the API's response schema."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from leadline.dashboards.results import fixed

Phase = Literal["write", "group", "vote", "discuss", "actions", "closed"]
ActionStatus = Literal["open", "done", "dropped"]


@fixed
class CardOut(TypedDict):
    id: int
    column: Annotated[str, Field(description="The column's key (e.g. start, mad, alignment).")]
    text: str
    author: Annotated[str, Field(description="Who wrote it; empty for an anonymous card.")]
    anonymous: bool
    group: Annotated[int | None, Field(description="The group it is in, if any.")]
    votes: Annotated[int, Field(description="Dots on the card (cards in a group: on the group).")]


@fixed
class GroupOut(TypedDict):
    id: int
    title: str
    cards: Annotated[list[int], Field(description="The ids of its cards.")]
    votes: int


@fixed
class ColumnOut(TypedDict):
    key: str
    title: str
    prompt: str


@fixed
class ActionOut(TypedDict):
    id: int
    retro: Annotated[int, Field(description="The retrospective that agreed it.")]
    retro_title: str
    team: Annotated[str, Field(description="The team's slug.")]
    title: str
    owner: Annotated[int, Field(description="The owner: a person of the team (id).")]
    owner_name: str
    due_on: dt.date
    status: ActionStatus
    reason: Annotated[str, Field(description="Why it was dropped (empty otherwise).")]
    created_at: dt.datetime
    closed_at: dt.datetime | None
    age_days: Annotated[int, Field(description="Days since it was agreed (until it closed).")]
    overdue: Annotated[bool, Field(description="Open and past its due date.")]


@fixed
class RetroSummary(TypedDict):
    id: int
    title: str
    team: str
    team_name: str
    format: str
    phase: Phase
    held_on: dt.date
    cards: int
    actions: int


@fixed
class BoardOut(TypedDict):
    id: int
    title: str
    team: str
    team_name: str
    format: str
    format_title: str
    phase: Phase
    phases: Annotated[list[str], Field(description="Every phase in order.")]
    facilitator: Annotated[int | None, Field(description="The facilitating person's id.")]
    facilitator_name: str
    held_on: dt.date
    votes_per_person: int
    votes_left: Annotated[int, Field(description="Dots the caller may still place.")]
    my_votes: Annotated[
        list[str], Field(description="Where the caller's dots are: card:<id>, group:<id>.")
    ]
    timer_ends_at: dt.datetime | None
    version: Annotated[int, Field(description="Changes with every change; poll and compare.")]
    columns: list[ColumnOut]
    cards: list[CardOut]
    groups: list[GroupOut]
    actions: list[ActionOut]
    carried: Annotated[
        list[ActionOut],
        Field(description="The team's open actions from earlier retros, with their age."),
    ]
    can_run: Annotated[
        bool, Field(description="Whether the caller runs the board (lead, owner or facilitator).")
    ]


@fixed
class ThemeMentionOut(TypedDict):
    retro: int
    retro_title: str
    held_on: dt.date
    text: str


@fixed
class ThemeOut(TypedDict):
    team: str
    title: Annotated[str, Field(description="The theme, as it was first written.")]
    retros: Annotated[int, Field(description="In how many retrospectives it came up.")]
    first_seen: dt.date
    last_seen: dt.date
    history: list[ThemeMentionOut]


@fixed
class QuietTeamOut(TypedDict):
    team: str
    team_name: str
    retros_without_actions: Annotated[
        int, Field(description="Latest closed retros in a row that agreed no action.")
    ]
    last_retro: int
