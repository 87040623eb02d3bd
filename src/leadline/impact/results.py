"""What the before/after analysis returns: each TypedDict is also the API's response schema.

Pure (pydantic and typing only), so the engine (:mod:`leadline.impact.analysis`) and the CLI
without a server return the very shape the API does.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

T = TypeVar("T", bound=type)


def _fixed(cls: T) -> T:
    """A result of fixed shape: unknown keys are an error, not silently dropped."""
    return with_config(ConfigDict(extra="forbid"))(cls)


SeriesKind = Literal["events", "series"]
SplitBy = Literal["announced", "detected"]


@_fixed
class ImpactSide(TypedDict):
    n: Annotated[int, Field(description="Observations on this side of the split.")]
    start: Annotated[str | None, Field(description="The first observation's date (YYYY-MM-DD).")]
    end: Annotated[str | None, Field(description="The last observation's date (YYYY-MM-DD).")]
    median: float | None
    mean: float | None


@_fixed
class ImpactTest(TypedDict):
    name: Annotated[str, Field(description="The test: Mann-Whitney U, two-sided.")]
    statistic: Annotated[float | None, Field(description="U of the before sample.")]
    p_value: float | None
    method: Annotated[str, Field(description="exact or asymptotic (normal, tie-corrected).")]


@_fixed
class ImpactShift(TypedDict):
    estimate: Annotated[
        float | None, Field(description="Hodges-Lehmann: the median of all (after - before).")
    ]
    low: Annotated[float | None, Field(description="Bootstrap interval, lower end.")]
    high: Annotated[float | None, Field(description="Bootstrap interval, upper end.")]
    confidence: float
    replicates: Annotated[int, Field(description="Bootstrap resamples (seeded).")]


@_fixed
class ImpactSegment(TypedDict):
    start: str
    end: str
    n: int
    mean: float
    median: float
    intercept: Annotated[float, Field(description="Fitted value on the segment's first day.")]
    slope_per_day: Annotated[float, Field(description="Least-squares slope, per day.")]


@_fixed
class ImpactRegression(TypedDict):
    level_change: Annotated[
        float | None, Field(description="The jump at the split (b2 of the segmented model).")
    ]
    slope_before_per_day: float | None
    slope_after_per_day: float | None
    slope_change_per_day: Annotated[float | None, Field(description="b3 of the model.")]
    formula: str


@_fixed
class ImpactDetection(TypedDict):
    method: str
    window_days: Annotated[
        int | None, Field(description="Days either side of the announced date searched.")
    ]
    changes: Annotated[list[str], Field(description="Detected change dates (first after).")]
    lag_days: Annotated[
        int | None, Field(description="Detected date minus announced date, in days.")
    ]


@_fixed
class ImpactAnalysis(TypedDict):
    at: Annotated[str | None, Field(description="The announced date of the change, if given.")]
    detected_at: Annotated[
        str | None,
        Field(description="The first observation after the detected change (YYYY-MM-DD)."),
    ]
    split_at: Annotated[str | None, Field(description="The date that splits before/after.")]
    split_by: SplitBy
    kind: SeriesKind
    n: int
    before: ImpactSide
    after: ImpactSide
    test: ImpactTest
    shift: ImpactShift
    regression: ImpactRegression
    detection: ImpactDetection
    segments: list[ImpactSegment]
    definitions: Annotated[dict[str, str], Field(description="What each figure means.")]


@_fixed
class ImpactPoint(TypedDict):
    date: str
    value: float


@_fixed
class ImpactConfounder(TypedDict):
    kind: Annotated[
        Literal["decision", "team", "person", "connection", "change"],
        Field(
            description="What changed: a decision, a team, a person, a data connection, "
            "another recorded change."
        ),
    ]
    date: str
    title: str
    url: Annotated[str, Field(description="Where it is shown (a page of this workspace).")]


@_fixed
class ImpactMetricOut(TypedDict):
    key: str
    label: str
    kind: SeriesKind
    unit: str
    definition: str


@_fixed
class ImpactChangeOut(TypedDict):
    id: int
    source: Annotated[Literal["change", "decision"], Field(description="Where it is recorded.")]
    title: str
    date: str
    team: Annotated[str | None, Field(description="The team's slug, if any.")]
    description: str
    url: str


@_fixed
class ImpactBeforeAfterOut(ImpactAnalysis):
    metric: ImpactMetricOut
    team: Annotated[str | None, Field(description="The team's slug; none: all teams.")]
    start: Annotated[str, Field(description="The first day read (YYYY-MM-DD).")]
    end: Annotated[str, Field(description="The last day read (YYYY-MM-DD).")]
    change: Annotated[
        ImpactChangeOut | None, Field(description="The change analysed, when one was picked.")
    ]
    observations: Annotated[list[ImpactPoint], Field(description="The series, in time order.")]
    confounders: Annotated[
        list[ImpactConfounder],
        Field(description="Other changes within the detection window of the split."),
    ]
    confounder_window: Annotated[list[str], Field(description="[first day, last day] searched.")]
