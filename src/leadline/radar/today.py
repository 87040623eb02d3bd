"""The home page's Radar section: open high and medium findings (see :mod:`leadline.web.today`).

For a team, the findings about that team; for a person, the findings about their teams and
those that name them as the one to talk to; for everyone, all of them. A workspace with no open
high or medium finding has no section.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from leadline.web.today import Focus, TodayEntry, TodaySection, source

from .models import Finding
from .registry import SEVERITIES

SHOWN = 8
SHOWN_SEVERITIES = ("high", "medium")


def _names_person(f: Finding, name: str) -> bool:
    return any(str(c.get("name", "")).startswith(name) for c in f.talk_to)


def _talk_to(f: Finding) -> str:
    return ", ".join(str(c.get("name", "")) for c in f.talk_to if c.get("name"))


@source(12, "radar")
def radar(focus: Focus) -> TodaySection | None:
    """Open high and medium findings in focus, high first, the most recently seen first."""
    ws = focus.access.workspace
    rows = list(
        Finding.objects.filter(
            workspace=ws, status=Finding.Status.OPEN, severity__in=SHOWN_SEVERITIES
        ).select_related("team")
    )
    if not rows:
        return None
    person = focus.person.name if focus.person is not None else None
    picked: list[tuple[bool, Finding]] = []
    for f in rows:
        mine = person is not None and _names_person(f, person)
        if focus.everything or f.team_id in focus.team_ids or (focus.basis == "you" and mine):
            picked.append((mine, f))
    picked.sort(
        key=lambda p: (SEVERITIES.index(p[1].severity), not p[0], -p[1].last_seen_at.timestamp())
    )
    entries = []
    for mine, f in picked[:SHOWN]:
        talk = _talk_to(f)
        entries.append(
            TodayEntry(
                kind="finding",
                title=f.title,
                detail=f"{f.severity.capitalize()}" + (f"; talk to {talk}." if talk else "."),
                url=reverse("radar-finding", args=[ws.slug, f.pk]),
                date=timezone.localtime(f.first_seen_at).date(),
                team=f.team.name if f.team else None,
                mine=mine,
            )  # fmt: skip
        )
    more = reverse("radar", args=[ws.slug])
    if focus.basis == "team" and focus.teams:
        more += f"?team={focus.teams[0].slug}"
    return TodaySection(
        key="radar", title="On the Radar",
        lede="Open high and medium findings: each with its evidence, whom to talk to and a "
        "question to open the conversation.",
        count=len(picked), entries=entries, more_url=more, more_label="The Radar",
        empty="Nothing high or medium on the Radar here.",
    )  # fmt: skip
