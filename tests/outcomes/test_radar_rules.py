"""The siloed-incentives findings, from the Radar's engine on a real database."""

from __future__ import annotations

from datetime import UTC, datetime

from leadline.radar import engine
from leadline.radar.models import Finding

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


def _run(ow):
    engine.run(ow.workspace, NOW, only=["siloed_function", "opposing_kpis"])
    return {(f.rule, f.subject_name): f for f in Finding.objects.filter(workspace=ow.workspace)}


def test_siloed_functions_and_their_opposing_kpis_are_findings_with_evidence(ow):
    handoff = ow.kpi("Hand-offs on deadline", [ow.product], target_value=90, unit="%")
    estimates = ow.kpi("Delivery to own estimates", [ow.it])
    handoff.conflicts_with.set([estimates])
    found = _run(ow)
    assert set(found) == {("siloed_function", "Product"), ("siloed_function", "IT"),
                          ("opposing_kpis", "IT and Product")}  # fmt: skip
    product = found[("siloed_function", "Product")]
    assert product.evidence[0]["label"] == "Hand-offs on deadline"
    assert "target 90 %" in product.evidence[0]["value"]
    # Function has no lead of its own: the leads of the teams of its group (none are members
    # here, so the workspace's leads), never "someone".
    assert product.talk_to and all(c["name"] for c in product.talk_to)
    assert "shared outcome" in product.conversation or "share" in product.conversation
    pair = found[("opposing_kpis", "IT and Product")]
    assert "marked as pulling against each other" in pair.evidence[0]["value"]


def test_a_shared_outcome_above_both_clears_the_findings(ow):
    handoff = ow.kpi("Hand-offs on deadline", [ow.product])
    estimates = ow.kpi("Delivery to own estimates", [ow.it])
    handoff.conflicts_with.set([estimates])
    _run(ow)
    shared = ow.kpi("Time to delivery", [ow.product, ow.it])
    for k in (handoff, estimates):
        k.contributes_to = shared
        k.save()
    engine.run(ow.workspace, NOW, only=["siloed_function", "opposing_kpis"])
    assert not Finding.objects.filter(workspace=ow.workspace, status="open").exists()


def test_retired_kpis_are_seen_only_by_a_run_in_their_period(ow):
    ow.kpi("Spec completeness", [ow.product], active_from="2024-01-01", active_until="2025-06-01")
    engine.run(ow.workspace, datetime(2025, 1, 1, 12, tzinfo=UTC), only=["siloed_function"])
    assert Finding.objects.filter(workspace=ow.workspace, rule="siloed_function").count() == 1
    engine.run(ow.workspace, NOW, only=["siloed_function"])
    assert not Finding.objects.filter(workspace=ow.workspace, status="open").exists()


def test_a_function_lead_is_named_when_a_lead_works_in_that_function(ow):
    from leadline.workspaces.models import Person

    Person.objects.create(workspace=ow.workspace, name="Priya Product", function=ow.product,
                          user=ow.lead)  # fmt: skip
    ow.kpi("Spec completeness", [ow.product])
    found = _run(ow)
    assert found[("siloed_function", "Product")].talk_to == [
        {"kind": "person", "name": "Priya Product (lead, Product)"}
    ]
