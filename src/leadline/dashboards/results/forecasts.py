"""What the forecasts answer (:mod:`leadline.dashboards.forecasts`), field by field.

See :mod:`leadline.dashboards.results`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, NotRequired

from pydantic import Field
from typing_extensions import TypedDict

from . import fixed


@fixed
class ForecastInputs(TypedDict):
    trials: Annotated[int, Field(description="Monte Carlo trials.")]
    seed: Annotated[int | None, Field(description="Random seed; null for an unseeded run.")]
    method: Annotated[
        str,
        Field(description='Sampling (e.g. "negbin", "daily" for independent days, "week_blocks").'),
    ]
    window_days: Annotated[int, Field(description="Days of throughput history sampled (days).")]
    window_start: Annotated[dt.date | None, Field(description="First day of the sampled window.")]
    window_end: Annotated[
        dt.date | None, Field(description="Last day of the sampled window (= as_of).")
    ]
    total_items: Annotated[int, Field(description="Items finished in the window (items).")]
    zero_days: Annotated[int, Field(description="Days of the window with nothing finished (days).")]
    mean_per_day: Annotated[
        float, Field(description="Mean throughput in the window (items per day).")
    ]
    max_per_day: Annotated[
        int, Field(description="Highest daily throughput in the window (items).")
    ]
    percentiles: Annotated[
        list[int], Field(description="Confidence levels answered (e.g. 50, 70, 85, 95).")
    ]


@fixed
class ForecastWhenPercentile(TypedDict):
    percentile: Annotated[int, Field(description="Confidence level (%).")]
    days: Annotated[
        int | None,
        Field(
            description="Days after as_of by which that share of trials finished (days); null "
            "without throughput."
        ),
    ]
    date: Annotated[
        dt.date | None, Field(description="The calendar date of ``days``; null without throughput.")
    ]


@fixed
class ForecastWhenBin(TypedDict):
    days: Annotated[int, Field(description="Days needed (days).")]
    trials: Annotated[int, Field(description="Trials that needed that many days.")]


@fixed
class ForecastWhen(TypedDict):
    items: Annotated[int, Field(description="Items to finish (items).")]
    definition: Annotated[str, Field(description="How the forecast was made.")]
    percentiles: Annotated[
        list[ForecastWhenPercentile], Field(description="The answer per confidence level.")
    ]
    histogram: Annotated[list[ForecastWhenBin], Field(description="Outcomes of the trials.")]


@fixed
class ForecastHowManyPercentile(TypedDict):
    percentile: Annotated[int, Field(description="Confidence level (%).")]
    items: Annotated[
        int, Field(description="At least this many items finish with that confidence (items).")
    ]


@fixed
class ForecastHowManyBin(TypedDict):
    items: Annotated[int, Field(description="Items finished (items).")]
    trials: Annotated[int, Field(description="Trials that finished that many.")]


@fixed
class ForecastHowMany(TypedDict):
    days: Annotated[int, Field(description="Days ahead of as_of (days).")]
    by: Annotated[dt.date, Field(description="The date ``days`` after as_of.")]
    definition: Annotated[str, Field(description="How the forecast was made.")]
    percentiles: Annotated[
        list[ForecastHowManyPercentile],
        Field(description="The answer per confidence level (read downward)."),
    ]
    histogram: Annotated[list[ForecastHowManyBin], Field(description="Outcomes of the trials.")]


@fixed
class ForecastCalibration(TypedDict):
    question: Annotated[
        Literal["how_many", "when"], Field(description="Which forecast was backtested.")
    ]
    percentile: Annotated[int, Field(description="Confidence level (%).")]
    forecasts: Annotated[int, Field(description="Past forecasts compared (outcome known).")]
    hit_rate: Annotated[
        float | None,
        Field(
            description="Share of them that came true (ratio 0-1, 3 decimals); calibrated when "
            "about percentile / 100; null when every such forecast was excluded."
        ),
    ]
    excluded: Annotated[
        int,
        Field(
            description="Past forecasts left out because their outcome is unknown: the data ends "
            "before both the forecast date and the items' completion ('when' only)."
        ),
    ]


@fixed
class ForecastBacktest(TypedDict):
    definition: Annotated[str, Field(description="How the backtest was made.")]
    every_days: Annotated[int, Field(description="Days between past as-of dates (days).")]
    trials: Annotated[int, Field(description="Trials per past forecast.")]
    horizon_days: Annotated[
        int, Field(description="'How many' horizon of the past forecasts (days).")
    ]
    items: Annotated[int, Field(description="'When' item count of the past forecasts (items).")]
    forecasts: Annotated[int, Field(description="Past as-of dates forecast from.")]
    excluded: Annotated[
        int,
        Field(
            description="Past 'when' answers (per percentile) left out as unknown: the data ends "
            "before both their date and the items' completion. A date that passed with the items "
            "not done counts as a miss."
        ),
    ]
    calibration: Annotated[
        list[ForecastCalibration], Field(description="Hit rate per question and confidence level.")
    ]


@fixed
class ForecastMethodInfo(TypedDict):
    name: Annotated[
        Literal["calibrated_blocks", "week_blocks", "independent_days"],
        Field(description="The forecast method (default calibrated_blocks)."),
    ]
    description: Annotated[str, Field(description="What the method does, in a sentence.")]


@fixed
class ForecastTrackRecord(TypedDict):
    question: Annotated[
        Literal["how_many", "when"], Field(description="Which forecast the record is of.")
    ]
    percentile: Annotated[int, Field(description="Confidence level judged (%), 85.")]
    forecasts: Annotated[
        int,
        Field(
            description="This team's past forecasts (weekly, same method and inputs, over the "
            "last 104 weeks) whose answer at that level could be judged by the as-of date."
        ),
    ]
    hit_rate: Annotated[
        float | None,
        Field(
            description="Share of them that came true (ratio 0-1, 3 decimals); null when too "
            "few could be judged (``enough`` false)."
        ),
    ]
    enough: Annotated[
        bool, Field(description="Whether there were enough judged forecasts (8) for a rate.")
    ]
    text: Annotated[
        str,
        Field(
            description="The record in words: \"On this team's last N forecasts, 85 % answers "
            'came true M % of the time", or that there is too little history.'
        ),
    ]


@fixed
class _ForecastHead(TypedDict):
    workspace: Annotated[str, Field(description="Workspace slug.")]
    team: Annotated[
        str | None, Field(description="Team slug; null for all teams or several teams.")
    ]
    teams: Annotated[
        list[str], Field(description="Team slugs forecast together (their throughput summed).")
    ]
    label: Annotated[
        str, Field(description='Who it is for: "Checkout", "Checkout + Mobile", "All teams".')
    ]
    as_of: Annotated[dt.date, Field(description="The as-of date; day 1 is the day after.")]
    inputs: Annotated[ForecastInputs, Field(description="What the forecast was computed from.")]
    method: Annotated[ForecastMethodInfo, Field(description="How the forecast was made.")]
    track_record: Annotated[
        list[ForecastTrackRecord],
        Field(description="Per question, how this team's own past forecasts came true."),
    ]


@fixed
class ForecastEpic(TypedDict):
    key: Annotated[str, Field(description="Epic key.")]
    title: Annotated[
        str | None, Field(description="The epic's title; null when the epic item is unknown.")
    ]
    remaining: Annotated[
        int,
        Field(
            description="Child items (of any team) not finished and not removed as of as_of (items)."
        ),
    ]
    cumulative: Annotated[
        int,
        Field(
            description="Remaining items of this epic and of the epics before it (items): the epic "
            "is done when these are."
        ),
    ]
    percentiles: Annotated[
        list[ForecastWhenPercentile],
        Field(
            description="When the epic will be done per confidence level; days 0 (dated as_of) "
            "when nothing remains."
        ),
    ]


@fixed
class ForecastWhenOut(_ForecastHead):
    """When will ``items`` items be done: Monte Carlo dates at 50/70/85/95%, and a backtest.

    With ``epics``, also when each epic will be done, working through them in the order given.
    """

    when: Annotated[ForecastWhen, Field(description="The forecast.")]
    epics: NotRequired[
        Annotated[
            list[ForecastEpic] | None,
            Field(
                description="Only when ``epics`` are asked for: per epic in the order given (priority "
                "order), when it will be done if the team(s) work through the epics in that order "
                "(epic k is done when the remaining items of epics 1..k are), from the same trials."
            ),
        ]
    ]
    epics_definition: NotRequired[
        Annotated[
            str | None,
            Field(description="Only with ``epics``: the assumption and how it was made."),
        ]
    ]
    backtest: Annotated[
        ForecastBacktest, Field(description="How well such forecasts did in the past.")
    ]


@fixed
class ForecastHowManyOut(_ForecastHead):
    """How many items in ``days`` days: Monte Carlo counts at 50/70/85/95%, and a backtest."""

    how_many: Annotated[ForecastHowMany, Field(description="The forecast.")]
    backtest: Annotated[
        ForecastBacktest, Field(description="How well such forecasts did in the past.")
    ]


@fixed
class ForecastEpics(TypedDict, total=False):
    """The epics part of :class:`Forecast`, present only when epics are asked for."""

    epics: list[ForecastEpic]
    epics_definition: str


@fixed
class Forecast(_ForecastHead):
    """Both forecasts of a scope, as the forecasts page shows them (:func:`forecasts.forecast`);
    each API route answers its half (:func:`forecasts.forecast_when`,
    :func:`forecasts.forecast_how_many`)."""

    when: ForecastWhen
    how_many: ForecastHowMany
    epics: NotRequired[list[ForecastEpic]]
    epics_definition: NotRequired[str]
    backtest: ForecastBacktest | None
