"""The governance router and its path prefix, shared by the API modules."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["governance"])
WS = "/workspaces/{workspace}"
