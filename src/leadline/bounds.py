"""The plausible range of dates: one definition for every importer (and any form or API).

A delivery date outside it is a typo or a migration artefact (year 0001, 9999-12-31 used as
"never"), and a single one would make every computation over a team's history span millennia.
Importers reject such a record with a message naming the field; they never store it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2100, 12, 31)
EARLIEST = datetime.combine(EARLIEST_DATE, time(), UTC)
# Exclusive: any moment on LATEST_DATE (UTC) is still inside.
END = datetime.combine(LATEST_DATE + timedelta(days=1), time(), UTC)
RANGE_TEXT = f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"


class OutOfRange(ValueError):
    """A date outside the plausible range; the message says which range is accepted."""


def out_of_range(value: date | datetime) -> str | None:
    """Return why ``value`` is implausible, or None when it is inside the range.

    A naive datetime is taken as UTC; a plain date is compared as a date.
    """
    if isinstance(value, datetime):
        at = value if value.tzinfo else value.replace(tzinfo=UTC)
        if EARLIEST <= at < END:
            return None
        shown = at.isoformat()
    else:
        if EARLIEST_DATE <= value <= LATEST_DATE:
            return None
        shown = value.isoformat()
    return f"{shown} is outside the dates Leadline accepts ({RANGE_TEXT})"


def to_utc(value: datetime) -> datetime:
    """Convert an aware datetime to UTC; raise OutOfRange when it is implausible.

    Converting year 0001 or 9999 with an offset overflows Python's datetime: that is reported
    as out of range too, never as an OverflowError.
    """
    try:
        converted = value.astimezone(UTC)
    except OverflowError:
        raise OutOfRange(
            f"{value.isoformat()} is outside the dates Leadline accepts ({RANGE_TEXT})"
        ) from None
    problem = out_of_range(converted)
    if problem:
        raise OutOfRange(problem)
    return converted
