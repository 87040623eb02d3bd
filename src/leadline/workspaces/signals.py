"""Signals other apps listen to, so the workspaces app never imports them.

``workspace_created(sender=Workspace, workspace=..., actor=...)`` is sent by
:func:`leadline.workspaces.services.create_workspace` inside its transaction, once the workspace
and its defaults exist: a domain app that gives every new workspace its own defaults (the
cadence's four tiers) connects a receiver in its ``AppConfig.ready``.
"""

from __future__ import annotations

from django.dispatch import Signal

workspace_created = Signal()
