"""Bitbucket Cloud deployment status normalization.

A Bitbucket deployment's ``state.name`` is COMPLETED (with ``state.status.name`` SUCCESSFUL,
FAILED or STOPPED), IN_PROGRESS, PENDING, UNDEPLOYED, ROLLED_BACK ...; some payloads carry the
outcome directly as the state name.

=========== ===========
SUCCESSFUL  success
COMPLETED   success (when no status says otherwise)
FAILED      failure
STOPPED     cancelled
CANCELLED   cancelled
IN_PROGRESS in_progress
PENDING     queued
ROLLED_BACK rolled_back
UNDEPLOYED  other (the environment was emptied; not a deployment outcome)
anything    other
=========== ===========
"""

from __future__ import annotations

BITBUCKET_STATUS = {
    "successful": "success",
    "completed": "success",
    "failed": "failure",
    "stopped": "cancelled",
    "cancelled": "cancelled",
    "in_progress": "in_progress",
    "pending": "queued",
    "rolled_back": "rolled_back",
    "undeployed": "other",
}


def bitbucket_deployment_status(state: str, status: str | None = None) -> str:
    """Normalize a Bitbucket deployment: the completed outcome when given, else the state."""
    word = (status or "").strip().lower() if state.strip().upper() == "COMPLETED" else ""
    return BITBUCKET_STATUS.get(word or state.strip().lower(), "other")
