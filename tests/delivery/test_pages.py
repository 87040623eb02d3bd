"""Delivery data pages: imports and connections, workflow mapping, data quality."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, include, path, reverse
from django.utils.html import escape

from leadline import urls as project_urls
from leadline.delivery.models import ImportProblem, StatusMapping, Transition, WorkItem
from leadline.demo.builder import DEMO_SLUG, build_demo, demo_user
from leadline.jobs.models import Job, JobStatus
from leadline.jobs.services import run_job
from leadline.workspaces.models import AuditEvent, Team
from leadline.workspaces.services import access_for, create_team


def _missing_dashboards() -> list[str]:
    # The dashboards (another feature) fill these tab names in; until they exist, the tabs
    # point at a placeholder so these pages can be tested on their own.
    missing = []
    for name in ("delivery", "dora", "portfolio", "forecasts"):
        try:
            reverse(name, args=["x"], urlconf=project_urls)
        except NoReverseMatch:
            missing.append(name)
    return missing


def _placeholder(request, ws):  # pragma: no cover - only rendered into links
    from django.http import HttpResponse

    return HttpResponse("")


urlpatterns = list(project_urls.urlpatterns) + [
    path(
        "w/<slug:ws>/",
        include([path(f"_{n}/", _placeholder, name=n) for n in _missing_dashboards()]),
    )
]
# Used by every module of the delivery data tests (and the browser test).
URLCONF = __name__
pytestmark = pytest.mark.urls(URLCONF)

TRANSITIONS_CSV = (
    "key,title,type,created,status,at,category\n"
    "PG-1,First,Story,2024-03-01,To Do,2024-03-01T09:00:00Z,backlog\n"
    "PG-1,First,Story,2024-03-01,Doing,2024-03-02T09:00:00Z,active\n"
    "PG-1,First,Story,2024-03-01,Peer Review,2024-03-03T09:00:00Z,\n"
    "PG-1,First,Story,2024-03-01,Shipped,2024-03-04T09:00:00Z,done\n"
    "PG-2,Second,Bug,2024-03-05,To Do,2024-03-05T09:00:00Z,backlog\n"
    "PG-2,Second,Bug,2024-03-05,Doing,2024-03-06T09:00:00Z,active\n"
)


@pytest.fixture
def demo(db):
    build_demo()
    return demo_user()


@pytest.fixture
def team_ws(make_user, make_workspace):
    lead, viewer = make_user("lead"), make_user("viewer")
    ws = make_workspace("Pages", {lead: "lead", viewer: "viewer"})
    team = create_team(access_for(lead, ws.slug), "Payments", actor=lead)
    return ws, team, lead, viewer


def _upload(client, ws, team, content=TRANSITIONS_CSV, kind="csv", name="items.csv"):
    return client.post(
        reverse("delivery-data", args=[ws.slug]),
        {"kind": kind, "team": team.pk if team else "", "file": _file(content, name)},
    )


def _file(content: str, name: str) -> io.BytesIO:
    handle = io.BytesIO(content.encode())
    handle.name = name
    return handle


@pytest.mark.parametrize("name", ["delivery-data", "workflow", "quality"])
def test_each_data_page_renders_on_the_demo_workspace_with_the_delivery_tabs(
    demo, client_for, name
):
    response = client_for(demo).get(reverse(name, args=[DEMO_SLUG]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-tab="delivery-data"' in html and 'data-tab="quality"' in html
    assert f'data-tab="{name}" ' not in html or "active" in html


def test_the_demo_workflow_page_lists_every_status_by_source(demo, client_for):
    html = client_for(demo).get(reverse("workflow", args=[DEMO_SLUG])).content.decode()
    for mapping in StatusMapping.objects.filter(workspace__slug=DEMO_SLUG)[:20]:
        assert f'data-status="{escape(mapping.status)}"' in html


def test_the_quality_page_follows_the_team_switcher(demo, client_for):
    client = client_for(demo)
    team = Team.objects.filter(workspace__slug=DEMO_SLUG).first()
    html = client.get(reverse("quality", args=[DEMO_SLUG]) + f"?team={team.slug}").content.decode()
    assert f"Data quality · {team.name}" in html
    items = WorkItem.objects.filter(workspace__slug=DEMO_SLUG, team=team).count()
    assert f'data-stat="items">{items}<' in html
    for check in ("moved_backwards", "unmapped_statuses", "rejected_rows"):
        assert f'data-check="{check}"' in html


def test_a_lead_uploads_a_csv_which_imports_in_a_job_with_progress(
    team_ws, client_for, settings, tmp_path
):
    settings.HOME = tmp_path
    ws, team, lead, _ = team_ws
    response = _upload(client_for(lead), ws, team, name="../../etc/evil name.csv")
    job = Job.objects.get(workspace=ws, kind="delivery.import")
    assert response.status_code == 302
    assert response["Location"] == reverse("job", args=[ws.slug, job.pk])
    stored = job.params["path"]
    assert stored.startswith(str(tmp_path / "uploads" / ws.slug)) and ".." not in stored
    assert stored.endswith("-evil-name.csv") and len(Path(stored).name) <= 32
    assert run_job(str(job.pk)) == JobStatus.SUCCEEDED
    items = WorkItem.objects.filter(workspace=ws, team=team)
    assert sorted(items.values_list("key", flat=True)) == ["PG-1", "PG-2"]
    assert Transition.objects.filter(item__workspace=ws).count() == 6
    page = client_for(lead).get(reverse("delivery-data", args=[ws.slug])).content.decode()
    assert job.title in page
    assert AuditEvent.objects.filter(workspace=ws, action="import").exists()


def test_an_upload_over_the_limit_is_refused_with_the_limit_named(
    team_ws, client_for, settings, tmp_path
):
    settings.HOME, settings.UPLOAD_MAX_MB = tmp_path, 1
    ws, team, lead, _ = team_ws
    big = "key,created\n" + "X-1,2024-01-01\n" * 80_000
    response = _upload(client_for(lead), ws, team, content=big)
    assert response.status_code == 200
    assert "the limit is 1 MB" in response.content.decode()
    assert not Job.objects.filter(workspace=ws).exists()
    assert not list((tmp_path / "uploads").rglob("*.csv"))


def test_rejected_rows_are_listed_on_the_imports_page(team_ws, client_for, settings, tmp_path):
    settings.HOME = tmp_path
    ws, team, lead, _ = team_ws
    content = "key,created,started,finished\nOK-1,2024-03-01,2024-03-02,2024-03-03\n" \
              "BAD-1,2024-03-10,2024-03-02,2024-03-03\n"  # fmt: skip
    _upload(client_for(lead), ws, team, content=content)
    run_job(str(Job.objects.get(workspace=ws).pk))
    assert ImportProblem.objects.filter(workspace=ws).count() == 1
    html = client_for(lead).get(reverse("delivery-data", args=[ws.slug])).content.decode()
    problem = ImportProblem.objects.get(workspace=ws)
    assert problem.location in html and "line 3" in problem.location


def test_the_csv_columns_are_documented_with_a_template_per_kind(team_ws, client_for):
    ws, _, _, viewer = team_ws
    client = client_for(viewer)
    html = client.get(reverse("delivery-data", args=[ws.slug])).content.decode()
    for kind in ("work_items", "transitions", "deployments", "incidents"):
        assert f'data-template="{kind}"' in html
    assert "<code>story_points</code>" in html
    response = client.get(reverse("delivery-template", args=[ws.slug, "deployments"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="leadline-deployments.csv"'
    header = response.content.decode().splitlines()[0].split(",")
    assert header[0] == "id" and "environment" in header
    assert client.get(reverse("delivery-template", args=[ws.slug, "nope"])).status_code == 404


def test_a_viewer_can_read_the_pages_but_not_upload_map_or_connect(
    team_ws, client_for, settings, tmp_path
):
    settings.HOME = tmp_path
    ws, team, _, viewer = team_ws
    client = client_for(viewer)
    for name in ("delivery-data", "workflow", "quality"):
        assert client.get(reverse(name, args=[ws.slug])).status_code == 200
    assert _upload(client, ws, team).status_code == 403
    status = StatusMapping.objects.create(workspace=ws, source="csv", status="Doing")
    mapping_url = reverse("workflow-mapping", args=[ws.slug, status.pk])
    assert client.post(mapping_url, {"category": "active"}).status_code == 403
    assert client.get(reverse("connection-new", args=[ws.slug])).status_code == 403
    new = {"name": "x", "kind": "git", "target": "/tmp", "schedule": "manual"}
    assert client.post(reverse("connection-new", args=[ws.slug]), new).status_code == 403
    assert not Job.objects.filter(workspace=ws).exists()
    status.refresh_from_db()
    assert status.category is None and not status.edited


def test_another_workspace_is_not_found_on_every_page(team_ws, make_user, client_for):
    ws, _, _, _ = team_ws
    outsider = client_for(make_user("outsider"))
    status = StatusMapping.objects.create(workspace=ws, source="csv", status="Doing")
    for name, args in [
        ("delivery-data", []), ("workflow", []), ("quality", []), ("quality-json", []),
        ("connection-new", []), ("delivery-template", ["work_items"]),
    ]:  # fmt: skip
        assert outsider.get(reverse(name, args=[ws.slug, *args])).status_code == 404
    assert (
        outsider.post(reverse("workflow-mapping", args=[ws.slug, status.pk]), {}).status_code == 404
    )


def test_a_lead_maps_an_unmapped_status_and_the_mapping_survives_a_reimport(
    team_ws, client_for, settings, tmp_path
):
    settings.HOME = tmp_path
    ws, team, lead, _ = team_ws
    client = client_for(lead)
    _upload(client, ws, team)
    run_job(str(Job.objects.get(workspace=ws).pk))
    review = StatusMapping.objects.get(workspace=ws, status="Peer Review")
    assert review.category is None
    html = client.get(reverse("workflow", args=[ws.slug])).content.decode()
    assert "data-unmapped-count>1<" in html and "left out of every metric until mapped" in html
    response = client.post(
        reverse("workflow-mapping", args=[ws.slug, review.pk]),
        {"category": "active", "waiting": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'data-category="active"' in response.content.decode()
    review.refresh_from_db()
    assert (review.category, review.waiting, review.edited) == ("active", True, True)
    event = AuditEvent.objects.get(workspace=ws, object_type="statusmapping")
    assert event.changes == {"category": [None, "active"], "waiting": [False, True]}
    doing = StatusMapping.objects.get(workspace=ws, status="Doing")
    client.post(reverse("workflow-mapping", args=[ws.slug, doing.pk]), {"category": "backlog"})
    # The same file again (its category column says Doing is active): the edits stay.
    _upload(client, ws, team)
    run_job(str(Job.objects.filter(workspace=ws).first().pk))
    review.refresh_from_db()
    doing.refresh_from_db()
    assert (review.category, review.waiting) == ("active", True)
    assert doing.category == "backlog" and doing.edited
    assert (
        "data-unmapped-count"
        not in client.get(reverse("workflow", args=[ws.slug])).content.decode()
    )


def test_a_jira_agile_metrics_config_maps_the_statuses_it_names(team_ws, client_for):
    ws, _, lead, _ = team_ws
    for name in ("Open", "In Dev", "QA", "Closed", "Mystery"):
        StatusMapping.objects.create(workspace=ws, source="jira", status=name)
    config = (
        "Connection:\n  Domain: https://example.atlassian.net\n"
        "Workflow:\n  Backlog: Open\n  Development: [In Dev]\n  Test:\n    - qa\n  Done: Closed\n"
    )
    handle = _file(config, "config.yml")
    response = client_for(lead).post(reverse("workflow-jam", args=[ws.slug]), {"config": handle})
    assert response.status_code == 302
    got = dict(StatusMapping.objects.filter(workspace=ws).values_list("status", "category"))
    assert got == {"Open": "backlog", "In Dev": "active", "QA": "active", "Closed": "done",
                   "Mystery": None}  # fmt: skip
    assert StatusMapping.objects.filter(workspace=ws, edited=True).count() == 4


def test_a_config_without_a_workflow_says_what_is_wrong(team_ws, client_for):
    ws, _, lead, _ = team_ws
    client = client_for(lead)
    handle = _file("Connection: {}\n", "mine.yml")
    response = client.post(reverse("workflow-jam", args=[ws.slug]), {"config": handle}, follow=True)
    assert (
        "mine.yml: &#x27;Workflow&#x27; must map at least two columns" in response.content.decode()
    )


def test_quality_json_has_each_check_with_meaning_count_and_linked_examples(team_ws, client_for):
    ws, team, lead, _ = team_ws
    from datetime import UTC, datetime

    item = WorkItem.objects.create(
        workspace=ws, team=team, source="csv", key="Q-1", url="https://tracker.example/Q-1",
        created=datetime(2024, 3, 1, tzinfo=UTC), status="Done",
    )  # fmt: skip
    StatusMapping.objects.create(workspace=ws, source="csv", status="Done", category="done")
    Transition.objects.create(
        item=item, seq=0, at=datetime(2024, 3, 2, tzinfo=UTC), to_status="Done"
    )
    client = client_for(lead)
    report = client.get(reverse("quality-json", args=[ws.slug]) + f"?team={team.slug}").json()
    assert report["team"] == team.slug and report["items"] == 1
    checks = {c["check"]: c for c in report["checks"]}
    never = checks["finished_never_started"]
    assert never["count"] == 1 and never["meaning"]
    assert never["examples"] == [
        {
            "key": "Q-1",
            "detail": "went to done with no active stage",
            "url": "https://tracker.example/Q-1",
        }
    ]
    html = client.get(reverse("quality", args=[ws.slug])).content.decode()
    assert '<a href="https://tracker.example/Q-1"' in html


def test_an_item_url_that_is_not_a_web_link_is_not_linked(team_ws, client_for):
    ws, team, lead, _ = team_ws
    from datetime import UTC, datetime

    item = WorkItem.objects.create(
        workspace=ws, source="csv", key="X-1", url="javascript:alert(1)",
        created=datetime(2024, 3, 1, tzinfo=UTC), status="Done",
    )  # fmt: skip
    StatusMapping.objects.create(workspace=ws, source="csv", status="Done", category="done")
    Transition.objects.create(
        item=item, seq=0, at=datetime(2024, 3, 2, tzinfo=UTC), to_status="Done"
    )
    html = client_for(lead).get(reverse("quality", args=[ws.slug])).content.decode()
    assert "javascript:alert" not in html and 'data-example="X-1"' in html
