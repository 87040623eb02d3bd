"""Escalation alerts API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema

from leadline.governance.api import WS, GovernanceRouter
from leadline.workspaces.models import Role
from leadline.workspaces.services import access_for

from .escalate import evaluate_escalations
from .models import Alert

router = GovernanceRouter("raid")  # the routes were first in governance/api/raid.py


# --- Alerts ---------------------------------------------------------------------------------
class AlertOut(Schema):
    subject: str
    rule: str
    title: str
    message: str
    url: str
    raised_at: datetime
    resolved_at: datetime | None


@router.get(WS + "/alerts", response=list[AlertOut])
def list_alerts(request: HttpRequest, workspace: str, open_only: bool = True) -> Any:
    """List escalation alerts (open ones by default)."""
    access = access_for(request.user, workspace)
    rows = Alert.objects.filter(workspace=access.workspace)
    return rows.filter(resolved_at=None) if open_only else rows


@router.post(WS + "/escalate", response=list[AlertOut])
def escalate(request: HttpRequest, workspace: str) -> Any:
    """Evaluate the escalation rules now (lead role); return the alerts newly raised."""
    access = access_for(request.user, workspace, Role.LEAD)
    return evaluate_escalations(access.workspace, timezone.now())
