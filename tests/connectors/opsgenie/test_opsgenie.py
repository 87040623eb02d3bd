"""Opsgenie incidents, on recorded incidents."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from leadline.connectors.http import Forbidden
from leadline.connectors.opsgenie import OpsgenieClient, map_incident
from tests.connectors.github.replay import FIXTURES, Replay, bodies, opsgenie_pages

INCIDENTS = bodies(FIXTURES / "opsgenie" / "_raw_opsgenie_incidents.csv")
SERVICE = "695bce3d-4621-4630-8ae1-24eb89c22d6e"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def test_a_resolved_incident_resolves_at_its_impact_end() -> None:
    incident = map_incident(INCIDENTS[1], service_names={SERVICE: "checkout"})
    assert incident.title == "Incident#2"
    assert incident.service == "checkout"
    assert incident.severity == "P5"
    assert incident.started == incident.detected == utc("2023-09-05T18:20:28.003Z")
    assert incident.resolved == utc("2023-09-05T18:21:21.49Z")
    assert incident.status == "resolved"
    assert incident.url.endswith("/incident/detail/3f84e009-7548-4e7d-832a-fa82c1ceb6b1")


def test_an_open_incident_is_unresolved_and_named_by_service_id() -> None:
    incident = map_incident(INCIDENTS[0])
    assert incident.status == "open"
    assert incident.resolved is None
    assert incident.service == SERVICE
    assert incident.severity == "P3"


def test_the_client_follows_paging_next_and_filters_by_service() -> None:
    r = Replay()
    r.serve("/v1/incidents", INCIDENTS, size=1, pager=opsgenie_pages)
    client = OpsgenieClient("genie-secret", service_id=SERVICE, transport=r.transport)
    got = list(client.incidents())
    assert [i.title for i in got] == ["Incident#1", "Incident#2"]
    assert [q.url.params["offset"] for q in r.requests] == ["0", "1"]
    assert r.requests[0].url.params["query"] == f"impactedServices:{SERVICE}"
    assert r.requests[0].headers["Authorization"] == "GenieKey genie-secret"


def test_an_incremental_sync_stops_at_the_first_incident_created_before_since() -> None:
    r = Replay()
    r.serve("/v1/incidents", INCIDENTS, size=1, pager=opsgenie_pages)
    got = list(
        OpsgenieClient("k", transport=r.transport).incidents(since=utc("2023-09-06T00:00:00Z"))
    )
    assert [i.title for i in got] == ["Incident#1"]
    assert len(r.requests) == 2  # the second page held the older incident; no third read


def test_a_forbidden_key_raises_naming_the_url_not_the_key() -> None:
    r = Replay()
    r.respond(
        "/v1/incidents", lambda req: httpx.Response(403, json={"message": "insufficient scope"})
    )
    with pytest.raises(Forbidden) as caught:
        list(OpsgenieClient("genie-secret", transport=r.transport).incidents())
    assert "api.opsgenie.com/v1/incidents" in str(caught.value)
    assert "genie-secret" not in str(caught.value)
