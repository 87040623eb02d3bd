"""Notifications: in-app (the bell), and Slack, Teams, email or webhooks through Apprise.

Channel URLs are Apprise URLs stored encrypted by leadline.crypto with LEADLINE_ENCRYPTION_KEYS
(the first key encrypts, all decrypt). :func:`send_to_channels` is the only place that sends,
under the same outbound policy as connections (``leadline.connectors.outbound``): a channel may
reach public addresses, and internal ones only when the owner lists them in
``LEADLINE_ALLOWED_INTERNAL_HOSTS``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from leadline.connectors import outbound
from leadline.crypto import decrypt, encrypt
from leadline.decisions.models import Decision
from leadline.notify.models import Alert, Notification, NotificationChannel
from leadline.notify.sections import digest_sections
from leadline.raid.models import OPEN_STATUSES, RaidItem
from leadline.workspaces.models import Membership, Role, Workspace
from leadline.workspaces.services import Access, audit

logger = logging.getLogger(__name__)


def channel_url(channel: NotificationChannel) -> str:
    """Return the channel's Apprise URL in clear."""
    return decrypt(channel.url_encrypted)


def add_channel(access: Access, name: str, url: str, actor: Any = None) -> NotificationChannel:
    """Store a channel (lead role) after Apprise accepts its URL; only a hint stays readable."""
    import apprise

    access.require(Role.LEAD)
    url = url.strip()
    if not name.strip():
        raise ValidationError({"name": "Give the channel a name."})
    if apprise.Apprise.instantiate(url) is None:
        raise ValidationError(
            {"url": "Apprise does not understand this URL (see the docs: Notification channels)."}
        )
    parts = urlsplit(url)
    try:
        outbound.policy().check_name(parts.hostname or "")
    except outbound.Blocked as refused:
        raise ValidationError({"url": str(refused)}) from None
    channel = NotificationChannel.objects.create(
        workspace=access.workspace,
        name=name.strip(),
        url_encrypted=encrypt(url),
        url_hint=f"{parts.scheme}://{parts.hostname or ''}"[:40],
    )
    audit(access.workspace, actor, "create", channel, f"Added notification channel {name}")
    return channel


def send_to_channels(
    channels: Iterable[NotificationChannel], title: str, body: str
) -> dict[str, bool]:
    """Send to each active channel; return {channel name: delivered}. Failures are logged."""
    import apprise

    results: dict[str, bool] = {}
    for channel in channels:
        if not channel.active:
            continue
        # One channel at a time in this thread: the outbound guard checks each connection.
        sender = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False))
        try:
            url = channel_url(channel)
            parts = urlsplit(url)
            with outbound.guarded() as guard:
                if parts.hostname:
                    guard.policy.check_name(parts.hostname)
                    guard.admit(parts.hostname, parts.port or 443)
                sender.add(url)
                ok = bool(sender.notify(title=title, body=body))
        except outbound.Blocked as refused:
            logger.warning("Notification channel %s refused: %s", channel.name, refused)
            ok = False
        except Exception:  # a broken channel must not stop escalation or the digest
            logger.exception("Notification channel %s failed", channel.name)
            ok = False
        results[channel.name] = ok
    return results


def leads_of(workspace: Workspace) -> list[Any]:
    """Return the users with the lead or owner role (they receive every escalation)."""
    memberships = Membership.objects.filter(
        workspace=workspace, role__in=[Role.LEAD, Role.OWNER]
    ).select_related("user")
    return [m.user for m in memberships]


def notify(
    workspace: Workspace,
    title: str,
    body: str = "",
    url: str = "",
    users: Iterable[Any] = (),
    *,
    channels: bool = True,
    now: datetime | None = None,
) -> list[Notification]:
    """Notify ``users`` (plus the workspace's leads) in the app, and the workspace's channels."""
    now = now or timezone.now()
    recipients = {u.pk: u for u in [*users, *leads_of(workspace)] if u is not None}
    created = Notification.objects.bulk_create(
        Notification(
            workspace=workspace, user=u, title=title[:300], body=body, url=url, created_at=now
        )
        for u in recipients.values()
    )
    if channels:
        link = f"{settings.BASE_URL}{url}" if url else ""
        send_to_channels(
            NotificationChannel.objects.filter(workspace=workspace, active=True),
            title,
            f"{body}\n{link}".strip(),
        )
    return created


def unread_count(user: Any, workspace: Workspace) -> int:
    """Return how many of ``user``'s notifications in ``workspace`` are unread."""
    return Notification.objects.filter(user=user, workspace=workspace, read_at=None).count()


def mark_read(user: Any, workspace: Workspace, now: datetime | None = None) -> int:
    """Mark all of ``user``'s notifications in ``workspace`` read; return how many changed."""
    return Notification.objects.filter(user=user, workspace=workspace, read_at=None).update(
        read_at=now or timezone.now()
    )


def digest(workspace: Workspace, now: datetime) -> tuple[str, str]:
    """Return the daily digest's title and body: open alerts, overdue decisions, what is due
    soon, then the sections other apps registered (:mod:`leadline.notify.sections`)."""
    from leadline.agreements.services import unacknowledged_summary

    alerts = Alert.objects.filter(workspace=workspace, resolved_at=None)
    overdue = Decision.objects.filter(
        workspace=workspace, status=Decision.Status.PROPOSED, due_at__lt=now
    )
    soon = now.date() + timedelta(days=7)
    due_soon = RaidItem.objects.filter(workspace=workspace, status__in=OPEN_STATUSES).filter(
        need_by__lte=soon
    ) | RaidItem.objects.filter(workspace=workspace, status__in=OPEN_STATUSES, due_date__lte=soon)
    lines = [f"Open alerts: {alerts.count()}"]
    lines += [f"  - {a.title}: {a.message}" for a in alerts[:10]]
    lines.append(f"Overdue decisions: {overdue.count()}")
    lines += [
        f"  - {d.title} (with {d.routed_name}, due {d.due_at:%Y-%m-%d %H:%M})" for d in overdue[:10]
    ]
    lines.append(f"RAID items due within 7 days: {due_soon.distinct().count()}")
    lines += [f"  - {i.get_kind_display()}: {i.title}" for i in due_soon.distinct()[:10]]
    lines += unacknowledged_summary(workspace)
    for key, section in digest_sections():
        try:
            lines += section(workspace, now)
        except Exception:  # one app's broken section must not stop the digest
            logger.exception("digest section %s failed for %s", key, workspace.slug)
    title = f"Leadline daily digest for {workspace.name} — {now:%Y-%m-%d}"
    return title, "\n".join(lines)


def send_digest(workspace: Workspace, now: datetime | None = None) -> tuple[str, str]:
    """Build the digest and send it in the app (to leads) and to digest channels."""
    now = now or timezone.now()
    title, body = digest(workspace, now)
    notify(workspace, title, body, channels=False, now=now)
    send_to_channels(
        NotificationChannel.objects.filter(workspace=workspace, active=True, digest=True),
        title,
        body,
    )
    return title, body
