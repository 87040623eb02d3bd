"""Read PagerDuty incidents (REST API v2) and map them to incident records.

Times: started = ``created_at``; detected = the first acknowledgement, else ``created_at``;
resolved = the last ``resolve_log_entry`` (else, for a resolved incident,
``last_status_change_at``). Severity is the incident priority's name when set, else its urgency.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

import httpx

from leadline.connectors.github._util import parse_time, require_time
from leadline.connectors.http import HttpClient, MalformedResponse
from leadline.records import IncidentRecord

SOURCE = "pagerduty"
PAGE_SIZE = 100


def _earliest(times: Iterable[datetime | None]) -> datetime | None:
    return min((t for t in times if t is not None), default=None)


def _latest(times: Iterable[datetime | None]) -> datetime | None:
    return max((t for t in times if t is not None), default=None)


def map_incident(
    incident: Mapping[str, Any], log_entries: Iterable[Mapping[str, Any]] | None = None
) -> IncidentRecord:
    """Map an incident; ``log_entries`` default to those embedded in it (some exports do).

    With no log entries, ``acknowledgements`` give detection; a resolved incident without a
    resolve entry resolves at ``last_status_change_at``; a reopened (re-triggered) one has none.
    """
    entries = list(log_entries if log_entries is not None else incident.get("log_entries") or [])
    started = require_time(incident.get("created_at"), f"incident {incident.get('id')} created_at")
    acknowledged = _earliest(
        [
            parse_time(e.get("created_at"))
            for e in entries
            if e.get("type") == "acknowledge_log_entry"
        ]
        + [parse_time(a.get("at")) for a in incident.get("acknowledgements") or []]
    )
    status = str(incident.get("status") or "")
    resolved = None
    if status == "resolved":
        resolved = _latest(
            parse_time(e.get("created_at")) for e in entries if e.get("type") == "resolve_log_entry"
        ) or parse_time(incident.get("last_status_change_at"))
    priority = incident.get("priority") or {}
    return IncidentRecord(
        source=SOURCE,
        external_id=str(incident["id"]),
        title=str(incident.get("title") or incident.get("summary") or ""),
        service=str((incident.get("service") or {}).get("summary") or ""),
        severity=str(
            priority.get("summary") or priority.get("name") or incident.get("urgency") or ""
        ),
        started=started,
        detected=acknowledged or started,
        resolved=resolved,
        status=status,
        url=str(incident.get("html_url") or ""),
    )


class PagerDutyClient:
    """A client for a PagerDuty account's incidents (optionally of some services only)."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = "https://api.pagerduty.com",
        service_ids: Sequence[str] = (),
        with_log_entries: bool = True,
        transport: httpx.BaseTransport | None = None,
        http: HttpClient | None = None,
    ) -> None:
        headers = {
            "Accept": "application/vnd.pagerduty+json;version=2",
            "Authorization": f"Token token={token}",
        }
        self.http = http or HttpClient(base_url, headers, transport=transport, secrets=[token])
        self.service_ids = list(service_ids)
        self.with_log_entries = with_log_entries

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()

    def incidents(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> Iterator[IncidentRecord]:
        """Yield incidents created since ``since`` (all time when None), page by page.

        PagerDuty filters by creation: pass a ``since`` early enough to re-read incidents that
        were still open at the last sync. Pages follow ``offset``/``limit`` until ``more`` is
        false.
        """
        params: dict[str, Any] = {"limit": PAGE_SIZE, "total": "false", "sort_by": "created_at:asc"}
        if since is None:
            params["date_range"] = "all"
        else:
            params["since"] = since.isoformat()
            if until is not None:
                params["until"] = until.isoformat()
        if self.service_ids:
            params["service_ids[]"] = self.service_ids
        offset = 0
        while True:
            page = self.http.get_json("/incidents", cast(Any, {**params, "offset": offset}))
            incidents = page.get("incidents") if isinstance(page, dict) else None
            if not isinstance(incidents, list):
                raise MalformedResponse(f"GET {self.http.base_url}/incidents: no incidents list")
            for incident in incidents:
                entries = None
                if self.with_log_entries:
                    entries = self._log_entries(str(incident["id"]))
                yield map_incident(incident, entries)
            if not page.get("more") or not incidents:
                return
            offset += len(incidents)

    def _log_entries(self, incident_id: str) -> list[Any]:
        entries: list[Any] = []
        offset = 0
        while True:
            page = self.http.get_json(
                f"/incidents/{incident_id}/log_entries",
                {"limit": PAGE_SIZE, "offset": offset, "is_overview": "false"},
            )
            chunk = page.get("log_entries") or [] if isinstance(page, dict) else []
            entries.extend(chunk)
            if not page.get("more") or not chunk:
                return entries
            offset += len(chunk)
