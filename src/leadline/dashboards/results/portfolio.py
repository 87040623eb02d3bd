"""What the portfolio page answers (:func:`leadline.dashboards.portfolio.portfolio`), field by
field.

See :mod:`leadline.dashboards.results`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict

from . import TIER, Tier, fixed


@fixed
class PortfolioColumn(TypedDict):
    key: Annotated[str, Field(description="Field of the team rows (a valid ``sort``).")]
    label: Annotated[str, Field(description="Column heading.")]


@fixed
class PortfolioDefinitions(TypedDict):
    wip: Annotated[str, Field(description="Definition of WIP.")]
    throughput: Annotated[str, Field(description="Definition of throughput.")]
    cycle_time: Annotated[str, Field(description="Definition of cycle time.")]
    deployment_frequency: Annotated[str, Field(description="Definition of deployment frequency.")]
    change_failure_rate: Annotated[
        str, Field(description="Definition of change failure rate (24 h).")
    ]


@fixed
class PortfolioTeam(TypedDict):
    team: Annotated[str, Field(description="Team slug.")]
    name: Annotated[str, Field(description="Team name.")]
    wip: Annotated[
        int, Field(description="Items in active stages at the end of the as-of date (items).")
    ]
    throughput_per_week: Annotated[
        float,
        Field(description="Items finished in the range per week (items per week, 1 decimal)."),
    ]
    finished: Annotated[int, Field(description="Items finished in the range (items).")]
    cycle_time_p85: Annotated[
        int | None,
        Field(description="85th percentile of cycle time (days); null when none finished."),
    ]
    deployment_frequency: Annotated[
        float | None,
        Field(
            description="Deployment days per week (days/week, 2 decimals); null without deployments."
        ),
    ]
    deployment_frequency_tier: Annotated[Tier | None, Field(description=TIER)]
    change_failure_rate: Annotated[
        float | None,
        Field(description="Change failure rate (ratio 0-1, 3 decimals); null without deployments."),
    ]
    change_failure_rate_tier: Annotated[Tier | None, Field(description=TIER)]
    quality_findings: Annotated[int, Field(description="Items with data-quality findings (items).")]


@fixed
class PortfolioWeek(TypedDict):
    team: Annotated[str, Field(description="Team slug.")]
    week: Annotated[dt.date, Field(description="Monday starting the week.")]
    count: Annotated[int, Field(description="Items finished that week (items).")]


@fixed
class PortfolioWipDay(TypedDict):
    team: Annotated[str, Field(description="Team slug.")]
    day: Annotated[dt.date, Field(description="Calendar day.")]
    wip: Annotated[int, Field(description="Items in active stages at the end of the day (items).")]


@fixed
class PortfolioOut(TypedDict):
    """Every team side by side over [start, end], as of ``end``."""

    workspace: Annotated[str, Field(description="Workspace slug.")]
    start: Annotated[dt.date, Field(description="First day of the range.")]
    end: Annotated[dt.date, Field(description="Last day of the range (inclusive).")]
    as_of: Annotated[dt.date, Field(description="The as-of date (= end).")]
    sort: Annotated[
        str, Field(description="Column the teams are sorted by (unknown columns: team).")
    ]
    descending: Annotated[
        bool, Field(description="True when sorted descending (teams without a value last).")
    ]
    columns: Annotated[list[PortfolioColumn], Field(description="The table's columns.")]
    definitions: Annotated[PortfolioDefinitions, Field(description="Each metric's definition.")]
    teams: Annotated[list[PortfolioTeam], Field(description="One row per team of the workspace.")]
    throughput_weekly: Annotated[
        list[PortfolioWeek],
        Field(description="Items finished per team and week (for small multiples)."),
    ]
    wip_daily: Annotated[list[PortfolioWipDay], Field(description="WIP per team and day.")]
