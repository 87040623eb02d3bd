"""What the competency services return: each TypedDict is also the API's response schema."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from leadline.dashboards.results import fixed

Source = Literal["forecasts", "decisions", "raid", "retro", "account"]


@fixed
class CompetencyDefOut(TypedDict):
    key: Annotated[str, Field(description="Stable key (assessments store it).")]
    name: str
    summary: str
    levels: Annotated[list[str], Field(description="What levels 1 to 5 look like, in order.")]


@fixed
class CornerstoneDefOut(TypedDict):
    key: Literal["craft", "delivery", "business", "people"]
    name: str
    summary: str
    competencies: list[CompetencyDefOut]


@fixed
class CompetencyModelOut(TypedDict):
    number: Annotated[int, Field(description="The workspace's version of the model.")]
    edition: Annotated[str, Field(description="The shipped edition it started from.")]
    name: str
    level_names: Annotated[list[str], Field(description="Names of levels 1 to 5.")]
    cornerstones: list[CornerstoneDefOut]
    note: Annotated[str, Field(description="What the edit that made this version changed.")]
    created_at: dt.datetime
    created_by: str


@fixed
class CompetencyEvidenceOut(TypedDict):
    competency: Annotated[str, Field(description="The competency the prompt is for.")]
    source: Source
    text: Annotated[str, Field(description="The prompt, with the numbers from your data.")]
    url: Annotated[str, Field(description="Where the numbers come from (a page).")]


@fixed
class CompetencyRatingOut(TypedDict):
    competency: str
    cornerstone: str
    name: str
    level: Annotated[int | None, Field(description="Self-rating 1-5; null when not rated.")]
    evidence: str
    raters_mean: Annotated[
        float | None,
        Field(description="Raters' mean level (1 decimal); null below three raters' scores."),
    ]
    above_raters: Annotated[
        bool, Field(description="Self-rating at least one level above the raters' mean.")
    ]


@fixed
class CompetencyCornerstoneOut(TypedDict):
    key: str
    name: str
    self_mean: Annotated[float | None, Field(description="Mean self-rating (1 decimal).")]
    raters_mean: Annotated[float | None, Field(description="Raters' mean (shown from three).")]


@fixed
class CompetencyRatersOut(TypedDict):
    invited: int
    answered: int
    minimum: Annotated[int, Field(description="Raters who must answer before anything shows.")]
    shown: Annotated[bool, Field(description="Whether the raters' aggregate is shown.")]
    note: str


@fixed
class CompetencyGoalOut(TypedDict):
    id: int
    competency: str
    competency_name: str
    text: str
    review_on: dt.date
    done: bool
    reminded_for: Annotated[
        dt.date | None, Field(description="The review date a reminder was sent for.")
    ]


@fixed
class CompetencyHistoryOut(TypedDict):
    id: int
    title: str
    created_at: dt.datetime
    model_number: int
    rated: Annotated[int, Field(description="Competencies with a self-rating.")]
    cornerstones: list[CompetencyCornerstoneOut]


@fixed
class CompetencyAssessmentOut(TypedDict):
    id: int
    title: str
    owner: Annotated[str, Field(description="The person assessing themselves (their name).")]
    mine: Annotated[bool, Field(description="Whether the caller is that person.")]
    model_number: Annotated[int, Field(description="The model version it was made against.")]
    model_edition: str
    level_names: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    ratings: list[CompetencyRatingOut]
    cornerstones: list[CompetencyCornerstoneOut]
    raters: CompetencyRatersOut
    goals: list[CompetencyGoalOut]
    shared_with: Annotated[
        list[str], Field(description="Usernames it is shared with (only the owner sees this).")
    ]
    rater_names: Annotated[
        list[str], Field(description="Who was asked for feedback (owner only; never with scores).")
    ]
    history: Annotated[
        list[CompetencyHistoryOut], Field(description="The owner's assessments, newest first.")
    ]


@fixed
class CompetencyRequestOut(TypedDict):
    assessment: int
    title: str
    owner: str
    model_number: int
