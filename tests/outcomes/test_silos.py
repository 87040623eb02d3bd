"""Siloed functions and functions whose KPIs pull against each other, on hand-built KPI sets."""

from __future__ import annotations

from leadline.outcomes.silos import KpiNode, opposing_functions, siloed_functions, would_cycle


def k(id_: int, name: str, *functions: str, up: int | None = None, conflicts=(), measures="",
      direction="higher") -> KpiNode:  # fmt: skip
    return KpiNode(id_, name, frozenset(functions), up, frozenset(conflicts), measures, direction)


def test_a_function_measured_only_on_its_own_kpis_is_siloed():
    kpis = [k(1, "Spec completeness", "Product"), k(2, "Hand-offs on deadline", "Product"),
            k(3, "Delivery to own estimates", "IT")]  # fmt: skip
    found = {s.function: [x.name for x in s.kpis] for s in siloed_functions(kpis)}
    assert found == {
        "Product": ["Hand-offs on deadline", "Spec completeness"],
        "IT": ["Delivery to own estimates"],
    }


def test_a_function_owning_a_shared_kpi_is_not_siloed():
    kpis = [k(1, "Time to delivery", "Product", "IT"), k(2, "Spec completeness", "Product")]
    assert siloed_functions(kpis) == []


def test_an_own_kpi_serving_a_shared_outcome_through_another_is_not_a_silo():
    kpis = [k(1, "Time to delivery", "Product", "Ops"), k(2, "Deploy frequency", "IT", up=3),
            k(3, "Pipeline time", "IT", up=1)]  # fmt: skip
    assert [s.function for s in siloed_functions(kpis)] == []
    # The same KPIs, but the chain ends in an outcome IT alone owns: IT is siloed.
    kpis[0] = k(1, "Time to delivery", "IT")
    assert [s.function for s in siloed_functions(kpis)] == ["IT"]


def test_a_kpi_owned_by_a_team_only_makes_no_function_siloed():
    assert siloed_functions([k(1, "Team throughput")]) == []


def test_explicitly_conflicting_kpis_of_two_functions_pull_against_each_other():
    kpis = [k(1, "Hand-offs on deadline", "Product", conflicts={2}),
            k(2, "Delivery to own estimates", "IT")]  # fmt: skip
    [pair] = opposing_functions(kpis)
    assert pair.functions == ("IT", "Product")
    assert pair.tensions[0].a.name == "Delivery to own estimates"
    assert "marked" in pair.tensions[0].reason


def test_opposite_directions_on_the_same_quantity_pull_against_each_other():
    kpis = [k(1, "Features shipped", "Product", measures="release_scope"),
            k(2, "Scope per release", "IT", measures="release_scope", direction="lower"),
            k(3, "Uptime", "IT", measures="uptime")]  # fmt: skip
    [pair] = opposing_functions(kpis)
    assert "'release_scope'" in pair.tensions[0].reason
    # The same direction on the same quantity is agreement, not tension.
    kpis[1] = k(2, "Scope per release", "IT", measures="release_scope")
    assert opposing_functions(kpis) == []


def test_a_shared_outcome_above_both_kpis_resolves_the_tension():
    kpis = [k(1, "Hand-offs on deadline", "Product", conflicts={2}, up=3),
            k(2, "Delivery to own estimates", "IT", up=3),
            k(3, "Time to delivery", "Product", "IT")]  # fmt: skip
    assert opposing_functions(kpis) == []
    # Shared by others than the two functions, it does not.
    kpis[2] = k(3, "Time to delivery", "Product", "Finance")
    assert [p.functions for p in opposing_functions(kpis)] == [("IT", "Product")]


def test_a_contribution_that_closes_a_cycle_is_found():
    kpis = {n.id: n for n in [k(1, "A", up=2), k(2, "B", up=3), k(3, "C")]}
    assert would_cycle(kpis, 3, 1) == [1, 2, 3]
    assert would_cycle(kpis, 3, 3) == [3]
    assert would_cycle(kpis, 1, 3) is None
