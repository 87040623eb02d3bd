"""Siloed incentives, found in a set of KPIs (pure functions: no database).

Definitions (docs/outcomes.md states them on the page):

- A KPI is **shared** when two or more functions own it.
- A KPI's **outcomes above it** are the KPIs it contributes to, directly or through others
  (``contributes_to``, followed to the top; the services refuse cycles).
- A function is **siloed** when it owns at least one KPI, every KPI it owns is owned by it alone
  (no other function owns it), and none of them contributes, directly or through others, to a
  shared KPI.
- Two KPIs **pull against each other** when they are explicitly marked so (``conflicts_with``),
  or when they measure the same quantity (the same non-empty ``measures`` key) in opposite
  directions (one rewards more of it, the other less).
- Two functions **pull against each other** when a KPI owned by one (and not the other) pulls
  against a KPI owned by the other (and not the first), and no KPI owned by both functions is
  at or above both of them (no shared outcome above them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class KpiNode:
    """What silo detection reads of one KPI."""

    id: int
    name: str
    functions: frozenset[str] = field(default_factory=frozenset)
    contributes_to: int | None = None
    conflicts_with: frozenset[int] = field(default_factory=frozenset)
    measures: str = ""
    direction: str = "higher"

    @property
    def shared(self) -> bool:
        return len(self.functions) >= 2


@dataclass(frozen=True)
class SiloedFunction:
    function: str
    kpis: tuple[KpiNode, ...]


@dataclass(frozen=True)
class Tension:
    """One pair of KPIs pulling against each other and why (``reason``)."""

    a: KpiNode
    b: KpiNode
    reason: str


@dataclass(frozen=True)
class OpposingFunctions:
    functions: tuple[str, str]
    tensions: tuple[Tension, ...]


def above(kpis: Mapping[int, KpiNode], start: int) -> list[KpiNode]:
    """Return the KPIs ``start`` contributes to, nearest first (a cycle stops the walk)."""
    out: list[KpiNode] = []
    seen = {start}
    node = kpis.get(start)
    while node is not None and node.contributes_to is not None:
        if node.contributes_to in seen:
            break
        seen.add(node.contributes_to)
        node = kpis.get(node.contributes_to)
        if node is not None:
            out.append(node)
    return out


def would_cycle(kpis: Mapping[int, KpiNode], kpi: int, target: int | None) -> list[int] | None:
    """Return the chain (ids, from ``target`` back to ``kpi``) that setting ``kpi``'s
    ``contributes_to`` to ``target`` would close into a cycle, or None when it would not."""
    if target is None:
        return None
    chain = [target]
    node = kpis.get(target)
    if target == kpi:
        return chain
    seen = {target}
    while node is not None and node.contributes_to is not None:
        nxt = node.contributes_to
        chain.append(nxt)
        if nxt == kpi:
            return chain
        if nxt in seen:
            return None
        seen.add(nxt)
        node = kpis.get(nxt)
    return None


def siloed_functions(nodes: Iterable[KpiNode]) -> list[SiloedFunction]:
    """Return every siloed function (see the module's definitions), by name."""
    kpis = {k.id: k for k in nodes}
    owned: dict[str, list[KpiNode]] = {}
    for k in kpis.values():
        for f in k.functions:
            owned.setdefault(f, []).append(k)
    out = []
    for function, mine in sorted(owned.items()):
        if any(k.shared for k in mine):
            continue
        if any(any(up.shared for up in above(kpis, k.id)) for k in mine):
            continue
        out.append(SiloedFunction(function, tuple(sorted(mine, key=lambda k: k.name))))
    return out


def tension(a: KpiNode, b: KpiNode) -> str | None:
    """Return why ``a`` and ``b`` pull against each other, or None when they do not."""
    if b.id in a.conflicts_with or a.id in b.conflicts_with:
        return "marked as pulling against each other"
    if a.measures and a.measures == b.measures and a.direction != b.direction:
        more, less = (a, b) if a.direction == "higher" else (b, a)
        return f"both measure {a.measures!r}: {more.name} rewards more of it, {less.name} less"
    return None


def opposing_functions(nodes: Iterable[KpiNode]) -> list[OpposingFunctions]:
    """Return every pair of functions whose KPIs pull against each other with no shared outcome
    above them (see the module's definitions), by the functions' names."""
    kpis = {k.id: k for k in nodes}
    pairs: dict[tuple[str, str], list[Tension]] = {}
    listed = sorted(kpis.values(), key=lambda k: k.id)
    for i, a in enumerate(listed):
        for b in listed[i + 1 :]:
            why = tension(a, b)
            if why is None:
                continue
            for fa in sorted(a.functions - b.functions):
                for fb in sorted(b.functions - a.functions):
                    both = {fa, fb}
                    up_a = {a.id, *(k.id for k in above(kpis, a.id))}
                    up_b = {b.id, *(k.id for k in above(kpis, b.id))}
                    if any(both <= kpis[s].functions for s in up_a & up_b):
                        continue  # a shared outcome above both
                    key = (min(fa, fb), max(fa, fb))
                    first, second = (a, b) if key[0] == fa else (b, a)
                    pairs.setdefault(key, []).append(Tension(first, second, why))
    return [OpposingFunctions(k, tuple(v)) for k, v in sorted(pairs.items())]
