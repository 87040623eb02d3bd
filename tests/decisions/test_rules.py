"""The pure routing rules: no database, time always given."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadline.decisions.rules import DomainRights, route_decision

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)


UX = DomainRights("UX", "person", "Ann")


ARCH = DomainRights("Architecture", "person", "Bo")


def route(*domains: DomainRights):
    return route_decision(
        list(domains), NOW, triage_name="Triage", triage_sla_hours=48, domain_sla_hours=120
    )


def test_one_domain_routes_to_its_decider_with_the_domain_sla():
    r = route(UX)
    assert (r.kind, r.name, r.due_at) == ("person", "Ann", NOW + timedelta(hours=120))


def test_a_role_decider_routes_to_the_role():
    assert route(DomainRights("Compliance", "role", "Lead")).kind == "role"


def test_several_domains_route_to_triage_with_the_triage_sla():
    r = route(UX, ARCH)
    assert (r.kind, r.name, r.due_at) == ("triage", "Triage", NOW + timedelta(hours=48))
    assert "cross-domain" in r.reason


def test_a_domain_without_a_decider_or_whose_decider_left_goes_to_triage():
    assert route(DomainRights("Data", "", "")).kind == "triage"
    left = route(DomainRights("UX", "person", "Ann", decider_active=False))
    assert left.kind == "triage" and "has left" in left.reason


def test_no_domain_goes_to_triage():
    assert route().kind == "triage"
