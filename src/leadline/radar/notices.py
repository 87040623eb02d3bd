"""Tell people about the Radar: new or reopened high findings, the digest's section.

A run that raises or reopens high findings notifies the workspace's leads in the app and sends
the workspace's outbound channels a message (``leadline.notify.services.notify``). A run that
brings many at once sends one summary instead of a message each, so a first run over a large
workspace does not flood a channel. Medium and low findings wait for the page, the home page
and the daily digest (:func:`digest_lines`, registered with the digest in ``RadarConfig.ready``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from leadline.workspaces.models import Workspace

from .models import Finding
from .registry import SEVERITIES

# Up to this many high findings in one run are sent one message each; more, one summary.
NOTIFIED_ONE_BY_ONE = 5
DIGEST_SHOWN = 10


def _talk_to(f: Finding) -> str:
    names = [str(c.get("name", "")) for c in f.talk_to if c.get("name")]
    return ", ".join(names)


def announce(workspace: Workspace, ids: Iterable[int], now: datetime | None = None) -> int:
    """Notify the leads (in the app and on the channels) of the high findings among ``ids``
    (those a run raised or reopened); return how many messages were sent."""
    from leadline.notify.services import notify

    now = now or timezone.now()
    high = list(
        Finding.objects.filter(
            workspace=workspace, pk__in=list(ids), severity="high", status=Finding.Status.OPEN
        ).order_by("pk")
    )
    if not high:
        return 0
    if len(high) > NOTIFIED_ONE_BY_ONE:
        url = reverse("radar", args=[workspace.slug]) + "?severity=high"
        body = "\n".join(f"- {f.title}" for f in high[:DIGEST_SHOWN])
        if len(high) > DIGEST_SHOWN:
            body += f"\n… and {len(high) - DIGEST_SHOWN} more"
        notify(workspace, f"Radar: {len(high)} new high findings", body, url, now=now)
        return 1
    for f in high:
        talk = _talk_to(f)
        body = f.conversation + (f"\nTalk to: {talk}" if talk else "")
        url = reverse("radar-finding", args=[workspace.slug, f.pk])
        notify(workspace, f"Radar (high): {f.title}", body, url, now=now)
    return len(high)


def digest_lines(workspace: Workspace, now: datetime) -> list[str]:
    """The daily digest's Radar section: open findings by severity, the first few by name."""
    rows = list(
        Finding.objects.filter(workspace=workspace, status=Finding.Status.OPEN).only(
            "title", "severity", "talk_to", "last_seen_at"
        )
    )
    rows.sort(key=lambda f: (SEVERITIES.index(f.severity), -f.last_seen_at.timestamp()))
    by = Counter(f.severity for f in rows)
    counts = ", ".join(f"{by[s]} {s}" for s in SEVERITIES if by[s])
    lines = [f"Radar: {len(rows)} open finding{'s' if len(rows) != 1 else ''}"
             + (f" ({counts})" if counts else "")]  # fmt: skip
    for f in rows[:DIGEST_SHOWN]:
        talk = _talk_to(f)
        lines.append(f"  - [{f.severity}] {f.title}" + (f" (talk to {talk})" if talk else ""))
    if rows:
        lines.append(f"  {settings.BASE_URL}{reverse('radar', args=[workspace.slug])}")
    return lines
