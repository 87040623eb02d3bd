"""Expand a tier's RFC 5545 RRULE into meeting starts, in the tier's own time zone.

The rule is expanded (python-dateutil's rrule) from the *local* start, naive; each local start
is then placed in the time zone (zoneinfo). So a weekly 09:00 meeting in New York is at 09:00
EDT in summer and 09:00 EST in winter, as RFC 5545 says of a DTSTART with a TZID. Rules finer
than daily are refused, and every expansion stops after a bounded number of starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrule, rrulestr
from django.core.exceptions import ValidationError

MAX_RULE = 300
# Frequencies a meeting may have (no hourly or minutely checkpoints).
FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
# At most this many starts are looked at in one expansion (about 27 years of weekly meetings).
MAX_STARTS = 1_500


def zone(name: str, field: str = "timezone") -> ZoneInfo:
    """Return the IANA time zone ``name``; a name that is none raises ValidationError."""
    name = (name or "").strip()
    if not name or name not in _zones():
        raise ValidationError({field: [f"{name!r} is not an IANA time zone (e.g. Europe/Paris)."]})
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError({field: [f"{name!r} is not an IANA time zone."]}) from None


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def clean_rule(text: str, field: str = "rrule") -> str:
    """Return the RRULE text normalised (no "RRULE:" prefix, upper case); raise
    ValidationError naming ``field`` for a rule that does not parse or is finer than daily."""
    rule = (text or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    rule = rule.upper()
    if not rule:
        raise ValidationError({field: ["Give an RFC 5545 rule, e.g. FREQ=WEEKLY;BYDAY=MO."]})
    if len(rule) > MAX_RULE:
        raise ValidationError({field: [f"At most {MAX_RULE} characters."]})
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    if parts.get("FREQ") not in FREQUENCIES:
        raise ValidationError(
            {
                field: [
                    f"FREQ must be one of {', '.join(sorted(FREQUENCIES))} (got {parts.get('FREQ')!r})."
                ]
            }
        )
    if "DTSTART" in rule or "TZID" in rule:
        raise ValidationError({field: ["The rule only: the start and time zone are separate."]})
    try:
        rule_of(rule, datetime(2000, 1, 1, 9, 0), ZoneInfo("UTC"))
    except (ValueError, TypeError) as exc:
        raise ValidationError({field: [f"Not an RFC 5545 rule: {exc}."]}) from None
    return rule


def _local_until(rule: str, tz: ZoneInfo | None) -> str:
    """RFC 5545 gives UNTIL in UTC when DTSTART has a time zone; the expansion runs on naive
    local times, so a UTC UNTIL becomes the same instant in local time."""
    parts = rule.split(";")
    for n, part in enumerate(parts):
        if part.startswith("UNTIL=") and part.endswith("Z") and tz is not None:
            at = datetime.strptime(part[6:], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            parts[n] = "UNTIL=" + at.astimezone(tz).strftime("%Y%m%dT%H%M%S")
    return ";".join(parts)


def rule_of(rule: str, start: datetime, tz: ZoneInfo | None = None) -> rrule:
    """Return the dateutil rule for ``rule`` from the naive local ``start`` in ``tz``."""
    parsed = rrulestr(_local_until(rule, tz), dtstart=start)
    assert isinstance(parsed, rrule)
    return parsed


def local_starts(
    rule: str, start_on: date, start_time: time, tz: ZoneInfo | None = None
) -> Iterator[datetime]:
    """Yield the rule's naive local starts, in order, at most ``MAX_STARTS``."""
    return islice(iter(rule_of(rule, datetime.combine(start_on, start_time), tz)), MAX_STARTS)


def place(local: datetime, tz: ZoneInfo) -> datetime:
    """Return the naive local ``local`` in ``tz``; a time skipped by a clock change (02:30 on
    the night clocks go forward) moves forward by the gap, as RFC 5545 says."""
    # fold=0 reads a skipped time with the offset before the change; the round trip through
    # UTC then names the real instant (02:30 → 03:30 after clocks go forward).
    return local.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def starts(
    rule: str, start_on: date, start_time: time, tz_name: str, *,
    after: datetime | None = None, before: datetime | None = None, limit: int | None = None,
) -> list[datetime]:  # fmt: skip
    """Return the meeting starts (aware, in the tier's zone) with ``after`` <= start <
    ``before``, at most ``limit`` of them, in order."""
    tz = zone(tz_name)
    out: list[datetime] = []
    for local in local_starts(rule, start_on, start_time, tz):
        at = place(local, tz)
        if before is not None and at >= before:
            break
        if after is not None and at < after:
            continue
        out.append(at)
        if limit is not None and len(out) >= limit:
            break
    return out


def next_starts(tier: object, now: datetime, n: int = 5) -> list[datetime]:
    """Return the next ``n`` starts of ``tier`` at or after ``now``."""
    return starts(
        tier.rrule, tier.start_on, tier.start_time, tier.time_zone,  # type: ignore[attr-defined]
        after=now, limit=n,
    )  # fmt: skip


def previous_start(tier: object, now: datetime) -> datetime | None:
    """Return the last start of ``tier`` before ``now`` (None before the first)."""
    found = starts(
        tier.rrule, tier.start_on, tier.start_time, tier.time_zone,  # type: ignore[attr-defined]
        before=now,
    )  # fmt: skip
    return found[-1] if found else None


def window(tier: object, after: datetime, before: datetime) -> list[datetime]:
    """Return the starts of ``tier`` in [after, before)."""
    return starts(
        tier.rrule, tier.start_on, tier.start_time, tier.time_zone,  # type: ignore[attr-defined]
        after=after, before=before,
    )  # fmt: skip


def end_of(start: datetime, minutes: int) -> datetime:
    return start + timedelta(minutes=minutes)


_DAYS = {"MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday",
         "SA": "Saturday", "SU": "Sunday"}  # fmt: skip
_NTH = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last",
        -2: "second-to-last"}  # fmt: skip
_UNIT = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


def _day(token: str) -> str | None:
    """'MO' -> 'Monday', '1MO' -> 'first Monday', '-1TH' -> 'last Thursday'; None if odd."""
    name = _DAYS.get(token[-2:])
    if name is None:
        return None
    if len(token) == 2:
        return name
    try:
        nth = _NTH[int(token[:-2])]
    except (ValueError, KeyError):
        return None
    return f"{nth} {name}"


def describe(rule: str) -> str:
    """The rule in plain words for the common cases ("every other week on Thursday", "monthly
    on the first Monday"); any part it cannot say (BYSETPOS, BYHOUR, …) gives the rule itself."""
    parts = dict(p.split("=", 1) for p in rule.upper().split(";") if "=" in p)
    unit = _UNIT.get(parts.pop("FREQ", ""))
    interval = parts.pop("INTERVAL", "1")
    tokens = [t for t in parts.pop("BYDAY", "").split(",") if t]
    days = [_day(t) for t in tokens]
    month_days = parts.pop("BYMONTHDAY", "")
    count, until = parts.pop("COUNT", None), parts.pop("UNTIL", None)
    parts.pop("WKST", None)
    if unit is None or parts or None in days or not interval.isdigit() or int(interval) < 1:
        return rule
    if unit != "week" and any(len(t) == 2 for t in tokens):  # every Monday of the month, …
        return rule
    n = int(interval)
    every = {1: f"every {unit}", 2: f"every other {unit}"}.get(n, f"every {n} {unit}s")
    if unit == "week" and days and n == 1:
        text = "every " + _and(days)
    elif days:
        text = f"{every} on the {_and(days)}" if unit != "week" else f"{every} on {_and(days)}"
    elif month_days:
        text = f"{every} on day {month_days.replace(',', ', ')}"
    else:
        text = every
    if count:
        text += f", {count} times"
    if until:
        text += f", until {until[:4]}-{until[4:6]}-{until[6:8]}"
    return text[0].upper() + text[1:]


def _and(words: list[str | None]) -> str:
    said = [w for w in words if w]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
