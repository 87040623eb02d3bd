"""Sending personal links: by email to the person (when they have an address) and as an in-app
notification to their own account only (never to leads: a lead holding a member's link could
answer in their name). Workspace channels get counts, never names or links."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.urls import reverse

from leadline.workspaces.models import hash_token

from .models import Invitation, Round

logger = logging.getLogger(__name__)


def send_link(inv: Invitation, token: str, *, reminder: bool = False) -> bool:
    """Send ``inv``'s person their link; return True when it went somewhere."""
    from leadline.notify.models import Notification

    rnd = inv.round
    url = reverse("pulse-answer", args=[rnd.workspace.slug, token])
    title = f"{'Reminder: ' if reminder else ''}{rnd.pulse.title} for {rnd.pulse.team.name}"
    body = (f"Your personal, anonymous link (it works once, until "
            f"{rnd.closes_at:%Y-%m-%d %H:%M} UTC): {settings.BASE_URL}{url}")  # fmt: skip
    sent = False
    person = inv.person
    if person.email:
        try:
            send_mail(title, body, None, [person.email])
            sent = True
        except Exception:  # one bad address must not stop the others
            logger.exception("Could not email a pulse link")
    if person.user_id:
        Notification.objects.create(workspace=rnd.workspace, user_id=person.user_id,
                                    title=title[:300], body="Answer the pulse", url=url)  # fmt: skip
        sent = True
    return sent


def tell_channels(rnd: Round, text: str) -> None:
    """Post a count-only note to the workspace's channels."""
    from leadline.notify.models import NotificationChannel
    from leadline.notify.services import send_to_channels

    send_to_channels(NotificationChannel.objects.filter(workspace=rnd.workspace, active=True),
                     f"{rnd.pulse.title} for {rnd.pulse.team.name}", text)  # fmt: skip


def remind(rnd: Round, now: datetime) -> int:
    """Send a fresh link to each person who has not answered (the old one stops working);
    return how many were reminded. Who answered is read only here, to skip them."""
    if rnd.closed or now >= rnd.closes_at:
        return 0
    count = 0
    for inv in rnd.invitations.filter(answered=False).select_related(
        "person", "round__pulse__team"
    ):
        lookup = secrets.token_hex(6)
        raw = f"{lookup}{secrets.token_urlsafe(32)}"
        Invitation.objects.filter(pk=inv.pk, answered=False).update(
            lookup=lookup, digest=hash_token(raw)
        )
        if send_link(inv, raw, reminder=True):
            count += 1
    # Counted on every invitation of the round alike: a per-person count would keep who had
    # not answered by the reminder, which with the answers' days could narrow down who wrote what.
    Invitation.objects.filter(round=rnd).update(reminders=F("reminders") + 1)
    if count:
        tell_channels(rnd, f"{count} reminder{'s' if count != 1 else ''} sent; "
                      f"the round closes {rnd.closes_at:%Y-%m-%d}.")  # fmt: skip
    return count
