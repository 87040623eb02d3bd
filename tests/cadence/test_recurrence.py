"""Recurrence expansion equals the examples of RFC 5545 section 3.8.5.3 (all given with
DTSTART;TZID=America/New_York:19970902T090000), including across the daylight-saving change of
26 October 1997: a 09:00 meeting stays at 09:00 local, EDT before and EST after."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from leadline.cadence import recurrence

NY = ZoneInfo("America/New_York")
START = (date(1997, 9, 2), time(9, 0), "America/New_York")


def expand(rule: str, n: int | None = None, start=START) -> list[datetime]:
    return recurrence.starts(rule, *start, limit=n)


def ny(*days: tuple[int, int, int], hour: int = 9) -> list[datetime]:
    return [datetime(y, m, d, hour, 0, tzinfo=NY) for y, m, d in days]


def test_daily_for_ten_occurrences():
    assert expand("FREQ=DAILY;COUNT=10") == ny(*[(1997, 9, d) for d in range(2, 12)])


def test_weekly_for_ten_occurrences_keeps_nine_local_across_the_change_to_standard_time():
    got = expand("FREQ=WEEKLY;COUNT=10")
    assert got == ny(
        (1997, 9, 2), (1997, 9, 9), (1997, 9, 16), (1997, 9, 23), (1997, 9, 30),
        (1997, 10, 7), (1997, 10, 14), (1997, 10, 21), (1997, 10, 28), (1997, 11, 4),
    )  # fmt: skip
    # The same local hour, but the offset changed: 13:00 UTC in EDT, 14:00 UTC in EST.
    assert [g.hour for g in got] == [9] * 10
    assert got[7].utcoffset().total_seconds() == -4 * 3600
    assert got[8].utcoffset().total_seconds() == -5 * 3600
    assert got[8].astimezone(ZoneInfo("UTC")).hour == 14


def test_every_other_week_on_tuesday_and_thursday_for_eight_occurrences():
    assert expand("FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH") == ny(
        (1997, 9, 2), (1997, 9, 4), (1997, 9, 16), (1997, 9, 18),
        (1997, 9, 30), (1997, 10, 2), (1997, 10, 14), (1997, 10, 16),
    )  # fmt: skip


def test_every_other_week_forever():
    assert expand("FREQ=WEEKLY;INTERVAL=2;WKST=SU", 13) == ny(
        (1997, 9, 2), (1997, 9, 16), (1997, 9, 30), (1997, 10, 14), (1997, 10, 28),
        (1997, 11, 11), (1997, 11, 25), (1997, 12, 9), (1997, 12, 23),
        (1998, 1, 6), (1998, 1, 20), (1998, 2, 3), (1998, 2, 17),
    )  # fmt: skip


def test_monthly_on_the_first_friday_for_ten_occurrences():
    start = (date(1997, 9, 5), time(9, 0), "America/New_York")
    assert expand("FREQ=MONTHLY;COUNT=10;BYDAY=1FR", start=start) == ny(
        (1997, 9, 5), (1997, 10, 3), (1997, 11, 7), (1997, 12, 5), (1998, 1, 2),
        (1998, 2, 6), (1998, 3, 6), (1998, 4, 3), (1998, 5, 1), (1998, 6, 5),
    )  # fmt: skip


def test_monthly_on_the_second_to_last_monday_for_six_months():
    start = (date(1997, 9, 22), time(9, 0), "America/New_York")
    assert expand("FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", start=start) == ny(
        (1997, 9, 22), (1997, 10, 20), (1997, 11, 17), (1997, 12, 22), (1998, 1, 19),
        (1998, 2, 16),
    )  # fmt: skip


def test_every_day_in_january_for_three_years_with_until():
    start = (date(1998, 1, 1), time(9, 0), "America/New_York")
    got = expand("FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
                 start=start)  # fmt: skip
    assert len(got) == 93
    assert got[0] == datetime(1998, 1, 1, 9, tzinfo=NY)
    assert got[-1] == datetime(2000, 1, 31, 9, tzinfo=NY)


def test_a_time_skipped_by_the_clock_change_moves_forward_by_the_gap():
    # 6 April 1997: clocks went from 02:00 to 03:00 in New York.
    got = recurrence.starts("FREQ=DAILY;COUNT=3", date(1997, 4, 5), time(2, 30), "America/New_York")
    assert [g.strftime("%d %H:%M %z") for g in got] == [
        "05 02:30 -0500",
        "06 03:30 -0400",
        "07 02:30 -0400",
    ]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("", "Give an RFC 5545 rule"),
        ("FREQ=HOURLY", "FREQ must be one of"),
        ("FREQ=WEEKLY;BYDAY=XX", "Not an RFC 5545 rule"),
        ("DTSTART:19970902T090000\nRRULE:FREQ=DAILY", "FREQ must be one of"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_field(rule, message):
    with pytest.raises(ValidationError) as caught:
        recurrence.clean_rule(rule)
    assert message in str(caught.value.message_dict["rrule"])


def test_an_unknown_time_zone_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as caught:
        recurrence.zone("Mars/Olympus")
    assert "timezone" in caught.value.message_dict


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", "Every Monday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", "Every other week on Thursday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "Every other week on Tuesday and Thursday"),
        ("FREQ=MONTHLY;BYDAY=1MO", "Every month on the first Monday"),
        ("FREQ=MONTHLY;BYDAY=-1TH", "Every month on the last Thursday"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "Every month on day 15"),
        ("FREQ=DAILY;COUNT=10", "Every day, 10 times"),
        ("FREQ=WEEKLY;UNTIL=20270101T000000Z;BYDAY=FR", "Every Friday, until 2027-01-01"),
        ("FREQ=YEARLY;INTERVAL=3", "Every 3 years"),
        # What it cannot say in words it shows as written.
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        ),
        ("FREQ=MONTHLY;BYDAY=MO", "FREQ=MONTHLY;BYDAY=MO"),
    ],
)
def test_a_rule_is_shown_in_plain_words(rule, words):
    from leadline.cadence.recurrence import describe

    assert describe(rule) == words


def test_the_cadence_page_shows_each_tier_schedule_in_words(client_for, make_user, make_workspace):
    owner = make_user("owner")
    ws = make_workspace("Words", {owner: "owner"})
    page = client_for(owner).get(f"/w/{ws.slug}/cadence/").content.decode()
    assert 'title="FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"' in page
    assert "Every other week on Thursday" in page
