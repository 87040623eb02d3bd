"""What the concentration services return: each TypedDict is also the API's response schema."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from leadline.dashboards.results import fixed


@fixed
class ConcentrationAuthorOut(TypedDict):
    name: str
    person: Annotated[int | None, Field(description="The person in the people registry (id).")]
    files: Annotated[int, Field(description="Files they author (degree of authorship).")]
    sole: Annotated[int, Field(description="Files only they author: orphaned if they leave.")]


@fixed
class ConcentrationEpicOut(TypedDict):
    key: str
    title: str
    status: str
    open: Annotated[bool, Field(description="Not resolved yet.")]
    team: Annotated[str, Field(description="The epic's team (slug), or empty.")]


@fixed
class ConcentrationReviewerOut(TypedDict):
    name: Annotated[
        str, Field(description="The reviewer: their name in the people registry, else their login.")
    ]
    person: Annotated[int | None, Field(description="The person in the people registry (id).")]
    left: Annotated[bool, Field(description="A person of the registry who has left.")]
    reviewed: Annotated[int, Field(description="Changes here they reviewed in the period.")]
    changes: Annotated[
        int, Field(description="Changes here reviewed in the period by someone not their author.")
    ]
    share: Annotated[float, Field(description="reviewed / changes, 0..1.")]


@fixed
class ConcentrationReviewAreaOut(TypedDict):
    repository: str
    area: Annotated[str, Field(description="A top directory; empty for the whole repository.")]
    reviewer: Annotated[
        ConcentrationReviewerOut, Field(description="The one person who reviews most changes.")
    ]


@fixed
class ConcentrationAreaOut(TypedDict):
    repository: str
    area: Annotated[str, Field(description="A top directory; empty for the whole repository.")]
    truck_factor: Annotated[
        int, Field(description="Authors who must leave before over half the files have none.")
    ]
    files: int
    authors: list[ConcentrationAuthorOut]
    left_out: Annotated[
        int, Field(description="Authors not active in the people registry, left out.")
    ]
    work_items: Annotated[int, Field(description="Tracker items named by commits here.")]
    epics: Annotated[
        list[ConcentrationEpicOut], Field(description="Epics of the items named by commits here.")
    ]
    one_reviewer: Annotated[
        ConcentrationReviewerOut | None,
        Field(description="One person reviewed at least the review share of its changes."),
    ]


@fixed
class ConcentrationFinisherOut(TypedDict):
    kind: Literal["epic", "component"]
    key: Annotated[str, Field(description="The epic's key or the component's name.")]
    title: str
    items: Annotated[int, Field(description="Items finished in the period.")]
    person: Annotated[str, Field(description="Who finished most of them (first assignee).")]
    share: Annotated[float, Field(description="Their share of the finished items, 0..1.")]


@fixed
class ConcentrationPaceOut(TypedDict):
    team: Annotated[str, Field(description="The team's slug.")]
    team_name: str
    members: Annotated[int, Field(description="Active people in the team (≥ k).")]
    recent_events: int
    recent_share: Annotated[
        float | None, Field(description="Share of commits and status changes out of hours, 0..1.")
    ]
    earlier_events: int
    earlier_share: Annotated[float | None, Field(description="The same, the weeks before.")]


@fixed
class ConcentrationOut(TypedDict):
    computed_at: Annotated[dt.datetime | None, Field(description="When results were computed.")]
    repositories: Annotated[list[ConcentrationAreaOut], Field(description="Whole repositories.")]
    areas: list[ConcentrationAreaOut]
    finish_share: Annotated[int, Field(description="Share (%) from which one finisher shows.")]
    finishers: list[ConcentrationFinisherOut]
    review_share: Annotated[int, Field(description="Share (%) from which one reviewer shows.")]
    review_min_changes: Annotated[int, Field(description="Reviewed changes an area needs.")]
    review_days: Annotated[int, Field(description="Reviews of the last this many days count.")]
    reviewed_changes: Annotated[
        int, Field(description="Changes reviewed in the period by someone not their author.")
    ]
    review_areas: Annotated[
        list[ConcentrationReviewAreaOut],
        Field(description="Repositories and areas whose changes one person reviews."),
    ]
    min_group_size: Annotated[int, Field(description="k: smaller teams show no pace figures.")]
    pace_weeks: int
    pace: list[ConcentrationPaceOut]
    problems: Annotated[list[str], Field(description="Repositories that could not be read.")]


@fixed
class ConcentrationForecastOut(TypedDict):
    id: int
    title: str
    target_date: dt.date | None


@fixed
class ConcentrationLossOut(TypedDict):
    repository: str
    area: str
    files: int
    orphaned: Annotated[int, Field(description="Files that would have no author left.")]
    last_author: Annotated[bool, Field(description="The area would have no author at all.")]
    truck_factor: int
    epics: list[ConcentrationEpicOut]
    forecasts: Annotated[
        list[ConcentrationForecastOut],
        Field(description="Change requests (with a forecast) whose scope holds those epics."),
    ]


@fixed
class ConcentrationLeavesOut(TypedDict):
    person: int
    name: str
    areas: list[ConcentrationLossOut]
