"""The delivery data API: connections, syncs, statuses, imports, items, deployments, incidents."""

from __future__ import annotations

import io
import json
import logging
from datetime import UTC, datetime

import pytest

from leadline.crypto import decrypt
from leadline.delivery.models import (
    Connection,
    Deployment,
    Incident,
    StatusMapping,
    Transition,
    WorkItem,
)
from leadline.jobs.models import Job, JobStatus
from leadline.jobs.services import run_job
from leadline.workspaces.services import access_for, create_team

from .test_pages import TRANSITIONS_CSV, URLCONF

pytestmark = pytest.mark.urls(URLCONF)
API = "/api/v1/workspaces"
TOKEN = "glpat-TopSecretValue-0987654321"  # noqa: S105 - a test credential


@pytest.fixture
def api_ws(make_user, make_workspace, api_for):
    lead, viewer = make_user("lead"), make_user("viewer")
    ws = make_workspace("Api", {lead: "lead", viewer: "viewer"})
    team = create_team(access_for(lead, ws.slug), "Core", actor=lead)
    return ws, team, api_for(lead), api_for(viewer)


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def _upload(client, ws, team="", content=TRANSITIONS_CSV, kind="csv"):
    handle = io.BytesIO(content.encode())
    handle.name = "items.csv"
    return client.post(f"{API}/{ws.slug}/imports", {"file": handle, "kind": kind, "team": team})


def test_connections_are_created_listed_and_never_return_the_credential(api_ws, caplog):
    caplog.set_level(logging.DEBUG)
    ws, team, lead, viewer = api_ws
    body = {"kind": "gitlab", "name": "Core MRs", "target": "acme/core", "team": team.slug,
            "base_url": "https://gitlab.example.com", "credential": TOKEN, "schedule": "hourly"}  # fmt: skip
    response = _post(lead, f"{API}/{ws.slug}/connections", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["credential_set"] is True and created["team"] == team.slug
    assert "credential" not in created and "secret" not in created
    conn = Connection.objects.get(pk=created["id"])
    assert conn.secret != TOKEN and decrypt(conn.secret) == TOKEN
    listed = viewer.get(f"{API}/{ws.slug}/connections")
    one = viewer.get(f"{API}/{ws.slug}/connections/{conn.pk}")
    patched = _patch(lead, f"{API}/{ws.slug}/connections/{conn.pk}", {"schedule": "daily"})
    assert (
        patched.json()["schedule"] == "daily" and decrypt(Connection.objects.get().secret) == TOKEN
    )
    bad = _post(lead, f"{API}/{ws.slug}/connections", {**body, "kind": "svn"})
    assert bad.status_code == 422
    for r in (response, listed, one, patched, bad):
        assert TOKEN not in r.content.decode()
    assert [c["name"] for c in listed.json()] == ["Core MRs"]
    assert TOKEN not in caplog.text


def test_a_viewer_cannot_write_and_another_workspace_is_not_found(api_ws, make_user, api_for):
    ws, team, lead, viewer = api_ws
    conn = Connection.objects.create(workspace=ws, kind="git", name="repo", target="/x")
    status = StatusMapping.objects.create(workspace=ws, source="csv", status="Doing")
    writes = [
        lambda c: _post(
            c, f"{API}/{ws.slug}/connections", {"kind": "git", "name": "x", "target": "/x"}
        ),
        lambda c: _patch(c, f"{API}/{ws.slug}/connections/{conn.pk}", {"name": "y"}),
        lambda c: c.post(f"{API}/{ws.slug}/connections/{conn.pk}/sync"),
        lambda c: c.delete(f"{API}/{ws.slug}/connections/{conn.pk}"),
        lambda c: _patch(c, f"{API}/{ws.slug}/statuses/{status.pk}", {"category": "active"}),
        lambda c: _upload(c, ws),
    ]
    for write in writes:
        assert write(viewer).status_code == 403
    outsider = api_for(make_user("outsider"))
    reads = ["connections", f"connections/{conn.pk}", "statuses", "quality", "items",
             "items/X-1", "deployments", "incidents"]  # fmt: skip
    for path in reads:
        assert outsider.get(f"{API}/{ws.slug}/{path}").status_code == 404, path
    for write in writes:
        assert write(outsider).status_code == 404
    assert not Job.objects.exists() and Connection.objects.get().name == "repo"
    assert StatusMapping.objects.get().category is None


def test_sync_returns_202_with_the_job_and_the_same_job_while_it_runs(api_ws):
    ws, _, lead, _ = api_ws
    conn = Connection.objects.create(workspace=ws, kind="git", name="repo", target="/nowhere")
    first = lead.post(f"{API}/{ws.slug}/connections/{conn.pk}/sync")
    again = lead.post(f"{API}/{ws.slug}/connections/{conn.pk}/sync")
    assert first.status_code == 202 and first.json()["kind"] == "delivery.sync"
    assert again.json()["id"] == first.json()["id"]
    assert run_job(first.json()["id"]) == JobStatus.FAILED
    conn.refresh_from_db()
    assert "/nowhere" in conn.last_error
    assert (
        lead.get(f"{API}/{ws.slug}/connections/{conn.pk}").json()["last_error"] == conn.last_error
    )


def test_an_upload_imports_and_items_come_back_with_status_category_and_history(
    api_ws, settings, tmp_path
):
    settings.HOME = tmp_path
    ws, team, lead, viewer = api_ws
    response = _upload(lead, ws, team.slug)
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["kind"] == "delivery.import" and job["status"] == "queued"
    assert run_job(job["id"]) == JobStatus.SUCCEEDED
    items = viewer.get(f"{API}/{ws.slug}/items", {"team": team.slug}).json()
    assert {(i["key"], i["status"], i["category"]) for i in items} == {
        ("PG-1", "Shipped", "done"), ("PG-2", "Doing", "active")
    }  # fmt: skip
    assert viewer.get(f"{API}/{ws.slug}/items", {"status": "Doing"}).json()[0]["key"] == "PG-2"
    assert len(viewer.get(f"{API}/{ws.slug}/items", {"limit": 1}).json()) == 1
    assert viewer.get(f"{API}/{ws.slug}/items", {"team": "nope"}).status_code == 404
    detail = viewer.get(f"{API}/{ws.slug}/items/PG-1").json()
    assert [t["to_status"] for t in detail["transitions"]] == [
        "To Do",
        "Doing",
        "Peer Review",
        "Shipped",
    ]
    assert viewer.get(f"{API}/{ws.slug}/items/NOPE-1").status_code == 404


def test_an_upload_of_an_unknown_kind_or_empty_file_is_refused(api_ws, settings, tmp_path):
    settings.HOME = tmp_path
    ws, _, lead, _ = api_ws
    wrong = _upload(lead, ws, kind="xlsx")
    assert wrong.status_code == 422 and "Unknown kind 'xlsx'" in wrong.content.decode()
    empty = _upload(lead, ws, content="")
    assert empty.status_code == 422 and "The file is empty." in empty.content.decode()
    assert not Job.objects.exists()


def test_statuses_are_listed_and_a_patch_maps_one_and_marks_it_edited(api_ws):
    ws, _, lead, viewer = api_ws
    doing = StatusMapping.objects.create(workspace=ws, source="csv", status="Doing")
    StatusMapping.objects.create(workspace=ws, source="csv", status="Done", category="done")
    listed = viewer.get(f"{API}/{ws.slug}/statuses").json()
    assert {s["status"]: s["category"] for s in listed} == {"Doing": None, "Done": "done"}
    assert [s["status"] for s in viewer.get(f"{API}/{ws.slug}/statuses?unmapped=true").json()] == [
        "Doing"
    ]
    url = f"{API}/{ws.slug}/statuses/{doing.pk}"
    patched = _patch(lead, url, {"category": "active", "waiting": True}).json()
    assert (patched["category"], patched["waiting"], patched["edited"]) == ("active", True, True)
    assert _patch(lead, url, {"waiting": False}).json()["category"] == "active"
    assert _patch(lead, url, {"category": "unmapped"}).json()["category"] is None
    assert _patch(lead, url, {"category": "finished"}).status_code == 422


def test_deployments_and_incidents_are_listed_newest_first(api_ws):
    ws, team, _, viewer = api_ws
    for n in (1, 2):
        Deployment.objects.create(
            workspace=ws, team=team, source="csv", external_id=f"d{n}", service="web",
            environment="production", status="success", is_production=True,
            finished=datetime(2024, 3, n, tzinfo=UTC),
        )  # fmt: skip
    Incident.objects.create(workspace=ws, source="csv", external_id="i1", service="web",
                            started=datetime(2024, 3, 3, tzinfo=UTC))  # fmt: skip
    deployments = viewer.get(f"{API}/{ws.slug}/deployments").json()
    assert [d["external_id"] for d in deployments] == ["d2", "d1"]
    assert deployments[0]["team"] == team.slug and deployments[0]["is_production"]
    assert (
        viewer.get(f"{API}/{ws.slug}/deployments", {"team": team.slug, "limit": 1}).json()[0][
            "external_id"
        ]
        == "d2"
    )
    incidents = viewer.get(f"{API}/{ws.slug}/incidents").json()
    assert incidents[0]["external_id"] == "i1" and incidents[0]["team"] is None


def test_every_delivery_endpoint_is_in_the_openapi_description(api_ws):
    _, _, lead, _ = api_ws
    paths = lead.get("/api/v1/openapi.json").json()["paths"]
    for path in ["connections", "connections/{connection_id}", "connections/{connection_id}/sync",
                 "statuses", "statuses/{status_id}", "quality", "imports", "items",
                 "items/{key}", "deployments", "incidents"]:  # fmt: skip
        assert f"/api/v1/workspaces/{{workspace}}/{path}" in paths, path
    schema = json.dumps(
        lead.get("/api/v1/openapi.json").json()["components"]["schemas"]["ConnectionOut"]
    )
    assert "credential_set" in schema and "secret" not in schema


def test_item_keys_with_slashes_resolve(api_ws):
    ws, _, _, viewer = api_ws
    item = WorkItem.objects.create(workspace=ws, source="github", key="acme/web#12",
                                   created=datetime(2024, 3, 1, tzinfo=UTC), status="open")  # fmt: skip
    Transition.objects.create(
        item=item, seq=0, at=datetime(2024, 3, 1, tzinfo=UTC), to_status="open"
    )
    got = viewer.get(f"{API}/{ws.slug}/items/acme/web%2312").json()
    assert got["key"] == "acme/web#12" and len(got["transitions"]) == 1
