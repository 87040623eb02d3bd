"""PagerDuty incidents, on recorded incidents with their log entries."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from leadline.connectors.http import CredentialsRejected
from leadline.connectors.pagerduty import PagerDutyClient, map_incident
from tests.connectors.github.replay import FIXTURES, Replay, bodies, pagerduty_pages

INCIDENTS = bodies(FIXTURES / "pagerduty" / "_raw_pagerduty_incidents.csv")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def by_number(number: int) -> dict:
    return next(i for i in INCIDENTS if i["incident_number"] == number)


def test_a_resolved_incident_resolves_at_its_resolve_log_entry() -> None:
    incident = map_incident(by_number(6))
    assert incident.external_id == "Q1OHFWFP3GPXOG"
    assert incident.title == "Spamming logs"
    assert incident.service == "DevService"
    assert incident.severity == "low"
    assert incident.started == utc("2022-11-03T06:45:36Z")
    assert incident.detected == utc("2022-11-03T06:45:46Z")  # first acknowledged
    assert incident.resolved == utc("2022-11-03T06:51:44Z")
    assert incident.status == "resolved"
    assert incident.url == "https://keon-test.pagerduty.com/incidents/Q1OHFWFP3GPXOG"


def test_a_lapsed_acknowledgement_still_marks_detection_and_the_incident_stays_open() -> None:
    # Acknowledged a second after triggering, then re-escalated: triggered again, unresolved.
    incident = map_incident(by_number(4))
    assert incident.status == "triggered"
    assert incident.started == utc("2022-11-03T06:23:06Z")
    assert incident.detected == utc("2022-11-03T06:23:07Z")
    assert incident.resolved is None
    assert incident.severity == "high"


def test_an_incident_never_acknowledged_is_detected_when_created() -> None:
    raw = {**by_number(4), "acknowledgements": []}
    incident = map_incident(
        raw, log_entries=[e for e in raw["log_entries"] if "acknowledge" not in e["type"]]
    )
    assert incident.detected == incident.started


def test_an_acknowledged_incident_is_detected_at_its_acknowledgement() -> None:
    incident = map_incident(by_number(5), log_entries=[])  # from acknowledgements alone
    assert incident.detected == utc("2022-11-03T06:44:37Z")
    assert incident.resolved is None


def test_a_priority_wins_over_urgency_as_severity() -> None:
    incident = map_incident({**by_number(4), "priority": {"summary": "P1"}})
    assert incident.severity == "P1"


def replay(size: int) -> Replay:
    r = Replay()
    stripped = [{k: v for k, v in i.items() if k != "log_entries"} for i in INCIDENTS]
    r.serve("/incidents", stripped, size=size, pager=pagerduty_pages)
    for incident in INCIDENTS:
        entries = incident["log_entries"]
        r.respond(
            f"/incidents/{incident['id']}/log_entries",
            lambda req, entries=entries: httpx.Response(
                200, json={"log_entries": entries, "more": False}
            ),
        )
    return r


def test_the_client_pages_by_offset_and_reads_log_entries_per_incident() -> None:
    r = replay(size=2)
    client = PagerDutyClient("pd-secret-token", transport=r.transport)
    got = list(client.incidents())
    assert [i.external_id for i in got] == [i["id"] for i in INCIDENTS]
    assert got[2].resolved == utc("2022-11-03T06:51:44Z")
    pages = [q for q in r.requests if q.url.path == "/incidents"]
    assert [q.url.params["offset"] for q in pages] == ["0", "2"]
    assert pages[0].url.params["date_range"] == "all"
    assert pages[0].headers["Authorization"] == "Token token=pd-secret-token"


def test_an_incremental_sync_filters_by_since_and_services() -> None:
    r = replay(size=100)
    client = PagerDutyClient(
        "t0ken", service_ids=["PIKL83L", "PXXXX"], with_log_entries=False, transport=r.transport
    )
    got = list(client.incidents(since=utc("2022-11-01T00:00:00Z")))
    assert len(got) == 3
    params = r.requests[0].url.params
    assert params["since"] == "2022-11-01T00:00:00+00:00"
    assert params.get_list("service_ids[]") == ["PIKL83L", "PXXXX"]
    assert len(r.requests) == 1


def test_a_rejected_token_raises_without_showing_it() -> None:
    r = Replay()
    r.respond(
        "/incidents", lambda req: httpx.Response(401, json={"error": {"message": "Unauthorized"}})
    )
    with pytest.raises(CredentialsRejected) as caught:
        list(PagerDutyClient("pd-secret-token", transport=r.transport).incidents())
    assert "api.pagerduty.com/incidents" in str(caught.value)
    assert "pd-secret-token" not in str(caught.value)
