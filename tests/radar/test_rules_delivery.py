"""The delivery rules over a small workspace whose figures can be checked by hand, with time
frozen at T0 (every run is given its ``now``). The workspace's time zone is UTC, so today is
2026-03-02."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadline.delivery.models import (
    Change,
    Deployment,
    ImportProblem,
    Incident,
    StatusMapping,
    Transition,
    WorkItem,
)
from leadline.radar import engine
from leadline.radar.models import Finding

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(days_ago: float, hour: int = 10) -> datetime:
    return (T0 - timedelta(days=days_ago)).replace(hour=hour, minute=0)


@pytest.fixture
def lead(world):
    """Olga, the workspace's owner, works in Checkout: Checkout's lead."""
    from leadline.workspaces.models import Person

    olga = Person.objects.create(workspace=world.workspace, name="Olga", user=world.owner)
    olga.teams.set([world.teams["checkout"]])
    return olga


def release(world, team, n, when, changes=0, service=None, status="success", merged_days=1):
    """A production deployment ``n`` of ``team`` finished ``when``, shipping ``changes`` new
    pull requests merged a day before."""
    service = service or f"{team}-api"
    ids = []
    for k in range(changes):
        ext = f"{service}#{n}-{k}"
        Change.objects.create(
            workspace=world.workspace, team=world.teams[team], source="github", external_id=ext,
            kind="pull_request", repository=service, merged=when - timedelta(days=merged_days),
        )  # fmt: skip
        ids.append(ext)
    return Deployment.objects.create(
        workspace=world.workspace, team=world.teams[team], source="github",
        external_id=f"{service}-{n}", service=service, environment="production", status=status,
        finished=when, is_production=True, change_ids=ids,
    )  # fmt: skip


def incident(world, team, ext, started, hours=1.0, service=None, **extra):
    return Incident.objects.create(
        workspace=world.workspace, team=world.teams[team], source="pagerduty", external_id=ext,
        title=f"Outage {ext}", service=service or f"{team}-api", started=started,
        resolved=started + timedelta(hours=hours), **extra,
    )  # fmt: skip


def run(world, rule, now=T0):
    engine.run(world.workspace, now, only=[rule])
    return {
        (f.subject_kind, f.subject_name): f
        for f in Finding.objects.filter(workspace=world.workspace, rule=rule)
    }


def evidence(f: Finding) -> dict[str, str]:
    return {e["label"]: e["value"] for e in f.evidence}


# --- releases_bigger_rarer ------------------------------------------------------------------


@pytest.fixture
def cadence(world):
    """Checkout released every 30 days with 3 changes, then twice in the last 180 days with 9;
    Platform releases every 30 days with 3 changes all year."""
    for n, ago in enumerate([350, 320, 290, 260, 230, 200]):
        release(world, "checkout", n, at(ago), changes=3)
    release(world, "checkout", 10, at(110), changes=9)
    # A release deploys its services in turn: 2 hours later is the same release.
    release(world, "checkout", 11, at(20), changes=5)
    release(world, "checkout", 12, at(20, hour=12), changes=4, service="checkout-web")
    for n, ago in enumerate(range(350, 0, -30)):
        release(world, "platform", n, at(ago), changes=3)


def test_releases_bigger_and_rarer_fires_with_both_periods_in_the_evidence(world, lead, cadence):
    found = run(world, "releases_bigger_rarer")
    assert list(found) == [("team", "Checkout")]  # not Platform: its cadence held
    f = found[("team", "Checkout")]
    assert f.severity == "high"  # both tripled
    assert f.talk_to == [{"kind": "person", "name": "Olga (lead, Checkout)"}]
    ev = evidence(f)
    assert ev["Releases, last 180 days"] == "2 (median 90 days apart)"
    assert ev["Releases, the 180 days before"] == "6 (median 30 days apart)"
    assert ev["Changes per release, last 180 days"] == "9"
    assert ev["Changes per release, the 180 days before"] == "3"
    assert ev["Biggest recent release"] == "2025-11-12: 9 changes"
    assert "every 90 days with 9 changes" in f.title
    assert "every 90 days with about 9 changes" in f.conversation
    assert f.score == 9
    assert f"/w/{world.workspace.slug}/delivery/dora/?team=checkout" in f.evidence[0]["url"]


def test_releases_quiet_when_the_growth_is_below_the_threshold(world, lead, cadence):
    from leadline.radar import services

    services.set_rule(
        world.access, "releases_bigger_rarer", world.owner, thresholds={"growth": 300}
    )
    assert run(world, "releases_bigger_rarer") == {}


def test_releases_seen_from_the_past_only_see_what_had_happened(world, lead, cadence):
    # 100 days ago the big releases had not come yet (one had: not enough to call a trend).
    assert run(world, "releases_bigger_rarer", now=T0 - timedelta(days=100)) == {}


# --- failure_rate_rising --------------------------------------------------------------------


@pytest.fixture
def failures(world):
    """Checkout: 10 deployments in each 90-day period; 1 failed before, 4 in the last 90 days,
    each failure one hour of incident. Platform: 1 of 10 in both."""
    for team, recent_failures in (("checkout", 4), ("platform", 1)):
        for period, fails in ((0, recent_failures), (90, 1)):
            for k in range(10):
                dep = release(world, team, period + k, at(period + 5 + 8 * k))
                if k < fails:
                    incident(world, team, f"{team}-{period}-{k}", dep.finished + timedelta(hours=2),
                             deployment_id=dep.external_id)  # fmt: skip


def test_failure_rate_rising_fires_with_the_dora_figures_of_both_periods(world, lead, failures):
    found = run(world, "failure_rate_rising")
    assert list(found) == [("team", "Checkout")]
    f = found[("team", "Checkout")]
    ev = evidence(f)
    assert ev["Change failure rate, last 90 days"] == "40 % (4 of 10 deployments)"
    assert ev["Change failure rate, the 90 days before"] == "10 % (1 of 10 deployments)"
    assert ev["Downtime per release, last 90 days"] == "24 minutes"
    assert ev["Downtime per release, the 90 days before"] == "6 minutes"
    assert f.severity == "high"  # the rate and the downtime both rose
    assert f.talk_to == [{"kind": "person", "name": "Olga (lead, Checkout)"}]
    assert "4 of 10 deployments" in f.conversation


def test_failure_rate_rising_clears_when_the_failures_are_fixed_and_reopens(world, lead, failures):
    run(world, "failure_rate_rising")
    Incident.objects.filter(
        external_id__in=["checkout-0-1", "checkout-0-2", "checkout-0-3"]
    ).delete()
    assert run(world, "failure_rate_rising")[("team", "Checkout")].status == "resolved"
    incident(world, "checkout", "again", at(5, hour=12), hours=3, deployment_id="checkout-api-0")
    assert run(world, "failure_rate_rising")[("team", "Checkout")].status == "open"


# --- incidents_unattributed -----------------------------------------------------------------


@pytest.fixture
def outages(world):
    dep = release(world, "checkout", 1, at(30))
    incident(world, "checkout", "INC-1", at(29), deployment_id=dep.external_id)  # named
    incident(world, "checkout", "INC-2", at(30, hour=13))  # 3 hours after a deployment
    incident(world, "checkout", "INC-3", at(10))  # nothing deployed in the day before
    incident(world, "checkout", "INC-4", at(12), change_id="checkout-api#1")  # names a change
    incident(world, "checkout", "INC-5", at(8), deployment_id="ghost-7")  # not imported
    incident(world, "checkout", "INC-6", at(120))  # before the period
    incident(
        world,
        "platform",
        "INC-7",
        at(5),
        deployment_id=release(world, "platform", 1, at(5, 8)).external_id,
    )


def test_unattributed_incidents_are_named_with_why(world, lead, outages):
    found = run(world, "incidents_unattributed")
    assert list(found) == [("team", "Checkout")]
    f = found[("team", "Checkout")]
    ev = evidence(f)
    assert ev["Unattributed, last 90 days"] == "2 of 5 incidents (40 %)"
    assert ev["INC-3 (2026-02-20, checkout-api)"] == (
        "names no deployment or change; no checkout-api production deployment in the 24 hours "
        "before it"
    )
    assert ev["INC-5 (2026-02-22, checkout-api)"] == (
        "names deployment ghost-7, which is no production deployment Leadline has"
    )
    assert ev["Change failure rate shown"].startswith("100 % (1 of 1 deployments)")
    assert f.severity == "medium"  # 40 % is under the 50 % from which it is high
    assert f.title == "Checkout: 2 incidents of the last 90 days count against no deployment"
    assert f.conversation.startswith("INC-3 (Outage INC-3) and 1 other are tied to no deployment")
    assert f.talk_to == [{"kind": "person", "name": "Olga (lead, Checkout)"}]


def test_unattributed_incidents_quiet_once_each_is_tied_to_a_deployment(world, lead, outages):
    run(world, "incidents_unattributed")
    Incident.objects.filter(external_id="INC-3").update(deployment_id="checkout-api-1")
    release(world, "checkout", 7, at(8, hour=4), service="checkout-api")
    Incident.objects.filter(external_id="INC-5").update(deployment_id="")
    assert run(world, "incidents_unattributed")[("team", "Checkout")].status == "resolved"


# --- data_quality ---------------------------------------------------------------------------


def item(world, team, key, *moves):
    wi = WorkItem.objects.create(
        workspace=world.workspace, team=world.teams[team], source="jira", key=key,
        created=at(60), status=moves[-1],
    )  # fmt: skip
    prev = None
    for seq, status in enumerate(moves):
        Transition.objects.create(item=wi, seq=seq, at=at(50 - seq), from_status=prev,
                                  to_status=status)  # fmt: skip
        prev = status
    return wi


@pytest.fixture
def histories(world):
    for status, category in (("To Do", "backlog"), ("Doing", "active"), ("Done", "done")):
        StatusMapping.objects.create(
            workspace=world.workspace, source="jira", status=status, category=category
        )
    for k in range(9):
        item(world, "checkout", f"CHK-{k}", "To Do", "Doing", "Done")
        item(world, "platform", f"PLAT-{k}", "To Do", "Doing", "Done")
    item(world, "checkout", "CHK-9", "To Do", "Done")  # never started
    item(world, "platform", "PLAT-9", "To Do", "Doing", "Limbo")  # a status nobody mapped


def test_data_quality_says_which_number_and_which_items(world, lead, histories):
    found = run(world, "data_quality")
    assert set(found) == {("metric", "Checkout: cycle time"),
                          ("metric", "Platform: WIP, throughput and cycle time")}  # fmt: skip
    f = found[("metric", "Checkout: cycle time")]
    ev = evidence(f)
    assert ev["Number affected"] == "cycle time of Checkout"
    assert ev["Items or statuses"] == "1 of 10 items (10 %)"
    assert ev["CHK-9"] == "went to done with no active stage"
    assert f.severity == "high"  # 10 % is over three times the 3 % threshold
    assert f.talk_to == [{"kind": "person", "name": "Olga (lead, Checkout)"}]
    assert f.subject_url == f"/w/{world.workspace.slug}/delivery/quality/?team=checkout"
    unmapped = found[("metric", "Platform: WIP, throughput and cycle time")]
    assert evidence(unmapped)["Limbo"] == "1 transitions into it"
    # Platform has no lead of its own: the workspace's lead is whom to talk to.
    assert unmapped.talk_to == [{"kind": "person", "name": "Olga (workspace lead)"}]


def test_data_quality_quiet_under_the_threshold_and_for_clean_data(world, lead, histories):
    from leadline.radar import services

    services.set_rule(world.access, "data_quality", world.owner, thresholds={"share": 20})
    StatusMapping.objects.create(
        workspace=world.workspace, source="jira", status="Limbo", category="active"
    )
    assert run(world, "data_quality") == {}


def test_rejected_rows_name_the_numbers_their_source_feeds(world, lead):
    for k in range(2):
        ImportProblem.objects.create(workspace=world.workspace, source="incidents.csv",
                                     location=f"row {k + 2}", message="started is not a date")  # fmt: skip
    found = run(world, "data_quality")
    f = found[("import", "Rejected rows of incidents.csv")]
    assert "change failure rate, recovery time and downtime per release" in f.title
    assert evidence(f)["row 2"] == "started is not a date"
    assert f.talk_to == [{"kind": "person", "name": "Olga (workspace lead)"}]
