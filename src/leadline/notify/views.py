"""The notification list (the bell) and, for leads, the outbound channels."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from leadline.governance.forms import SettingsForm
from leadline.governance.services import settings_for
from leadline.governance.views import page, report
from leadline.notify.models import Alert, Notification, NotificationChannel
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access, audit
from leadline.workspaces.twins import json_twin

from . import services as notify
from .forms import ChannelForm


@workspace_view(Role.VIEWER)
def index(request: HttpRequest, access: Access) -> HttpResponse:
    """List the user's notifications; POST marks them read (any role: they are the user's own)."""
    if request.method == "POST":
        notify.mark_read(request.user, access.workspace)
        return redirect("notifications", access.workspace.slug)
    rows = Notification.objects.filter(user=request.user.pk, workspace=access.workspace)[:100]
    return page(request, access, "notify/notifications.html", "notifications", rows=rows)


@workspace_view(Role.LEAD)
def channels(request: HttpRequest, access: Access) -> HttpResponse:
    """Add, test, pause or remove Slack / Teams / email / webhook channels (leads)."""
    form = ChannelForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add" and form.is_valid():
            try:
                notify.add_channel(
                    access, form.cleaned_data["name"], form.cleaned_data["url"], request.user
                )
            except ValidationError as exc:
                report(request, exc)
            else:
                messages.success(request, "Channel added.")
                return redirect("notification-channels", access.workspace.slug)
        elif action in {"test", "toggle", "delete"}:
            ch = get_object_or_404(
                NotificationChannel, workspace=access.workspace, pk=request.POST.get("channel")
            )
            if action == "test":
                ok = notify.send_to_channels([ch], "Leadline test", "This channel works.")
                (messages.success if ok.get(ch.name) else messages.error)(
                    request, f"Test to {ch.name}: {'delivered' if ok.get(ch.name) else 'failed'}."
                )
            elif action == "toggle":
                ch.active = not ch.active
                ch.save(update_fields=["active"])
            else:
                audit(access.workspace, request.user, "delete", ch, f"Removed channel {ch.name}")
                ch.delete()
            return redirect("notification-channels", access.workspace.slug)
    rows = NotificationChannel.objects.filter(workspace=access.workspace)
    return page(request, access, "notify/channels.html", "notifications", rows=rows, form=form)


@workspace_view(Role.VIEWER, write=Role.LEAD)
@json_twin("/workspaces/{workspace}/alerts")
def alerts(request: HttpRequest, access: Access) -> HttpResponse:
    """List escalation alerts (each rule named in words); leads run the rules now.

    The thresholds are shown here and changed in Settings → Escalations & decisions.
    """
    from .escalate import evaluate_escalations
    from .rules import RULES

    if request.method == "POST":
        if request.POST.get("action") == "evaluate":
            new = evaluate_escalations(access.workspace, timezone.now())
            messages.success(
                request,
                f"Escalation rules ran: {len(new)} new alert{'s' if len(new) != 1 else ''}.",
            )
            return redirect("governance-alerts", access.workspace.slug)
        messages.info(request, "Thresholds are now changed here, in the settings.")
        return redirect("settings-thresholds", access.workspace.slug)
    rows = list(Alert.objects.filter(workspace=access.workspace))
    for alert in rows:
        alert.rule_label = RULES.get(alert.rule, alert.rule.replace("_", " ").capitalize())  # type: ignore[attr-defined]
    return page(
        request,
        access,
        "notify/alerts.html",
        "alerts",
        open_alerts=[a for a in rows if a.resolved_at is None],
        resolved=[a for a in rows if a.resolved_at is not None][:20],
        form=SettingsForm(instance=settings_for(access.workspace)),
    )
