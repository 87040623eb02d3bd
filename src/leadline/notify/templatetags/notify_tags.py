"""What the other governance pages show of notify's data, without importing notify.

The tab strip shows the unread-notification count, the RAID log its open alerts, a RAID item
its escalations. The raid, decisions, agreements and changes apps sit below notify (notify's
escalation rules read them), so their pages ask for these through template tags.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import QuerySet

from leadline.notify.models import Alert
from leadline.notify.services import unread_count as _unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context: Any) -> int:
    """Return the signed-in user's unread notifications in the page's workspace."""
    return _unread_count(context["request"].user, context["workspace"])


@register.simple_tag(takes_context=True)
def open_alert_count(context: Any) -> int:
    """Return how many escalation alerts of the page's workspace are open."""
    return Alert.objects.filter(workspace=context["workspace"], resolved_at=None).count()


@register.simple_tag(takes_context=True)
def alerts_about(context: Any, kind: str, pk: int) -> QuerySet[Alert]:
    """Return the alerts (open and resolved) raised about one item, e.g. ("raid", 7)."""
    return Alert.objects.filter(workspace=context["workspace"], subject=f"{kind}:{pk}")
