"""The typed results of the cadence services: the API's schemas (declared once, here)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import Field
from typing_extensions import TypedDict

from .sections import CadenceSectionOut


class CadenceAudienceOut(TypedDict):
    people: Annotated[list[int], Field(description="Person ids (members and stakeholders).")]
    teams: Annotated[list[str], Field(description="Team slugs.")]


def _wall_clock(schema: dict[str, Any]) -> None:
    """A local time with no offset is not RFC 3339's ``date-time``: say what it is instead."""
    schema.pop("format", None)
    schema["pattern"] = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"


class CadenceTierOut(TypedDict):
    id: int
    name: str
    tier: Annotated[str, Field(description="team, stakeholder, milestone or steering.")]
    team: Annotated[str | None, Field(description="The team the tier is run for (slug), or null.")]
    rrule: Annotated[str, Field(description="RFC 5545 recurrence rule.")]
    dtstart: Annotated[
        dt.datetime,
        Field(
            description="First start, a wall-clock time in `timezone` (no offset): "
            "2026-12-07T09:30:00.",
            json_schema_extra=_wall_clock,
        ),
    ]
    timezone: Annotated[str, Field(description="IANA time zone the rule is expanded in.")]
    duration_minutes: int
    next_occurrences: Annotated[
        list[dt.datetime], Field(description="The next five starts, ISO 8601 with offset.")
    ]
    audience: CadenceAudienceOut
    template: Annotated[list[str], Field(description="The pack's section keys, in order.")]
    required_inputs: list[str]
    escalate_after: Annotated[
        int, Field(description="Meetings an open action is carried before it escalates.")
    ]
    uid: Annotated[str, Field(description="The calendar UID of the series.")]
    sequence: Annotated[int, Field(description="The calendar SEQUENCE (bumped on change).")]


class CadenceActionOut(TypedDict):
    id: int
    title: str
    owner: int
    owner_name: str
    due_on: dt.date
    done: bool
    overdue: bool
    age_days: Annotated[int, Field(description="Days since it was agreed.")]
    carried: Annotated[int, Field(description="Later meetings of its tier it was carried into.")]
    tier: str
    raised_at: Annotated[dt.datetime, Field(description="Start of the meeting it was agreed in.")]
    escalated_to: Annotated[str | None, Field(description="The tier it escalated to, if any.")]


class CadenceVoteOut(TypedDict):
    person: str
    answer: str
    rationale: str


class CadenceOccurrenceOut(TypedDict):
    tier_id: int
    tier: str
    start: dt.datetime
    end: dt.datetime
    cancelled: bool
    attendees: list[int]
    notes: str
    decisions: Annotated[list[int], Field(description="Decision log ids taken in the meeting.")]
    actions: list[CadenceActionOut]
    carried: Annotated[list[CadenceActionOut], Field(description="Open actions from earlier.")]
    escalated: Annotated[
        list[CadenceActionOut], Field(description="Items escalated from the tier below.")
    ]
    votes: list[CadenceVoteOut]
    right_track: Annotated[str, Field(description="continue, adjust, stop or empty.")]


class CadenceChangeOut(TypedDict):
    section: str
    change: Annotated[str, Field(description="added, removed or changed.")]
    key: str
    text: str


class CadencePackOut(TypedDict):
    id: int
    tier: Annotated[str, Field(description="The tier's kind.")]
    tier_id: int
    tier_name: str
    team: str | None
    as_of: Annotated[dt.datetime, Field(description="When the pack's data was taken.")]
    occurrence: Annotated[dt.datetime | None, Field(description="The meeting it is for.")]
    sections: list[CadenceSectionOut]
    narrative: str
    statuses: Annotated[
        dict[str, Any], Field(description="Per section key: the lead's rag and owner.")
    ]
    previous: Annotated[int | None, Field(description="The previous pack of the same tier.")]
    changes_since_previous: list[CadenceChangeOut]
    published_at: dt.datetime | None


class CadenceCalendarOut(TypedDict):
    url: Annotated[str, Field(description="The secret ICS feed's address (no sign-in).")]
