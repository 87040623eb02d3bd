"""Small helpers shared by the GitHub mappings: timestamps and production detection."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import Any

SOURCE = "github"
PRODUCTION_NAMES = frozenset({"production", "prod", "prd", "live"})


def parse_time(value: str | None) -> datetime | None:
    """Parse an ISO 8601 timestamp (``Z`` or an offset) to UTC; None or "" gives None."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def require_time(value: str | None, what: str) -> datetime:
    """Parse a timestamp that must be there; raise ValueError naming the field otherwise."""
    parsed = parse_time(value)
    if parsed is None:
        raise ValueError(f"missing timestamp: {what}")
    return parsed


def is_production(environment: str, production_environments: Collection[str] | None) -> bool:
    """Tell whether an environment is production: an explicit list wins, else its name does.

    Without a list, "production", "prod", "prd", "live" and names starting with "prod" count.
    """
    name = environment.strip().lower()
    if production_environments is not None:
        return name in {e.strip().lower() for e in production_environments}
    return name in PRODUCTION_NAMES or name.startswith("prod")


def get_ci(node: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """Get a key case-insensitively (GraphQL camelCase and re-serialized PascalCase alike)."""
    if key in node:
        return node[key]
    lowered = key.lower()
    for k, v in node.items():
        if k.lower() == lowered:
            return v
    return default


def login(user: Mapping[str, Any] | None) -> str:
    """Return a user's login, or "" for a deleted (ghost) user."""
    return str(user.get("login") or "") if user else ""
