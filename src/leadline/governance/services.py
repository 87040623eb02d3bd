"""What the governance apps share: the workspace's governance settings and system access.

One row per workspace holds the escalation thresholds (read by ``notify``'s escalation rules)
and the triage group and SLAs (read by ``decisions``' routing); one settings page edits them.
"""

from __future__ import annotations

from leadline import bounds
from leadline.workspaces.models import Role, Workspace
from leadline.workspaces.services import Access

from .models import GovernanceSettings

# The limits of each governance setting (escalation delays in days, decision SLAs in hours).
SETTINGS_BOUNDS: dict[str, bounds.Bound] = {
    "risk_unmitigated_days": bounds.THRESHOLD_DAYS,
    "dependency_grace_days": bounds.THRESHOLD_DAYS,
    "review_grace_days": bounds.THRESHOLD_DAYS,
    "missing_owner_days": bounds.THRESHOLD_DAYS,
    "triage_sla_hours": bounds.SLA_HOURS,
    "domain_sla_hours": bounds.SLA_HOURS,
}


def settings_for(workspace: Workspace) -> GovernanceSettings:
    """Return the workspace's governance settings, created with defaults on first use."""
    obj, _ = GovernanceSettings.objects.get_or_create(workspace=workspace)
    return obj


def setting(s: GovernanceSettings, name: str) -> int:
    """Return a setting within its bound: a value stored before the bounds existed (say 10**9
    hours, past any date Python can hold) is read as the nearest limit."""
    bound = SETTINGS_BOUNDS[name]
    return min(max(int(getattr(s, name)), bound.low), bound.high)


def system_access(workspace: Workspace) -> Access:
    """Return owner-level access for system callers (CLI, demo, jobs), not tied to a user."""
    from leadline.workspaces.models import Membership

    return Access(workspace, Membership(workspace=workspace, role=Role.OWNER))
