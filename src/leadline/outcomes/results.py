"""What the outcomes services return: each TypedDict is also the API's response schema."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

fixed = with_config(ConfigDict(extra="forbid"))


@fixed
class OutcomesPoint(TypedDict):
    date: dt.date
    value: float


@fixed
class KpiOut(TypedDict):
    id: int
    name: str
    definition: str
    unit: str
    direction: Annotated[str, Field(description="higher or lower (is better).")]
    kind: Annotated[str, Field(description="progress or outcome.")]
    functions: Annotated[list[str], Field(description="Owning functions, by name.")]
    teams: Annotated[list[str], Field(description="Owning teams, by slug.")]
    shared: Annotated[bool, Field(description="Owned by two or more functions.")]
    target_value: float | None
    target_date: dt.date | None
    source: Annotated[str, Field(description="'entered', or a computed source's key.")]
    source_label: str
    contributes_to: Annotated[int | None, Field(description="The KPI (id) this one serves.")]
    conflicts_with: Annotated[list[int], Field(description="KPIs (ids) marked as pulling "
                                                           "against this one.")]  # fmt: skip
    measures: Annotated[str, Field(description="The measured quantity's key (may be empty).")]
    active_from: dt.date | None
    active_until: Annotated[dt.date | None, Field(description="Retired from this day on.")]
    active: Annotated[bool, Field(description="In use today.")]


@fixed
class KpiScore(TypedDict):
    kpi: KpiOut
    current: Annotated[float | None, Field(description="The latest value (null: none).")]
    current_date: dt.date | None
    status: Annotated[str, Field(description="on_track, at_risk, off_track, no_target or "
                                             "no_data (see status_definition).")]  # fmt: skip
    status_label: str
    status_reason: str
    trend: Annotated[list[OutcomesPoint], Field(description="The series the sparkline draws.")]


@fixed
class KpiDetail(KpiScore):
    contributors: Annotated[list[int], Field(description="KPIs (ids) that serve this one.")]


@fixed
class ScorecardOut(TypedDict):
    workspace: str
    level: Annotated[str, Field(description="workspace, team or function.")]
    name: Annotated[str, Field(description="The workspace, team or function shown.")]
    as_of: dt.date
    status_definition: str
    shared_definition: str
    rows: list[KpiScore]


@fixed
class KpiValuesOut(TypedDict):
    created: int
    updated: int
    unchanged: int


@fixed
class KpiImportProblem(TypedDict):
    line: Annotated[int, Field(description="Line of the file (1 is the header).")]
    field: str
    message: str


@fixed
class KpiImportOut(TypedDict):
    stored: Annotated[bool, Field(description="False when any line was refused: then nothing "
                                              "was written and stored values are as before.")]  # fmt: skip
    created: int
    updated: int
    unchanged: int
    errors: list[KpiImportProblem]


@fixed
class MilestoneOut(TypedDict):
    id: int
    name: str
    target_date: dt.date
    epic_key: str
    item_keys: list[str]
    teams: list[str]
    remaining: Annotated[int | None, Field(description="Items not finished nor removed today.")]
    forecast_85: Annotated[dt.date | None, Field(description="85 % Monte Carlo date (null: "
                                                             "no throughput or no items).")]  # fmt: skip
    probability: Annotated[float | None, Field(description="Share of trials done by the "
                                                           "target date (0-1).")]  # fmt: skip
    slip_days: Annotated[int, Field(description="Days from the target date to forecast_85 "
                                                "(0 when on or before it).")]  # fmt: skip
    problem: Annotated[str, Field(description="Why there is no forecast (empty otherwise).")]


@fixed
class MilestoneBenefitOut(TypedDict):
    id: int
    description: str
    disbenefit: bool
    dates: Annotated[list[dt.date], Field(description="Its expected values tied to the "
                                                      "milestone, by date.")]  # fmt: skip


@fixed
class MilestoneDetail(MilestoneOut):
    benefits: Annotated[list[MilestoneBenefitOut], Field(description="Benefits with expected "
                                                                     "values tied to it.")]  # fmt: skip


@fixed
class MilestoneDeletedOut(TypedDict):
    id: Annotated[int, Field(description="The milestone deleted.")]
    name: str
    moved_to: Annotated[int | None, Field(description="The milestone its benefits' expected "
                                                      "values were tied to instead (null: "
                                                      "left untied).")]  # fmt: skip
    benefits: Annotated[list[MilestoneBenefitOut], Field(description="The benefits whose "
                                                                     "expected values were "
                                                                     "tied to it: kept, with "
                                                                     "those values untied "
                                                                     "(no longer moved by a "
                                                                     "slip) or moved.")]  # fmt: skip


@fixed
class BenefitPointOut(TypedDict):
    date: dt.date
    value: float
    milestone: int | None


@fixed
class BenefitOut(TypedDict):
    id: int
    description: str
    outcome: str
    rationale: str
    kpi: int
    kpi_name: str
    unit: str
    direction: str
    disbenefit: bool
    expected: list[BenefitPointOut]
    shifted: Annotated[list[OutcomesPoint], Field(description="Expected values moved by their "
                                                              "milestones' slips.")]  # fmt: skip
    actual: Annotated[list[OutcomesPoint], Field(description="The KPI's values.")]
    at_risk: Annotated[float | None, Field(description="Value not realised between expected "
                                                       "and shifted (unit x days); null for a "
                                                       "dis-benefit.")]  # fmt: skip
    at_risk_unit: str


@fixed
class BenefitDetail(BenefitOut):
    milestones: Annotated[list[MilestoneOut], Field(description="The forecasts of the "
                                                                "milestones its expected "
                                                                "values are tied to.")]  # fmt: skip


@fixed
class BenefitsRoadmapOut(TypedDict):
    workspace: str
    as_of: dt.date
    definitions: dict[str, str]
    milestones: list[MilestoneOut]
    benefits: list[BenefitOut]
