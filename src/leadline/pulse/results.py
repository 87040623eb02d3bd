"""What the pulse services return: each TypedDict is also the API's response schema.

Figures are ``NotRequired``: a suppressed result leaves them out entirely (not null), so an
answer below k holds no figure at all, only the respondent count.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, NotRequired

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

fixed = with_config(ConfigDict(extra="forbid"))


@fixed
class ItemText(TypedDict):
    key: Annotated[str, Field(description="The item's key, used in answers.")]
    text: Annotated[str, Field(description="The statement or question as asked.")]
    scale: Annotated[str, Field(description="agree7 (1-7), agree5 (1-5), rag (1 red - 3 green) "
                                            "or trend (1 worse - 3 better).")]  # fmt: skip
    options: Annotated[list[str], Field(description="The answer options' labels, 1 first.")]
    reverse: Annotated[bool, Field(description="Negatively worded: scored A + 1 - answer.")]


@fixed
class PulseLinkOut(TypedDict):
    url: Annotated[str, Field(description="The personal answer page (no account needed).")]
    token: Annotated[str, Field(description="The link's secret, for POST /pulse/responses.")]


@fixed
class PulseCreated(TypedDict):
    id: int
    team: Annotated[str, Field(description="The team's slug.")]
    template: str
    title: str
    schedule: str
    round: Annotated[int, Field(description="The round now open.")]
    closes_at: dt.datetime
    items: list[ItemText]
    links: Annotated[list[PulseLinkOut], Field(description="One per team member, in random order "
                                                      "and without names.")]  # fmt: skip


@fixed
class SubmitOut(TypedDict):
    recorded: bool
    round: int


@fixed
class ItemResult(TypedDict):
    key: str
    text: str
    mean: NotRequired[Annotated[float, Field(description="Mean on the item's scale, "
                                                         "after reverse scoring.")]]  # fmt: skip
    normalised: NotRequired[Annotated[float, Field(description="0 worst to 1 best.")]]
    distribution: NotRequired[Annotated[list[int], Field(description="Answers per option, "
                                                                     "1 first (scored).")]]  # fmt: skip
    rwg: NotRequired[Annotated[float, Field(description="Within-team agreement r_wg, 0-1.")]]
    split: NotRequired[Annotated[bool, Field(description="r_wg below 0.70: the team is split; "
                                                         "read the distribution, not the mean.")]]  # fmt: skip


@fixed
class Results(TypedDict):
    pulse: int
    team: str
    template: str
    round: int
    closes_at: dt.datetime
    closed: bool
    respondents: Annotated[int, Field(description="How many answered (always shown).")]
    suppressed: Annotated[bool, Field(description="True: no figure is shown.")]
    reason: Annotated[str, Field(description="Why it is suppressed (empty when shown).")]
    min_group_size: Annotated[int, Field(description="k: fewer respondents show nothing.")]
    score: NotRequired[Annotated[float, Field(description="Overall mean on the scale.")]]
    normalised: NotRequired[Annotated[float, Field(description="Overall score, 0 to 1.")]]
    items: list[ItemResult]
    comments: NotRequired[Annotated[list[str], Field(description="Released after the round "
                                                                 "closes, in random order.")]]  # fmt: skip


@fixed
class TrendPoint(TypedDict):
    round: int
    closes_at: dt.datetime
    respondents: int
    suppressed: bool
    normalised: NotRequired[float]


@fixed
class PulseSummary(TypedDict):
    id: int
    team: str
    team_name: str
    template: str
    title: str
    schedule: str
    active: bool
    open_round: Annotated[int | None, Field(description="The round open now, if any.")]
    answered: Annotated[int, Field(description="Answers so far in the open round (a count).")]
    invited: Annotated[int, Field(description="People invited to the open round.")]
    trend: list[TrendPoint]


@fixed
class PulsePortfolioTeam(TypedDict):
    team: str
    team_name: str
    round: int
    respondents: int
    suppressed: bool
    normalised: NotRequired[float]


@fixed
class PulsePortfolio(TypedDict):
    template: str
    title: str
    min_group_size: int
    teams: list[PulsePortfolioTeam]
    respondents: Annotated[int, Field(description="Respondents of the teams shown.")]
    normalised: NotRequired[Annotated[float, Field(description="Across the teams shown only "
                                                               "(hidden teams are left out).")]]  # fmt: skip


@fixed
class PulseChange(TypedDict):
    key: Annotated[str, Field(description="'overall' or an item key.")]
    text: str
    before: float
    after: float
    delta: Annotated[float, Field(description="after - before, 0 to 1 scale.")]


@fixed
class TeamChanges(TypedDict):
    team: str
    pulse: int
    template: str
    round: int
    previous_round: int | None
    respondents: int
    previous_respondents: int | None
    invited: int
    previous_invited: int | None
    suppressed: bool
    changes: Annotated[
        list[PulseChange], Field(description="Between the last two released rounds.")
    ]
    split_items: Annotated[list[str], Field(description="Items with r_wg below 0.70.")]
