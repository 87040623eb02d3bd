"""Invitations and reminders through the existing notification channels.

People with an account get an in-app notification carrying their personal link (only they see
it); the workspace's channels (Slack, Teams, …) are shared, so they get an announcement without
any link. People without an account get their link from the lead, who sees each link once.
A reminder makes a fresh link (the old one is revoked: links are never stored in clear).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from leadline.governance.services import system_access
from leadline.notify.models import Notification
from leadline.notify.services import notify

from .models import AlignmentCheck
from .services import IssuedLink, issue_link, link_path

REMIND_BEFORE = timedelta(days=2)


def _personal(
    check: AlignmentCheck, user: Any, title: str, body: str, token: str, now: datetime
) -> None:
    # Not notify(): it copies every notification to the leads, who must not get anyone's link.
    Notification.objects.create(
        workspace=check.workspace,
        user=user,
        title=title[:300],
        body=body,
        url=link_path(check, token),
        created_at=now,
    )


def send_invitations(check: AlignmentCheck, issued: list[IssuedLink], now: datetime) -> int:
    """Notify each invited account holder with their link; announce the check on the channels.
    Return how many people were notified in the app."""
    sent = 0
    for link in issued:
        user = link.respondent.person.user
        if user is None:
            continue
        _personal(
            check,
            user,
            f"Alignment check: {check.title}",
            f"Your answers are wanted by {check.closes_at:%Y-%m-%d}.",
            link.token,
            now,
        )
        sent += 1
    notify(
        check.workspace,
        f"Alignment check sent: {check.title}",
        f"{len(issued)} people are asked to answer by {check.closes_at:%Y-%m-%d}; "
        "each has a personal link.",
        now=now,
    )
    return sent


def send_reminders(now: datetime) -> int:
    """Remind account holders who have not answered an open check closing within two days
    (once per check: the reminder is recorded on the respondent's new link)."""
    sent = 0
    due = AlignmentCheck.objects.filter(
        closed_at=None, closes_at__gt=now, closes_at__lte=now + REMIND_BEFORE
    ).select_related("workspace")
    for check in due:
        access = system_access(check.workspace)
        waiting = check.respondents.filter(submitted_at=None, person__user__isnull=False)
        for r in waiting.select_related("person__user", "link"):
            if r.link is not None and r.link.created_at >= check.closes_at - REMIND_BEFORE:
                continue  # reminded already (or invited late)
            link = issue_link(access, check, r.person, now=now)
            _personal(
                check,
                r.person.user,
                f"Reminder: alignment check {check.title}",
                f"It closes {check.closes_at:%Y-%m-%d %H:%M}; this is a new link.",
                link.token,
                now,
            )
            sent += 1
    return sent
