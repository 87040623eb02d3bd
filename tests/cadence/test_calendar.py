"""The ICS feeds: stable UIDs, SEQUENCE on change, cancelled meetings marked; parsed back by
icalendar and expanded by an independent library (recurring_ical_events) to the same starts as
our own expansion; secret, revocable, answering without signing in."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import recurring_ical_events
from django.test import Client
from icalendar import Calendar

from leadline.cadence import calendar, recurrence, services

NY = ZoneInfo("America/New_York")


def _ny_tier(cw):
    return services.create_tier(
        cw.access(cw.lead), cw.lead, name="Weekly NY", kind="team", rrule="FREQ=WEEKLY;BYDAY=TU",
        dtstart=datetime(2026, 9, 1, 9, 0), tz="America/New_York", duration_minutes=30,
        audience={"people": [cw.people["Ann"].pk]},
    )  # fmt: skip


def test_new_workspaces_start_with_the_four_tiers(cw):
    kinds = [t.kind for t in services.tiers(cw.workspace)]
    assert kinds == ["team", "stakeholder", "milestone", "steering"]
    milestone = cw.tier("milestone")
    assert milestone.rrule == "FREQ=MONTHLY;BYDAY=1MO"
    for start in recurrence.next_starts(milestone, datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))):
        assert start.weekday() == 0 and start.day <= 7


def test_the_feed_round_trips_and_an_independent_expander_agrees(cw):
    tier = _ny_tier(cw)
    text = calendar.calendar([tier], "Acme")
    cal = Calendar.from_ical(text)
    (ev,) = [c for c in cal.walk("VEVENT")]
    assert str(ev["UID"]) == tier.uid
    assert ev["DTSTART"].dt == datetime(2026, 9, 1, 9, 0, tzinfo=NY)
    assert ev["DTSTART"].params["TZID"] == "America/New_York"
    assert [c["TZID"] for c in cal.walk("VTIMEZONE")] == ["America/New_York"]
    assert Calendar.from_ical(cal.to_ical()).to_ical() == cal.to_ical()
    # recurring_ical_events expands the feed: the same starts as ours, across the DST change.
    theirs = [e["DTSTART"].dt for e in recurring_ical_events.of(cal).between(
        datetime(2026, 9, 1, tzinfo=NY), datetime(2026, 12, 1, tzinfo=NY))]  # fmt: skip
    ours = recurrence.window(
        tier, datetime(2026, 9, 1, tzinfo=NY), datetime(2026, 12, 1, tzinfo=NY)
    )
    assert [t.astimezone(NY) for t in theirs] == ours
    assert len(ours) == 13 and {o.hour for o in ours} == {9}
    assert {o.utcoffset().total_seconds() / 3600 for o in ours} == {-4, -5}


def test_a_cancelled_meeting_is_excluded_and_the_sequence_goes_up(cw):
    tier = _ny_tier(cw)
    (second,) = recurrence.window(
        tier, datetime(2026, 9, 7, tzinfo=NY), datetime(2026, 9, 14, tzinfo=NY)
    )
    occ = services.occurrence_for(tier, second)
    services.cancel_occurrence(cw.access(cw.lead), occ, cw.lead)
    tier.refresh_from_db()
    assert tier.sequence == 1
    cal = Calendar.from_ical(calendar.calendar([tier], "Acme"))
    (ev,) = cal.walk("VEVENT")
    assert ev["SEQUENCE"] == 1
    theirs = [e["DTSTART"].dt for e in recurring_ical_events.of(cal).between(
        datetime(2026, 9, 1, tzinfo=NY), datetime(2026, 9, 30, tzinfo=NY))]  # fmt: skip
    assert [t.day for t in theirs] == [1, 15, 22, 29]
    one = Calendar.from_ical(calendar.occurrence_ics(occ))
    (inst,) = one.walk("VEVENT")
    assert str(inst["STATUS"]) == "CANCELLED" and str(inst["UID"]) == tier.uid
    assert inst["RECURRENCE-ID"].dt == datetime(2026, 9, 8, 9, 0, tzinfo=NY)


def test_editing_the_schedule_bumps_the_sequence_but_keeps_the_uid(cw):
    tier = _ny_tier(cw)
    uid = tier.uid
    services.update_tier(cw.access(cw.lead), tier, cw.lead, name=tier.name, rrule="FREQ=WEEKLY;BYDAY=WE",
                         dtstart=datetime(2026, 9, 2, 9, 0), tz="America/New_York",
                         duration_minutes=30, escalate_after=3)  # fmt: skip
    tier.refresh_from_db()
    assert (tier.uid, tier.sequence) == (uid, 1)


def test_the_feed_answers_without_signing_in_and_revoking_replaces_it(cw):
    tier = _ny_tier(cw)
    feed = calendar.feed_for(cw.access(cw.member))
    url = calendar.feed_url(feed)
    anonymous = Client()
    response = anonymous.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    uids = {str(e["UID"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert tier.uid in uids and len(uids) == 5
    # A person's feed: only the tiers they are in the audience of.
    ann = calendar.feed_for(cw.access(cw.lead), cw.people["Ann"], cw.lead)
    mine = Calendar.from_ical(anonymous.get(calendar.feed_url(ann)).content)
    assert [str(e["UID"]) for e in mine.walk("VEVENT")] == [tier.uid]
    # Revoked: the old address is a 404, the new one works; a tampered one is a 404.
    new = calendar.revoke(cw.access(cw.lead), None, cw.lead)
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(calendar.feed_url(new)).status_code == 200
    assert anonymous.get(calendar.feed_url(new)[:-2] + "00/").status_code == 404
    assert calendar.feed_url(new) != url
