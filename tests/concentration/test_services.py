"""Concentration in a workspace: people still here, areas and epics, "if X leaves", finishers.

The repository (conftest.build_repo), by hand: 7 files. payments/ (3 files) Alice alone;
basket/ add.py Alice, total.py Bob; legacy/old.py Carol, who has left; README.md Bob.
Over the people still here: Alice 4 files, Bob 2, legacy orphaned from the start (1 of 7);
Alice leaves: 5 of 7 orphaned (> 3.5): truck factor 1. basket: 1 each, TF 2. payments: TF 1.
legacy: no author still here, 1 of 1 orphaned: TF 0, one author left out.
"""

from __future__ import annotations

from datetime import date, timedelta

from leadline.concentration import services, workload
from leadline.concentration.models import AreaResult, CodeCommit

from .conftest import NOW


def _areas(world):
    data = services.overview(world.workspace, NOW)
    return data, {a["area"]: a for a in data["areas"]}


def test_truck_factors_count_only_people_still_here(world):
    data, areas = _areas(world)
    [repo] = data["repositories"]
    alice, bob = world.people["Alice Smith"].pk, world.people["Bob Jones"].pk
    assert (repo["repository"], repo["truck_factor"], repo["files"], repo["left_out"]) == (
        "shop", 1, 7, 1)  # fmt: skip
    assert repo["authors"] == [
        {"name": "Alice Smith", "person": alice, "files": 4, "sole": 4},
        {"name": "Bob Jones", "person": bob, "files": 2, "sole": 2},
    ]
    assert {k: (a["truck_factor"], a["files"], a["left_out"]) for k, a in areas.items()} == {
        "basket": (2, 2, 0), "legacy": (0, 1, 1), "payments": (1, 3, 0)}  # fmt: skip
    assert [a["area"] for a in data["areas"]] == ["legacy", "payments", "basket"]  # fewest first
    assert areas["legacy"]["authors"] == []


def test_areas_are_linked_to_epics_through_commit_subjects(world):
    _, areas = _areas(world)
    assert [e["key"] for e in areas["payments"]["epics"]] == ["CHK-1"]
    assert areas["payments"]["epics"][0]["open"] is True
    assert areas["payments"]["work_items"] == 1  # CHK-2
    assert areas["basket"]["epics"] == [] and areas["basket"]["work_items"] == 1  # CHK-3
    row = AreaResult.objects.get(workspace=world.workspace, area="payments")
    assert row.work_items == ["CHK-2"] and row.computed_at == NOW


def test_if_alice_leaves_payments_loses_its_last_author_and_its_forecast_shows(world):
    from leadline.changes.models import ChangeRequest

    cr = ChangeRequest.objects.create(workspace=world.workspace, team=world.team,
                                      title="Provider deadline", added_items=2,
                                      scope_epics="CHK-1", target_date=date(2026, 4, 30))  # fmt: skip
    out = services.if_leaves(world.workspace, NOW, world.people["Alice Smith"])
    assert [(a["area"], a["orphaned"], a["last_author"]) for a in out["areas"]] == [
        ("payments", 3, True), ("basket", 1, False)]  # fmt: skip
    assert out["areas"][0]["forecasts"] == [
        {"id": cr.pk, "title": "Provider deadline", "target_date": date(2026, 4, 30)}]  # fmt: skip
    assert services.if_leaves(world.workspace, NOW, world.people["Lena Lead"])["areas"] == []


def test_someone_leaving_is_taken_out_at_the_next_refresh(world):
    services.overview(world.workspace, NOW)
    bob = world.people["Bob Jones"]
    bob.active = False
    bob.save()
    services.refresh(world.workspace, NOW)
    _, areas = _areas(world)
    assert areas["basket"]["truck_factor"] == 1 and areas["basket"]["left_out"] == 1


def test_stored_commits_are_read_like_a_repository(world):
    from leadline.delivery.models import Connection

    Connection.objects.filter(workspace=world.workspace).delete()
    for n, (who, files) in enumerate([("Alice Smith", [["A", "api/a.py"], ["A", "api/b.py"]]),
                                      ("Bob Jones", [["R", "api/c.py", "api/b.py"]])]):  # fmt: skip
        CodeCommit.objects.create(workspace=world.workspace, repository="stored", sha=f"s{n}",
                                  author_name=who, authored=NOW - timedelta(days=9 - n),
                                  subject="CHK-2 work", files=files)  # fmt: skip
    services.refresh(world.workspace, NOW)
    data, areas = _areas(world)
    # The rename keeps Alice as creator of api/c.py: Bob's one change (3.2345) is not enough.
    assert [r["repository"] for r in data["repositories"]] == ["stored"]
    assert areas["api"]["authors"][0]["name"] == "Alice Smith"
    assert areas["api"]["files"] == 2 and areas["api"]["truck_factor"] == 1


def test_an_unreadable_git_connection_is_reported(world):
    from leadline.delivery.models import Connection

    Connection.objects.create(workspace=world.workspace, kind="git", name="gone",
                              target="/nonexistent/repo")  # fmt: skip
    problems = services.refresh(world.workspace, NOW)
    assert problems == ["gone: /nonexistent/repo is not readable from this server"]


def test_finishers_one_person_finished_most_of_an_epic(world):
    from leadline.delivery.models import WorkItem

    for i in range(6):
        WorkItem.objects.create(workspace=world.workspace, team=world.team, source="jira",
                                key=f"CHK-{10 + i}", type="Story", epic_key="CHK-1",
                                components=["payments"], title=f"s{i}", created=NOW,
                                status="Done", resolved=NOW - timedelta(days=3),
                                assignees=["Alice Smith" if i < 4 else "Bob Jones"])  # fmt: skip
    # Alice finished 4 of 6 = 0.667: shown from 60 %, not from 70 %.
    rows = workload.finishers(world.workspace, NOW, share=60)
    assert [(f["kind"], f["key"], f["person"], f["share"], f["items"]) for f in rows] == [
        ("component", "payments", "Alice Smith", 0.667, 6),
        ("epic", "CHK-1", "Alice Smith", 0.667, 6)]  # fmt: skip
    assert rows[1]["title"] == "Payment provider migration"
    assert workload.finishers(world.workspace, NOW, share=70) == []
    # Fewer than 5 finished items: no signal.
    assert workload.finishers(world.workspace, NOW, share=60, min_items=7) == []


def test_the_share_is_validated_naming_the_field():
    import pytest
    from django.core.exceptions import ValidationError

    assert workload.parse_share("") == 60 and workload.parse_share("75") == 75
    for bad in ("49", "101", "x"):
        with pytest.raises(ValidationError) as exc:
            workload.parse_share(bad)
        assert "share" in exc.value.message_dict


def test_the_daily_job_recomputes_every_workspace_with_history(world):
    from leadline.concentration.jobs import refresh_job

    assert refresh_job(None) == {"workspaces": 1, "problems": 0}
    assert AreaResult.objects.filter(workspace=world.workspace).count() == 4
    assert not AreaResult.objects.filter(workspace=world.other).exists()
