"""What the Radar's services return: each TypedDict is also the API's response schema."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import TypedDict

from leadline.dashboards.results import fixed

Status = Literal["open", "acknowledged", "resolved", "dismissed"]
SeverityName = Literal["high", "medium", "low"]


@fixed
class SubjectOut(TypedDict):
    kind: Annotated[str, Field(description="team, work_item, raid, decision, decision_domain, …")]
    id: Annotated[str, Field(description="Its id within its kind (a key, a number, a slug).")]
    name: Annotated[str, Field(description="Its name as its page shows it.")]
    url: Annotated[str, Field(description="Its page in Leadline; empty when it has none.")]


@fixed
class EvidenceOut(TypedDict):
    label: Annotated[str, Field(description="What the figure or item is.")]
    value: Annotated[str, Field(description="Its value when the finding was raised.")]
    url: Annotated[str, Field(description="The page that shows it; empty when none does.")]


@fixed
class ContactOut(TypedDict):
    kind: Annotated[str, Field(description="person, role, group or team.")]
    name: Annotated[str, Field(description="Who, by name (with their role in brackets).")]


@fixed
class EventOut(TypedDict):
    at: Annotated[dt.datetime, Field(description="When it happened.")]
    action: Annotated[
        str,
        Field(
            description="raised, cleared (condition gone), reopened (condition returned), worse "
            "(reopened: evidence worse than when dismissed), recheck, acknowledged, resolved, "
            "dismissed, useful, not_useful."
        ),
    ]
    actor: Annotated[str, Field(description="Who did it; empty when the Radar did.")]
    note: Annotated[str, Field(description="Why, or the dismissal's reason.")]


@fixed
class FindingOut(TypedDict):
    id: Annotated[int, Field(description="The finding's id in this workspace's Radar.")]
    rule: Annotated[str, Field(description="Key of the rule that raised it.")]
    rule_title: Annotated[str, Field(description="Title of that rule.")]
    title: Annotated[str, Field(description="What is wrong, in a sentence.")]
    severity: Annotated[SeverityName, Field(description="high, medium or low.")]
    status: Annotated[Status, Field(description="open, acknowledged, resolved or dismissed.")]
    subject: SubjectOut
    team: Annotated[str | None, Field(description="Slug of the team it concerns, if one.")]
    evidence: Annotated[
        list[EvidenceOut], Field(description="What made the rule fire, frozen when raised.")
    ]
    why: Annotated[str, Field(description="Why it matters (with a source where one exists).")]
    talk_to: Annotated[list[ContactOut], Field(description="Whom to talk to, from the data.")]
    conversation: Annotated[str, Field(description="A suggested opening question.")]
    recheck_at: Annotated[dt.date, Field(description="When to look at it again.")]
    first_seen_at: Annotated[dt.datetime, Field(description="When it was first raised.")]
    last_seen_at: Annotated[dt.datetime, Field(description="When its condition last held.")]
    dismissed_reason: Annotated[str, Field(description="Why it was dismissed; empty if not.")]
    useful: Annotated[int, Field(description="People who found it useful.")]
    not_useful: Annotated[int, Field(description="People who did not.")]
    url: Annotated[str, Field(description="The finding's page.")]


@fixed
class FindingDetailOut(FindingOut):
    history: Annotated[list[EventOut], Field(description="Every step of its life, oldest first.")]


@fixed
class FindingList(TypedDict):
    items: list[FindingOut]
    counts: Annotated[
        dict[str, int], Field(description="Findings by status, over the whole Radar (no filter).")
    ]
    by_severity: Annotated[
        dict[str, int],
        Field(description="The findings the other filters match (all but severity), by severity."),
    ]


@fixed
class ThresholdOut(TypedDict):
    key: str
    label: str
    value: Annotated[float, Field(description="The value in force in this workspace.")]
    default: float
    minimum: float
    maximum: float
    unit: str


@fixed
class RuleOut(TypedDict):
    key: str
    area: Annotated[str, Field(description="flow, delivery, governance, combined, …")]
    title: str
    why: str
    source: Annotated[str, Field(description="Published source supporting the why; may be empty.")]
    enabled: Annotated[bool, Field(description="False when muted in this workspace.")]
    thresholds: list[ThresholdOut]
    open: Annotated[int, Field(description="Its open or acknowledged findings now.")]
    useful: Annotated[int, Field(description="'Useful' answers on its findings.")]
    not_useful: Annotated[int, Field(description="'Not useful' answers on its findings.")]
    usefulness: Annotated[
        float | None, Field(description="useful / (useful + not useful); null without answers.")
    ]


@fixed
class RunOut(TypedDict):
    raised: int
    reopened: int
    cleared: int
    still_open: int
    rules_run: int
    errors: Annotated[dict[str, str], Field(description="Rules that failed, with the error.")]
    seconds: float
