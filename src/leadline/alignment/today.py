"""The home page's "what needs me today": alignment checks that need someone now.

- the person's own answers still missing on an open check (their link is in their
  notifications);
- for leads, the checks closing within two days that fewer than half have answered.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from leadline.web.today import SHOWN, Focus, TodayEntry, TodaySection, source

from .models import AlignmentCheck, Respondent

CLOSING = timedelta(days=2)
LOW_RESPONSE = 0.5  # share answered below which a closing check needs its lead


@source(37, "alignment")
def alignment_needs(focus: Focus) -> TodaySection | None:
    """The person's own unanswered checks, and (for leads) checks closing with low response."""
    ws, now = focus.access.workspace, focus.now
    if not AlignmentCheck.objects.filter(workspace=ws).exists():
        return None  # alignment checks are not used here: no section
    entries: list[TodayEntry] = []
    if focus.person is not None:
        mine = (
            Respondent.objects.filter(
                person=focus.person,
                submitted_at=None,
                alignment_check__workspace=ws,
                alignment_check__closed_at=None,
                alignment_check__closes_at__gt=now,
            )  # fmt: skip
            .select_related("alignment_check__team")
            .order_by("alignment_check__closes_at")
        )
        for r in mine:
            c = r.alignment_check
            entries.append(
                TodayEntry(
                    kind="alignment-answer",
                    title=c.title,
                    detail=f"Your answers are wanted by {c.closes_at:%Y-%m-%d %H:%M}; your "
                    "personal link is in your notifications.",
                    url=reverse("notifications", args=[ws.slug]),
                    date=c.closes_at.date(),
                    team=c.team.name if c.team else None,
                    mine=True,
                )
            )
    if focus.access.can_lead:
        closing = (
            AlignmentCheck.objects.filter(
                workspace=ws, closed_at=None, closes_at__gt=now, closes_at__lte=now + CLOSING
            )
            .select_related("team")
            .order_by("closes_at")
        )
        for c in closing:
            if not (focus.everything or c.team_id is None or c.team_id in focus.team_ids):
                continue
            invited = c.respondents.count()
            answered = c.respondents.exclude(submitted_at=None).count()
            if not invited or answered >= invited * LOW_RESPONSE:
                continue
            entries.append(
                TodayEntry(
                    kind="alignment-check",
                    title=c.title,
                    detail=f"Closes {c.closes_at:%Y-%m-%d %H:%M} with {answered} of {invited} "
                    "answered: a reminder or a call may bring the missing voices in.",
                    url=reverse("alignment-check", args=[ws.slug, c.pk]),
                    date=c.closes_at.date(),
                    team=c.team.name if c.team else None,
                )
            )
    return TodaySection(
        key="alignment", title="Alignment checks",
        lede="Checks waiting for your answers, and checks closing soon that few have answered.",
        count=len(entries), entries=entries[:SHOWN],
        more_url=reverse("alignment", args=[ws.slug]), more_label="Alignment checks",
        empty="No alignment check needs you today.",
    )  # fmt: skip
