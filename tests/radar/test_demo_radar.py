"""The demo workspace's Radar tells the stories Leadline is built from, with evidence from the
demo's own data, and a run over it fails no rule (its time: benchmarks/bench_radar.py).

The demo is built once for the module (it takes seconds) and removed after it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from leadline.radar import engine
from leadline.radar.models import Finding

# The demo is built once for the module, outside the tests' transactions: the module's tests run
# on one worker, one after another (``--dist loadgroup``), so no other test sees it.
pytestmark = pytest.mark.xdist_group("demo-radar")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.contrib.auth import get_user_model

    from leadline.demo.builder import DEMO_SLUG, DEMO_USERNAME, SANDBOX_SLUG, build_demo
    from leadline.workspaces.models import Workspace

    with django_db_blocker.unblock():
        ctx = build_demo()
        yield ctx
        Workspace.objects.filter(slug__in=[DEMO_SLUG, SANDBOX_SLUG]).delete()
        get_user_model().objects.filter(username=DEMO_USERNAME).delete()


def findings(demo, rule: str) -> list[Finding]:
    return list(
        Finding.objects.filter(workspace=demo.workspace, rule=rule).order_by("subject_name")
    )


def evidence(f: Finding) -> dict[str, str]:
    return {e["label"]: e["value"] for e in f.evidence}


def test_the_release_train_grew_bigger_rarer_and_riskier_before_the_change(demo, db):
    from leadline.radar.demo import look_back

    found = {f.subject_name: f for f in findings(demo, "releases_bigger_rarer")}
    assert set(found) == {"Checkout", "Mobile", "Platform", "Data"}
    f = found["Checkout"]
    # Raised by the look back into the train's time; the fortnightly releases cleared it.
    assert f.first_seen_at == look_back()
    assert [e.action for e in f.events.all()] == ["raised", "cleared"]
    assert f.status == "resolved"
    ev = evidence(f)
    recent, before = ev["Releases, last 180 days"], ev["Releases, the 180 days before"]
    assert recent.startswith("2 (median") and int(recent.split()[2]) >= 90  # the train
    assert before.startswith("4 (median") and 18 <= int(before.split()[2]) <= 24  # before it
    size, size_before = (
        int(ev["Changes per release, last 180 days"]),
        int(ev["Changes per release, the 180 days before"]),
    )
    assert size >= 2 * size_before
    cfr, cfr_before = ev["Change failure rate, recent / before"].split(" / ")
    assert int(cfr.rstrip(" %")) > int(cfr_before.rstrip(" %"))  # riskier too
    assert "hours" in ev["Downtime per release, recent / before"]
    assert f.talk_to and f.talk_to[0]["kind"] == "person"


def test_platform_failures_rise_now_and_some_incidents_count_against_nothing(demo, db):
    (f,) = findings(demo, "failure_rate_rising")
    assert (f.subject_name, f.status) == ("Platform", "open")
    ev = evidence(f)
    now, before = (
        ev["Change failure rate, last 90 days"],
        ev["Change failure rate, the 90 days before"],
    )
    assert int(now.split(" %")[0]) >= int(before.split(" %")[0]) + 10
    assert "Nadia Ivanova" in f.talk_to[0]["name"]  # the delivery lead, on every team
    unattributed = findings(demo, "incidents_unattributed")
    assert unattributed and all(f.status == "open" for f in unattributed)
    listed = [e for f in unattributed for e in f.evidence if e["label"].startswith("INC-")]
    assert listed and all("names no deployment or change" in e["value"] for e in listed)
    assert all("/delivery/dora/?team=" in e["url"] for e in listed)


def test_a_run_over_the_demo_from_an_empty_cache_has_no_failing_rule(demo, db):
    # How long it takes is measured by benchmarks/bench_radar.py (the aim: under 2 s).
    from django.core.cache import cache

    cache.clear()  # no figure computed before
    result = engine.run(demo.workspace, timezone.now() + timedelta(minutes=1))
    assert result.errors == {}
    assert result.rules_run >= 30


def test_building_the_demo_again_changes_no_finding(demo, db):
    from leadline.demo.builder import build_demo
    from leadline.radar.models import FindingEvent

    before = sorted(
        Finding.objects.filter(workspace=demo.workspace).values_list("rule", "subject_id", "status")
    )
    events = FindingEvent.objects.filter(finding__workspace=demo.workspace).count()
    build_demo()
    after = sorted(
        Finding.objects.filter(workspace=demo.workspace).values_list("rule", "subject_id", "status")
    )
    assert after == before
    assert FindingEvent.objects.filter(finding__workspace=demo.workspace).count() == events


def test_the_demo_data_holds_the_flow_and_governance_stories(demo, db):
    """The stories the other rules tell are in the data, whatever those rules conclude."""
    from leadline.decisions.models import Decision, DecisionDomain
    from leadline.delivery.models import Transition
    from leadline.raid.models import RaidItem

    now = timezone.now()
    moves = Transition.objects.filter(item__workspace=demo.workspace)

    def items(team, status, since, until=None):
        rows = moves.filter(item__team__slug=team, to_status=status, at__gte=now - since)
        if until is not None:
            rows = rows.filter(at__lt=now - until)
        return set(rows.values_list("item_id", flat=True))

    # Mobile started more than it finished in each of the last three weeks ...
    ever = timedelta(days=3650)
    for week in range(3):
        since, until = timedelta(days=7 * (week + 1)), timedelta(days=7 * week)
        started = items("mobile", "In Progress", since, until) - items(
            "mobile", "In Progress", ever, since
        )
        assert len(started) > len(items("mobile", "Done", since, until)), week
    # ... while four of its items started six to nine weeks ago are still in progress.
    old = (
        moves.filter(
            item__team__slug="mobile", item__key__startswith="MOB-51", to_status="In Progress"
        )
        .exclude(item__status__in=["Done", "Won't Do"])
        .filter(at__lt=now - timedelta(days=40))
    )
    assert old.count() == 4
    # Checkout: done work reopened in the last five weeks, far more often than before.
    reopened = moves.filter(
        item__team__slug="checkout", from_status="Done", to_status="In Progress"
    )
    recent = reopened.filter(at__gte=now - timedelta(days=35)).count()
    before = reopened.filter(
        at__gte=now - timedelta(days=70), at__lt=now - timedelta(days=35)
    ).count()
    assert recent >= 10 and recent >= 3 * max(before, 1)
    # Governance: the design decision past its SLA, a domain without a decider, the risk turned
    # blocking issue, the dependency past its need-by date.
    design = Decision.objects.get(workspace=demo.workspace, title__startswith="Checkout redesign")
    assert design.status == "proposed" and design.due_at < now and design.domains.count() == 3
    assert DecisionDomain.objects.filter(
        workspace=demo.workspace, name="Data governance", decider_person=None, decider_role=""
    ).exists()
    issue = RaidItem.objects.get(workspace=demo.workspace, source_risk__external_id="DEMO-R6")
    assert issue.blocker and issue.is_open
    dependency = RaidItem.objects.get(workspace=demo.workspace, external_id="DEMO-D1")
    assert dependency.is_open and dependency.need_by < now.date()


# --- the stories of the other rules ---------------------------------------------------------


def _about(demo, rule: str, team: str) -> list[Finding]:
    pk = demo.teams[team].pk
    return [
        f for f in findings(demo, rule) if f.team_id == pk and f.status == "open" and f.evidence
    ]


def test_mobile_starts_more_than_it_finishes_while_its_work_ages(demo, db):
    assert _about(demo, "starting_more_than_finishing", "mobile")
    aging = _about(demo, "aging_work", "mobile")
    assert any(
        "Migrate push to the new notification API" in f.title + f.subject_name for f in aging
    ) or any("Migrate push" in e["label"] + e["value"] for f in aging for e in f.evidence)


def test_checkout_rework_rises_after_unclear_acceptance_criteria(demo, db):
    assert _about(demo, "rework_rising", "checkout")


def test_the_cross_domain_design_decision_waits_past_the_triage_sla(demo, db):
    found = [
        f
        for rule in ("decision_overdue", "cross_domain_not_triaged")
        for f in findings(demo, rule)
        if f.subject_name.startswith("Checkout redesign") and f.status == "open"
    ]
    assert found and all(f.evidence for f in found)
    assert any("Nadia Ivanova" in c["name"] for f in found for c in f.talk_to)  # the triage group


def test_a_decision_domain_without_a_decider_is_found(demo, db):
    assert any(
        f.subject_name == "Data governance" and f.status == "open"
        for f in findings(demo, "domain_without_decider")
    )


def test_the_risk_that_became_an_issue_now_blocks_work(demo, db):
    found = [
        f for f in findings(demo, "risk_became_blocker") if "Mobile login breaks" in f.subject_name
    ]
    assert found and found[0].status == "open" and found[0].evidence
    assert any("Elena Rossi" in c["name"] for c in found[0].talk_to)


def test_the_dependency_on_platform_is_past_its_need_by_date(demo, db):
    found = [
        f
        for f in findings(demo, "dependency_due")
        if "Push-notification service API v2" in f.subject_name
    ]
    assert found and found[0].status == "open" and found[0].evidence
    assert any("Jonas Berg" in c["name"] for c in found[0].talk_to)


def test_product_and_it_were_measured_on_their_own_output_before_the_change(demo, db):
    from leadline.radar.demo import look_back

    found = {(f.rule, f.subject_name): f for f in Finding.objects.filter(
        workspace=demo.workspace, rule__in=["siloed_function", "opposing_kpis"])}  # fmt: skip
    assert set(found) == {("siloed_function", "Product"), ("siloed_function", "IT"),
                          ("opposing_kpis", "IT and Product")}  # fmt: skip
    product = found[("siloed_function", "Product")]
    # Raised by the look back (the old KPIs were in use then), cleared once they were retired.
    assert product.first_seen_at == look_back() and product.status == "resolved"
    assert set(evidence(product)) == {"Hand-offs on deadline", "Specification completeness"}
    assert product.talk_to and "Nadia Ivanova" in product.talk_to[0]["name"]
