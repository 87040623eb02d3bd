"""Pure decision routing: which decider a decision goes to and by when. No Django, no clock:
time is passed in. Same input, same output; the services load rows into these plain records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class DomainRights:
    """Who decides one domain: ``decider_kind`` is "person", "role" or "" (nobody named)."""

    name: str
    decider_kind: str
    decider_name: str
    decider_active: bool = True


@dataclass(frozen=True, slots=True)
class Route:
    """Where a decision goes: kind "person", "role" or "triage", a display name, a due time."""

    kind: str
    name: str
    due_at: datetime
    reason: str


def route_decision(
    domains: Sequence[DomainRights],
    created_at: datetime,
    *,
    triage_name: str,
    triage_sla_hours: int,
    domain_sla_hours: int,
) -> Route:
    """Route a decision: one domain with an active decider goes to them; several domains,
    none, or a domain whose decider is missing or has left goes to the triage group."""
    triage_due = created_at + timedelta(hours=triage_sla_hours)
    if len(domains) == 1:
        d = domains[0]
        if d.decider_kind in {"person", "role"} and d.decider_active:
            return Route(
                d.decider_kind,
                d.decider_name,
                created_at + timedelta(hours=domain_sla_hours),
                f"{d.name} is decided by {d.decider_name}",
            )
        gap = "has no decider" if not d.decider_kind else f"decider {d.decider_name} has left"
        return Route("triage", triage_name, triage_due, f"{d.name} {gap}")
    if not domains:
        return Route("triage", triage_name, triage_due, "no domain given")
    names = ", ".join(d.name for d in domains)
    return Route("triage", triage_name, triage_due, f"cross-domain ({names})")
