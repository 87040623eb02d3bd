"""Governance models, one module per concept."""

from .agreements import Acknowledgement, AgreementVersion, WorkingAgreement
from .changes import ChangeRequest
from .decisions import Decision, DecisionComment, DecisionDomain
from .notify import Alert, Notification, NotificationChannel
from .raid import RaidHistory, RaidItem
from .settings import GovernanceSettings

__all__ = [
    "Acknowledgement",
    "AgreementVersion",
    "Alert",
    "ChangeRequest",
    "Decision",
    "DecisionComment",
    "DecisionDomain",
    "GovernanceSettings",
    "Notification",
    "NotificationChannel",
    "RaidHistory",
    "RaidItem",
    "WorkingAgreement",
]
