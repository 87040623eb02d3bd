"""The concentration pages and API: the same services, the same access rules; the CLI (no
server, all authors) and the API (people still here) agree when everyone is still here."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from leadline.concentration.models import AreaResult


def test_the_area_table_shows_areas_and_links_its_json_twin(world, client_for):
    page = client_for(world.viewer).get(f"/w/{world.workspace.slug}/concentration/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-area="shop/payments"' in html and "CHK-1" in html
    assert 'rel="alternate"' in page["Link"]
    assert "Recompute now" not in html  # viewers do not recompute


def test_only_a_lead_recomputes(world, client_for):
    url = f"/w/{world.workspace.slug}/concentration/"
    assert client_for(world.member).post(url).status_code == 403
    r = client_for(world.lead).post(url)
    assert (
        r.status_code == 302 and AreaResult.objects.filter(workspace=world.workspace).count() == 4
    )


def test_the_area_page_and_the_if_x_leaves_page(world, client_for):
    c = client_for(world.viewer)
    ws = world.workspace.slug
    page = c.get(f"/w/{ws}/concentration/area/", {"repository": "shop", "area": "payments"})
    assert page.status_code == 200 and "Alice Smith" in page.content.decode()
    assert (
        c.get(f"/w/{ws}/concentration/area/", {"repository": "shop", "area": "x"}).status_code
        == 404
    )
    alice = world.people["Alice Smith"].pk
    html = c.get(f"/w/{ws}/concentration/leaves/", {"person": alice}).content.decode()
    assert "If Alice Smith leaves" in html and "data-last-author" in html
    assert c.get(f"/w/{ws}/concentration/leaves/", {"person": "x"}).status_code == 404


def test_a_bad_share_is_named_on_the_page_and_refused_by_the_api(world, client_for, api_for):
    html = client_for(world.viewer).get(f"/w/{world.workspace.slug}/concentration/",
                                        {"share": "20"}).content.decode()  # fmt: skip
    assert "share: Use a whole number from 50 to 100." in html
    r = api_for(world.viewer).get(f"/api/v1/workspaces/{world.workspace.slug}/concentration",
                                  {"share": "20"})  # fmt: skip
    assert r.status_code == 422 and "share" in r.content.decode()


def test_other_workspaces_are_not_found(world, make_user, client_for, api_for):
    from leadline.workspaces.models import Person
    from leadline.workspaces.services import set_membership

    stranger = make_user("sue")
    set_membership(world.other, stranger, "owner")
    ws = world.workspace.slug
    assert client_for(stranger).get(f"/w/{ws}/concentration/").status_code == 404
    assert api_for(stranger).get(f"/api/v1/workspaces/{ws}/concentration").status_code == 404
    outsider = Person.objects.create(workspace=world.other, name="Olga")
    r = api_for(world.lead).get(f"/api/v1/workspaces/{ws}/concentration/leaves/{outsider.pk}")
    assert r.status_code == 404
    r = api_for(world.member).post(f"/api/v1/workspaces/{ws}/concentration/refresh")
    assert r.status_code == 403


def test_the_api_answers_from_the_same_service(world, api_for):
    ws = world.workspace.slug
    data = api_for(world.viewer).get(f"/api/v1/workspaces/{ws}/concentration").json()
    assert {a["area"]: a["truck_factor"] for a in data["areas"]} == {
        "legacy": 0, "payments": 1, "basket": 2}  # fmt: skip
    alice = world.people["Alice Smith"].pk
    out = api_for(world.viewer).get(f"/api/v1/workspaces/{ws}/concentration/leaves/{alice}").json()
    assert out["areas"][0]["area"] == "payments" and out["areas"][0]["last_author"] is True
    r = api_for(world.lead).post(f"/api/v1/workspaces/{ws}/concentration/refresh")
    assert r.status_code == 200 and r.json()["problems"] == []


def test_the_cli_and_the_api_agree(world, api_for):
    from leadline.cli.main import app

    world.people["Carol White"].active = True  # everyone still here: the same set of authors
    world.people["Carol White"].save()
    ws = world.workspace.slug
    api = api_for(world.lead).post(f"/api/v1/workspaces/{ws}/concentration/refresh").json()
    areas = ["basket", "legacy", "payments"]
    args = ["concentration", str(world.repo.path), "--json"]
    for a in areas:
        args += ["--area", a]
    cli = json.loads(CliRunner().invoke(app, args).stdout)

    def plain(row):
        return (row["truck_factor"], row["files"],
                [(a["name"], a["files"]) for a in row["authors"]])  # fmt: skip

    [repo] = api["repositories"]
    assert plain(repo) == plain(cli)
    by_area = {a["area"]: a for a in api["areas"]}
    assert [plain(by_area[a]) for a in areas] == [plain(c) for c in cli["areas"]]
    assert plain(cli) == (1, 7, [("Alice Smith", 4), ("Bob Jones", 2), ("Carol White", 1)])


def test_the_page_shows_finishers_and_a_teams_pace_from_k(world, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from leadline.delivery.models import WorkItem
    from leadline.pulse.models import PulseSettings

    now = timezone.now()
    for i in range(5):
        WorkItem.objects.create(workspace=world.workspace, team=world.team, source="jira",
                                key=f"CHK-{20 + i}", type="Story", epic_key="CHK-1",
                                title="s", created=now, status="Done",
                                resolved=now - timedelta(days=2),
                                assignees=["Bob Jones" if i < 4 else "Alice Smith"])  # fmt: skip
    url = f"/w/{world.workspace.slug}/concentration/"
    html = client_for(world.viewer).get(url).content.decode()
    assert "<td>epic CHK-1 · Payment provider migration</td>" in html and "80 %" in html
    assert "data-pace" not in html  # Checkout has 3 active people, k is 5
    from leadline.concentration import services
    from leadline.concentration.models import CodeCommit

    CodeCommit.objects.create(workspace=world.workspace, repository="app", sha="x1",
                              author_name="Bob Jones", authored=now - timedelta(days=8),
                              files=[["A", "x.py"]])  # fmt: skip
    services.refresh(world.workspace, now)
    PulseSettings.objects.create(workspace=world.workspace, min_group_size=3)
    html = client_for(world.viewer).get(url).content.decode()
    assert "data-pace" in html and "<td>Checkout</td>" in html
