"""The router each governance app's API is built on.

Every governance route keeps the tag "governance" and the operation id it had before the
governance package was split into apps (``leadline_governance_api_<module>_<function>``), so
clients generated from the OpenAPI description keep working.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja import Router

WS = "/workspaces/{workspace}"


class GovernanceRouter(Router):
    """A router tagged "governance" whose operation ids name the module they were first in."""

    def __init__(self, module: str) -> None:
        super().__init__(tags=["governance"])
        self.module = module

    def add_api_operation(
        self,
        path: str,
        methods: list[str],
        view_func: Callable[..., Any],
        *,
        operation_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        operation_id = operation_id or f"leadline_governance_api_{self.module}_{view_func.__name__}"
        super().add_api_operation(path, methods, view_func, operation_id=operation_id, **kwargs)
