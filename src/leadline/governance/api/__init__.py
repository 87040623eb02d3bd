"""Governance API: RAID, decisions, agreements, change requests (one router)."""

from __future__ import annotations

from . import agreements, decisions, raid  # noqa: F401 - importing registers the routes
from ._router import router

__all__ = ["router"]
