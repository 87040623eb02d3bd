"""The calendar: an ICS feed of every tier (a workspace's feed) or of the tiers a person is in
the audience of (their feed), and an .ics file per meeting.

Each tier is one recurring event: its UID stays for good, DTSTART carries the tier's time zone
(TZID, with its VTIMEZONE), RRULE its rule, SEQUENCE goes up with every change, and a cancelled
meeting is an EXDATE of the series. A meeting's own .ics is that instance (RECURRENCE-ID), with
STATUS:CANCELLED when it is cancelled.

Feeds answer without signing in: the address carries a secret. The secret is an HMAC of the
feed's lookup and nonce under SECRET_KEY, so the database stores no secret, and revoking a feed
replaces both (the old address stops working).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from leadline.workspaces.models import Person, Role, Workspace
from leadline.workspaces.services import Access, audit

from . import recurrence
from .models import CadenceTier, CalendarFeed, Occurrence

PRODID = "-//Leadline//Cadence//EN"
_LOOKUP = 12


def _secret(feed: CalendarFeed) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"ics:{feed.lookup}:{feed.nonce}".encode(),
                   hashlib.sha256)  # fmt: skip
    return mac.hexdigest()[:40]


def token_of(feed: CalendarFeed) -> str:
    return f"{feed.lookup}{_secret(feed)}"


def _active(workspace: Workspace, person: Person | None) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(
        workspace=workspace, person=person, revoked_at__isnull=True
    ).first()


def feed_for(access: Access, person: Person | None = None, actor: Any = None) -> CalendarFeed:
    """The active feed of the workspace (``person`` None; any member) or of a person (that
    person, or a lead), made on first use."""
    if person is not None:
        if person.workspace_id != access.workspace.pk:
            raise Http404("No such person")
        if person.user_id != getattr(actor, "pk", None):
            access.require(Role.LEAD)
    feed = _active(access.workspace, person)
    if feed is None:
        feed = CalendarFeed.objects.create(
            workspace=access.workspace, person=person,
            lookup=secrets.token_hex(_LOOKUP // 2), nonce=secrets.token_hex(16),
        )  # fmt: skip
    return feed


def feed_url(feed: CalendarFeed) -> str:
    return settings.BASE_URL + reverse("cadence-feed", args=[feed.workspace.slug, token_of(feed)])


@transaction.atomic
def revoke(access: Access, person: Person | None = None, actor: Any = None) -> CalendarFeed:
    """Revoke the feed and make a new one (lead role; a person may revoke their own)."""
    if person is None or person.user_id != getattr(actor, "pk", None):
        access.require(Role.LEAD)
    CalendarFeed.objects.filter(workspace=access.workspace, person=person,
                                revoked_at__isnull=True).update(revoked_at=timezone.now())  # fmt: skip
    feed = feed_for(access, person, actor)
    audit(access.workspace, actor, "calendar.revoke", feed,
          f"Replaced the calendar feed of {person.name if person else access.workspace.name}")  # fmt: skip
    return feed


def resolve(slug: str, token: str) -> CalendarFeed:
    """The active feed ``token`` opens in workspace ``slug``; anything else is a 404."""
    feed = (
        CalendarFeed.objects.select_related("workspace", "person")
        .filter(lookup=token[:_LOOKUP], revoked_at__isnull=True, workspace__slug=slug).first()
    )  # fmt: skip
    if feed is None or not hmac.compare_digest(token_of(feed), token):
        raise Http404("No such calendar")
    return feed


def tiers_of(feed: CalendarFeed) -> list[CadenceTier]:
    qs = CadenceTier.objects.filter(workspace=feed.workspace)
    if feed.person is not None:
        qs = qs.filter(
            Q(audience_people=feed.person) | Q(audience_teams__in=feed.person.teams.all())
        )
    return list(qs.distinct().order_by("id"))


def _event(tier: CadenceTier, now: datetime) -> Event:
    tz = recurrence.zone(tier.time_zone)
    start = datetime.combine(tier.start_on, tier.start_time).replace(tzinfo=tz)
    ev = Event()
    ev.add("uid", tier.uid)
    ev.add("dtstamp", now)
    ev.add("summary", tier.name)
    ev.add("dtstart", start)
    ev.add("duration", timedelta(minutes=tier.duration_minutes))
    ev.add("rrule", _rule_dict(tier.rrule))
    ev.add("sequence", tier.sequence)
    ev.add("description", f"{tier.get_kind_display()} · Leadline cadence")
    cancelled = [
        o.start.astimezone(tz) for o in Occurrence.objects.filter(tier=tier, cancelled=True)
    ]
    for at in cancelled:
        ev.add("exdate", at)
    return ev


def _rule_dict(rule: str) -> dict[str, Any]:
    from icalendar import vRecur

    return dict(vRecur.from_ical(rule))


def calendar(tiers: list[CadenceTier], name: str, now: datetime | None = None) -> bytes:
    """The ICS text of ``tiers``, with the VTIMEZONE of each zone used."""
    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for tier in tiers:
        cal.add_component(_event(tier, now))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_ics(feed: CalendarFeed) -> bytes:
    who = feed.person.name if feed.person else feed.workspace.name
    return calendar(tiers_of(feed), f"{who} · cadence")


def occurrence_ics(occ: Occurrence, now: datetime | None = None) -> bytes:
    """One meeting's .ics: the series' instance at its start (RECURRENCE-ID), cancelled or not."""
    now = now or timezone.now()
    tier = occ.tier
    tz = recurrence.zone(tier.time_zone)
    start = occ.start.astimezone(tz)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    ev = Event()
    ev.add("uid", tier.uid)
    ev.add("dtstamp", now)
    ev.add("recurrence-id", start)
    ev.add("summary", tier.name)
    ev.add("dtstart", start)
    ev.add("dtend", start + timedelta(minutes=tier.duration_minutes))
    ev.add("sequence", tier.sequence)
    ev.add("status", "CANCELLED" if occ.cancelled else "CONFIRMED")
    cal.add_component(ev)
    cal.add_missing_timezones()
    return cal.to_ical()
