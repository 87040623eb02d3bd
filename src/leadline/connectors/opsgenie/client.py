"""Read Opsgenie incidents (Incident API v1) and map them to incident records.

Times: started = ``impactStartDate`` (else ``createdAt``); detected = ``createdAt``;
resolved = ``impactEndDate`` once resolved or closed (else ``updatedAt``). Severity is the
priority (P1..P5). The service is the first impacted service's name when ``service_names``
knows it, else its id.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import httpx

from leadline.connectors.github._util import parse_time, require_time
from leadline.connectors.http import HttpClient, MalformedResponse
from leadline.records import IncidentRecord

SOURCE = "opsgenie"
PAGE_SIZE = 100
_RESOLVED = frozenset({"resolved", "closed"})


def map_incident(
    incident: Mapping[str, Any], *, service_names: Mapping[str, str] | None = None
) -> IncidentRecord:
    """Map an incident; an open one has no resolution even if it carries an impact end."""
    created = require_time(incident.get("createdAt"), f"incident {incident.get('id')} createdAt")
    status = str(incident.get("status") or "")
    resolved = None
    if status in _RESOLVED:
        resolved = parse_time(incident.get("impactEndDate")) or parse_time(
            incident.get("updatedAt")
        )
    services = [str(s) for s in incident.get("impactedServices") or []]
    service = (service_names or {}).get(services[0], services[0]) if services else ""
    return IncidentRecord(
        source=SOURCE,
        external_id=str(incident["id"]),
        title=str(incident.get("message") or ""),
        service=service,
        severity=str(incident.get("priority") or ""),
        started=parse_time(incident.get("impactStartDate")) or created,
        detected=created,
        resolved=resolved,
        status=status,
        url=str((incident.get("links") or {}).get("web") or ""),
    )


class OpsgenieClient:
    """A client for an Opsgenie account's incidents, optionally of one service."""

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = "https://api.opsgenie.com",
        service_id: str = "",
        service_names: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        http: HttpClient | None = None,
    ) -> None:
        headers = {"Authorization": f"GenieKey {api_key}"}
        self.http = http or HttpClient(base_url, headers, transport=transport, secrets=[api_key])
        self.service_id = service_id
        self.service_names = dict(service_names or {})

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()

    def incidents(self, since: datetime | None = None) -> Iterator[IncidentRecord]:
        """Yield incidents newest first, stopping at the first created before ``since``.

        Pages follow ``paging.next`` (offset/limit). Opsgenie orders by creation, so pass a
        ``since`` early enough to re-read incidents still open at the last sync.
        """
        params: dict[str, Any] = {
            "limit": PAGE_SIZE,
            "offset": 0,
            "sort": "createdAt",
            "order": "desc",
        }
        if self.service_id:
            params["query"] = f"impactedServices:{self.service_id}"
        url: str | None = "/v1/incidents"
        request_params: dict[str, Any] | None = params
        while url:
            page = self.http.get_json(url, request_params)
            data = page.get("data") if isinstance(page, dict) else None
            if not isinstance(data, list):
                raise MalformedResponse(f"GET {self.http.base_url}/v1/incidents: no data list")
            for incident in data:
                record = map_incident(incident, service_names=self.service_names)
                if since is not None and record.detected is not None and record.detected < since:
                    return
                yield record
            url = (page.get("paging") or {}).get("next") if data else None
            request_params = None  # the next link carries its own query
