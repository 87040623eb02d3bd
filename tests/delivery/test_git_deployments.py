"""Tags of a git repository count as production deployments when they match a pattern, so DORA
fills in from a repository alone; otherwise the DORA page says what it really needs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from typer.testing import CliRunner

from leadline.cli import app
from leadline.dashboards.dora import dora
from leadline.dashboards.scope import Scope
from leadline.delivery.data import start_sync
from leadline.delivery.models import Connection, Deployment, Release
from leadline.jobs.services import run_job
from leadline.workspaces.models import Role
from tests.connectors.git.test_repository import RepoBuilder

pytestmark = pytest.mark.django_db
JAN = (date(2024, 1, 1), date(2024, 1, 31))


@pytest.fixture
def shop(tmp_path: Path) -> dict[str, str]:
    """A repository with two v* release tags, a release-* tag and a docs tag."""
    (tmp_path / "shop").mkdir()
    b = RepoBuilder(tmp_path / "shop")
    shas = {"c1": b.commit("initial", "2024-01-02T10:00:00+00:00")}
    b.run("tag", "v1.0")  # lightweight: dated by its commit
    shas["c2"] = b.commit("checkout", "2024-01-08T10:00:00+00:00")
    shas["c3"] = b.commit("payments", "2024-01-09T10:00:00+00:00")
    b.run("tag", "-a", "v1.1", "-m", "release 1.1", when="2024-01-10T08:00:00+00:00")
    shas["c4"] = b.commit("docs", "2024-01-11T10:00:00+00:00")
    b.run("tag", "docs-1")
    shas["c5"] = b.commit("search", "2024-01-15T10:00:00+00:00")
    b.run("tag", "-a", "release-3", "-m", "release 3", when="2024-01-16T08:00:00+00:00")
    return {**shas, "path": str(b.path)}


@pytest.fixture
def lead(make_user, make_workspace):
    user = make_user("lead")
    return make_workspace("Git", {user: Role.LEAD}), user


def _import(workspace, path: str, *extra: str) -> None:
    result = CliRunner().invoke(
        app, ["import", "git", path, "--workspace", workspace.slug, "--team", "web", *extra]
    )
    assert result.exit_code == 0, result.output


def test_v_tags_are_production_deployments_by_default_and_fill_dora(lead, shop):
    workspace, _ = lead
    _import(workspace, shop["path"])
    deployments = Deployment.objects.filter(workspace=workspace).order_by("finished")
    assert [d.ref for d in deployments] == ["v1.0", "v1.1"]
    first, second = deployments
    assert all(d.is_production and d.status == "success" for d in deployments)
    assert {d.service for d in deployments} == {"shop"}
    assert first.team and first.team.slug == "web"
    assert second.change_ids == [shop["c3"], shop["c2"]]  # the commits since v1.0
    assert Release.objects.filter(workspace=workspace).count() == 4  # every tag is a release
    data = dora(Scope(workspace, None, *JAN))
    assert data["range"]["production_deployments"] == 2
    assert data["range"]["deployment_frequency"]["value"] == pytest.approx(2 / 5)
    # Lead time for changes: each commit's authored time to the tag that shipped it.
    assert data["range"]["lead_time_for_changes"]["value"] is not None


def test_the_pattern_chooses_which_tags_are_deployments(lead, shop):
    workspace, _ = lead
    _import(workspace, shop["path"], "--deploy-tags", "release-*")
    assert list(Deployment.objects.values_list("ref", flat=True)) == ["release-3"]
    assert Deployment.objects.get().change_ids == [shop["c5"], shop["c4"], shop["c3"],
                                                   shop["c2"], shop["c1"]]  # fmt: skip


def test_without_matching_tags_the_dora_page_says_what_it_needs(lead, shop, client_for):
    workspace, user = lead
    _import(workspace, shop["path"], "--deploy-tags", "")
    assert not Deployment.objects.exists() and Release.objects.count() == 4
    page = (
        client_for(user)
        .get(f"/w/{workspace.slug}/delivery/dora/?start=2024-01-01&end=2024-01-31")
        .content.decode()
    )
    assert 'data-empty-state="dora"' in page
    assert "successful production deployments" in page
    assert "--deploy-tags" in page and "Tags that are deployments" in page
    assert "4 releases are imported here, but a release is not a deployment" in page


def test_a_git_connection_has_a_deployment_tag_pattern(lead, shop, client_for, api_for):
    workspace, user = lead
    response = client_for(user).post(
        reverse("connection-new", args=[workspace.slug]),
        {"name": "Shop", "kind": "git", "team": "", "base_url": "", "target": shop["path"],
         "username": "", "credential": "", "schedule": "manual", "deploy_tags": "release-*"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    connection = Connection.objects.get(workspace=workspace)
    assert connection.deploy_tags == "release-*"
    job, started = start_sync(connection, user)
    assert started and job is not None and run_job(str(job.pk)) == "succeeded"
    assert list(Deployment.objects.values_list("ref", flat=True)) == ["release-3"]
    # The API reads and changes it too; a new connection defaults to v*.
    api = api_for(user)
    url = f"/api/v1/workspaces/{workspace.slug}/connections"
    assert api.get(f"{url}/{connection.pk}").json()["deploy_tags"] == "release-*"
    created = api.post(
        url,
        {"kind": "git", "name": "Other", "target": shop["path"]},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["deploy_tags"] == "v*"
