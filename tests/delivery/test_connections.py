"""Connections: credentials encrypted and never shown, syncs on demand and on schedule, errors."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.urls import reverse

from leadline.connectors.http import replaying
from leadline.crypto import decrypt
from leadline.delivery.data import start_sync
from leadline.delivery.models import Connection
from leadline.delivery.schedule import due_connections, is_due, start_due_syncs
from leadline.jobs.models import Job, JobStatus
from leadline.jobs.services import run_job
from leadline.workspaces.models import AuditEvent
from leadline.workspaces.services import access_for, create_team

from .test_pages import URLCONF

pytestmark = pytest.mark.urls(URLCONF)
TOKEN = "ghp_VerySecretToken1234567890abcdef"  # noqa: S105 - a test credential


@pytest.fixture
def lead_ws(make_user, make_workspace):
    lead, viewer = make_user("lead"), make_user("viewer")
    ws = make_workspace("Conn", {lead: "lead", viewer: "viewer"})
    team = create_team(access_for(lead, ws.slug), "Web", actor=lead)
    return ws, team, lead, viewer


def _create(client, ws, team, **extra):
    form = {
        "name": "Web repo", "kind": "github", "team": team.pk, "base_url": "",
        "target": "acme/web", "username": "", "credential": TOKEN, "schedule": "hourly", **extra,
    }  # fmt: skip
    return client.post(reverse("connection-new", args=[ws.slug]), form)


def test_a_credential_is_stored_encrypted_and_never_shown_again(lead_ws, client_for, caplog):
    caplog.set_level(logging.DEBUG)
    ws, team, lead, viewer = lead_ws
    client = client_for(lead)
    response = _create(client, ws, team)
    conn = Connection.objects.get(workspace=ws)
    assert response.status_code == 302
    assert response["Location"] == reverse("connection", args=[ws.slug, conn.pk])
    assert conn.secret and conn.secret != TOKEN and TOKEN not in conn.secret
    assert decrypt(conn.secret) == TOKEN
    pages = [
        client.get(reverse("connection", args=[ws.slug, conn.pk])),
        client.get(reverse("delivery-data", args=[ws.slug])),
        client_for(viewer).get(reverse("connection", args=[ws.slug, conn.pk])),
        client.get(reverse("audit", args=[ws.slug])),
    ]
    for page in pages:
        assert page.status_code == 200
        assert TOKEN not in page.content.decode()
    detail = pages[0].content.decode()
    assert "data-credential-state>set<" in detail
    event = AuditEvent.objects.get(workspace=ws, object_type="connection")
    assert TOKEN not in json.dumps(event.changes) and event.changes["credential"][1] == "replaced"
    assert TOKEN not in caplog.text


def test_an_empty_credential_keeps_the_stored_one_and_a_new_one_replaces_it(lead_ws, client_for):
    ws, team, lead, _ = lead_ws
    client = client_for(lead)
    _create(client, ws, team)
    conn = Connection.objects.get(workspace=ws)
    url = reverse("connection", args=[ws.slug, conn.pk])
    edit = {"name": "Renamed", "kind": "github", "team": team.pk, "target": "acme/web",
            "schedule": "daily", "credential": ""}  # fmt: skip
    assert client.post(url, edit).status_code == 302
    conn.refresh_from_db()
    assert conn.name == "Renamed" and decrypt(conn.secret) == TOKEN
    client.post(url, {**edit, "credential": "ghp_another"})
    conn.refresh_from_db()
    assert decrypt(conn.secret) == "ghp_another"
    # A failed edit re-renders the form without the credential typed into it.
    response = client.post(url, {**edit, "target": "", "credential": TOKEN})
    assert response.status_code == 200 and TOKEN not in response.content.decode()
    conn.refresh_from_db()
    assert decrypt(conn.secret) == "ghp_another"


def test_a_source_that_needs_a_credential_is_refused_without_one(lead_ws, client_for):
    ws, team, lead, _ = lead_ws
    response = _create(client_for(lead), ws, team, credential="")
    assert (
        response.status_code == 200
        and "This source needs a credential." in response.content.decode()
    )
    assert not Connection.objects.exists()


def test_a_viewer_cannot_create_edit_sync_or_delete_a_connection(lead_ws, client_for):
    ws, team, lead, viewer = lead_ws
    _create(client_for(lead), ws, team)
    conn = Connection.objects.get(workspace=ws)
    client = client_for(viewer)
    assert _create(client, ws, team, name="Mine").status_code == 403
    assert (
        client.post(reverse("connection", args=[ws.slug, conn.pk]), {"name": "x"}).status_code
        == 403
    )
    assert client.post(reverse("connection-sync", args=[ws.slug, conn.pk])).status_code == 403
    assert client.post(reverse("connection-delete", args=[ws.slug, conn.pk])).status_code == 403
    assert Connection.objects.filter(workspace=ws).count() == 1
    assert not Job.objects.filter(workspace=ws).exists()


def test_a_connection_of_another_workspace_is_not_found(
    lead_ws, make_user, make_workspace, client_for
):
    ws, team, lead, _ = lead_ws
    _create(client_for(lead), ws, team)
    conn = Connection.objects.get(workspace=ws)
    other_lead = make_user("other")
    other = make_workspace("Other", {other_lead: "lead"})
    client = client_for(other_lead)
    assert client.get(reverse("connection", args=[other.slug, conn.pk])).status_code == 404
    assert client.post(reverse("connection-sync", args=[other.slug, conn.pk])).status_code == 404


def _answer(status: int, body: dict, seen: list[httpx.Request]) -> httpx.MockTransport:
    """Answer every outbound request with ``status`` and ``body`` (echoing the auth header)."""

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        echoed = {
            k: v.replace("{auth}", request.headers.get("authorization", ""))
            for k, v in body.items()
        }
        return httpx.Response(status, json=echoed)

    return httpx.MockTransport(answer)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "HTTP 401 — credentials rejected; check the token"),
        (403, "HTTP 403 — forbidden; the credentials are valid but lack permission"),
        (404, "HTTP 404 — not found; check the project, repository or base URL"),
    ],
)
def test_a_failed_sync_shows_the_sources_specific_error_without_the_credential(
    lead_ws, client_for, caplog, status, expected
):
    caplog.set_level(logging.DEBUG)
    ws, team, lead, _ = lead_ws
    client = client_for(lead)
    _create(client, ws, team)
    conn = Connection.objects.get(workspace=ws)
    seen: list[httpx.Request] = []
    response = client.post(reverse("connection-sync", args=[ws.slug, conn.pk]))
    job = Job.objects.get(workspace=ws, kind="delivery.sync")
    assert response["Location"] == reverse("job", args=[ws.slug, job.pk])
    with replaying(_answer(status, {"message": "Bad credentials: {auth}"}, seen)):
        assert run_job(str(job.pk)) == JobStatus.FAILED
    assert seen and TOKEN in seen[0].headers["authorization"]  # it was sent to the source ...
    conn.refresh_from_db()
    assert expected in conn.last_error and "api.github.com" in conn.last_error
    page = client.get(reverse("connection", args=[ws.slug, conn.pk])).content.decode()
    assert "data-last-error" in page and "HTTP " + str(status) in page
    job.refresh_from_db()
    job_page = client.get(reverse("job", args=[ws.slug, job.pk])).content.decode()
    for text in (conn.last_error, job.error, job.log, page, job_page, caplog.text):
        assert TOKEN not in text  # ... and nowhere else


def test_sync_now_does_not_start_a_second_sync_while_one_is_queued(lead_ws, client_for):
    ws, team, lead, _ = lead_ws
    client = client_for(lead)
    _create(client, ws, team)
    conn = Connection.objects.get(workspace=ws)
    first = client.post(reverse("connection-sync", args=[ws.slug, conn.pk]))
    second = client.post(reverse("connection-sync", args=[ws.slug, conn.pk]))
    assert first["Location"] == second["Location"]
    assert Job.objects.filter(kind="delivery.sync").count() == 1


def _conn(ws, name, schedule, synced=None, requested=None):
    return Connection.objects.create(
        workspace=ws, kind="git", name=name, target="/nowhere", schedule=schedule,
        last_synced_at=synced, last_sync_requested_at=requested,
    )  # fmt: skip


NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_a_connection_is_due_by_its_schedule_and_its_last_sync_or_attempt(db, make_workspace):
    ws = make_workspace("Due")
    hour, day = timedelta(hours=1), timedelta(days=1)
    cases = {
        _conn(ws, "manual never synced", "manual"): False,
        _conn(ws, "hourly never synced", "hourly"): True,
        _conn(ws, "hourly synced 59 min ago", "hourly", NOW - hour + timedelta(minutes=1)): False,
        _conn(ws, "hourly synced an hour ago", "hourly", NOW - hour): True,
        _conn(ws, "daily synced 23 h ago", "daily", NOW - day + hour): False,
        _conn(ws, "daily synced 2 days ago", "daily", NOW - 2 * day): True,
        # A failing source: synced long ago but attempted 10 minutes ago waits for its interval.
        _conn(ws, "hourly failing", "hourly", NOW - 2 * day, NOW - timedelta(minutes=10)): False,
    }
    for conn, due in cases.items():
        assert is_due(conn, NOW) is due, conn.name
    assert {c.name for c in due_connections(NOW)} == {c.name for c, d in cases.items() if d}


def test_scheduled_syncs_start_once_and_not_again_while_queued_or_running(db, make_workspace):
    ws = make_workspace("Sched")
    hourly = _conn(ws, "hourly", "hourly", NOW - timedelta(hours=3))
    _conn(ws, "manual", "manual")
    started = start_due_syncs(NOW)
    assert [j.params["connection"] for j in started] == [hourly.pk]
    job = started[0]
    assert job.kind == "delivery.sync" and job.workspace == ws
    assert start_due_syncs(NOW) == []  # claimed: not due again
    # Even if it looks due again (e.g. the clock moved on), a queued sync is not doubled ...
    later = NOW + timedelta(hours=2)
    assert due_connections(later) == [] and start_due_syncs(later) == []
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    assert start_due_syncs(later) == []  # ... nor a running one.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED)
    assert [j.params["connection"] for j in start_due_syncs(later)] == [hourly.pk]
    assert Job.objects.filter(kind="delivery.sync").count() == 2


def test_two_schedulers_with_the_same_stale_view_start_one_sync(db, make_workspace):
    ws = make_workspace("Race")
    conn = _conn(ws, "hourly", "hourly")
    stale = Connection.objects.get(pk=conn.pk)  # what a second worker read before the first claimed
    first, started = start_sync(conn, now=NOW)
    assert started and first is not None
    Job.objects.filter(pk=first.pk).update(status=JobStatus.SUCCEEDED)  # finished in between
    second, started_again = start_sync(stale, now=NOW)
    assert not started_again and second is None
    assert Job.objects.filter(kind="delivery.sync").count() == 1


@pytest.fixture
def internal_service():
    """A service on the server's own network (loopback) that answers 404 with private data."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            body = b'{"message": "redis_version:7.2.4 role:master (internal)"}'
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def test_a_connection_to_an_internal_address_is_refused_and_never_echoes_its_answer(
    lead_ws, client_for, internal_service, monkeypatch
):
    port, seen = internal_service
    ws, team, lead, _ = lead_ws
    client = client_for(lead)
    monkeypatch.delenv("LEADLINE_ALLOWED_INTERNAL_HOSTS", raising=False)
    base = f"http://127.0.0.1:{port}"
    response = _create(client, ws, team, kind="gitlab", base_url=base, target="g/p")
    assert response.status_code == 200 and "an internal address" in response.content.decode()
    assert not Connection.objects.filter(workspace=ws).exists()
    # One stored before the policy existed: its sync is refused before any request is sent.
    conn = Connection.objects.create(
        workspace=ws, kind="gitlab", name="Old", base_url=base, target="g/p", secret=""
    )
    job, _ = start_sync(conn)
    assert run_job(str(job.pk)) == JobStatus.FAILED
    conn.refresh_from_db()
    assert "LEADLINE_ALLOWED_INTERNAL_HOSTS" in conn.last_error and seen == []
    # Allowed by the owner, it is called, and its answer stays out of every message.
    monkeypatch.setenv("LEADLINE_ALLOWED_INTERNAL_HOSTS", "127.0.0.1")
    job, _ = start_sync(conn)
    assert run_job(str(job.pk)) == JobStatus.FAILED
    conn.refresh_from_db()
    job.refresh_from_db()
    assert seen and "HTTP 404 — not found" in conn.last_error
    for text in (conn.last_error, job.error, job.log):
        assert "redis_version" not in text
