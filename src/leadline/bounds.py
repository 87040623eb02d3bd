"""The limits on every number and date Leadline accepts, declared once.

Forms, API schemas and services read them from here, so a value the form refuses is refused
by the API and the service too, with the same message. The engine (``leadline.flow``) reads
the simulation limits from here as well: whatever was stored earlier, a computation never
does more work than these allow. Plain Python: no Django, importable by the pure engine.

Two date ranges, on purpose: a date a *person enters* (a need-by date, a dashboard range) lies
from 2000 to 20 years ahead; a date *imported* from a tracker or pipeline lies from 1970 to
2100 (history can be old, and "9999-12-31 as never" or year 0001 are artefacts). Importers
reject a record outside it with a message naming the field; they never store it, so no
computation over a team's history can span millennia.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

# --- Dates -----------------------------------------------------------------------------------
# A date a person enters (a review date, a need-by date, a forecast's as-of date, a dashboard
# range) lies in [FIRST_DATE, today + YEARS_AHEAD years]: anything outside is a typo (0001,
# 1900, 9999), and accepting it raises alerts that make no sense or ranges nobody can read.
FIRST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 20
# A dashboard range (start..end) spans at most this many days (about ten years).
MAX_RANGE_DAYS = 3_660


def last_date(today: date) -> date:
    """Return the latest plausible date: ``YEARS_AHEAD`` years after ``today`` (28 Feb for 29 Feb)."""
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February into a year that has none
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def date_problem(value: date, today: date) -> str | None:
    """Return why ``value`` is not a plausible date (None when it is)."""
    latest = last_date(today)
    if value < FIRST_DATE or value > latest:
        return (
            f"{value.isoformat()} is outside the dates Leadline accepts "
            f"({FIRST_DATE.isoformat()} to {latest.isoformat()}, {YEARS_AHEAD} years from today)."
        )
    return None


DATE_RULE = f"a date from {FIRST_DATE.isoformat()} to {YEARS_AHEAD} years after today"


# --- Numbers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bound:
    """An inclusive range of whole numbers with the unit it counts."""

    low: int
    high: int
    unit: str

    def problem(self, value: int) -> str | None:
        """Return why ``value`` is out of range (None when it is in range)."""
        if self.low <= value <= self.high:
            return None
        unit = f" {self.unit}" if self.unit else ""
        return f"Use {self.low:,} to {self.high:,}{unit} (got {value:,})."


# Work a forecast simulates: items to finish, days ahead, trials, the window of history it
# samples. Their product bounds a forecast's cost (about 2 s at the largest on one core).
ITEMS = Bound(0, 10_000, "items")
FORECAST_ITEMS = Bound(1, ITEMS.high, "items")
FORECAST_DAYS = Bound(1, 3_650, "days")
TRIALS = Bound(1, 100_000, "trials")
WINDOW_DAYS = Bound(7, 730, "days")
SEED = Bound(0, 2**31 - 1, "")
# Items one team finishes in one day, as typed into a change request's manual samples.
DAILY_THROUGHPUT = Bound(0, 1_000, "items a day")
MAX_SAMPLES = 730  # manual samples: at most two years of days
# Change-failure attribution window of the DORA page.
FAILURE_WINDOW_HOURS = Bound(1, 24 * 90, "hours")
# Backtests replay weekly as-of dates over at most this many days before the as-of date.
BACKTEST_DAYS = 728

# RAID scores.
SCORE = Bound(1, 5, "")
# Governance thresholds: escalation delays in days, decision SLAs in hours.
THRESHOLD_DAYS = Bound(0, 3_650, "days")
SLA_HOURS = Bound(1, 24 * 365, "hours")
# Retrospectives: dot votes per person on one board, a timebox's length.
RETRO_VOTES = Bound(1, 10, "votes")
RETRO_TIMER_MINUTES = Bound(1, 120, "minutes")
# API list limits.
LIST_LIMIT = Bound(1, 1_000, "rows")
# Database ids: the signed 64-bit range both SQLite and PostgreSQL store.
ID = Bound(1, 2**63 - 1, "")


# --- Imported dates ----------------------------------------------------------------------
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
