"""A workspace made before the cadence existed gets the four standard tiers: from the data
migration (run for real, forwards, on SQLite and PostgreSQL), or from an owner's one click on
the Cadence page's empty state (or its API twin)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from leadline.cadence.defaults import KINDS, TEMPLATES
from leadline.cadence.models import CadenceTier
from leadline.workspaces.models import AuditEvent

BEFORE = ("cadence", "0001_initial")
MIGRATION = ("cadence", "0002_standard_tiers_for_existing_workspaces")
WEEKDAY = {"team": 0, "stakeholder": 3, "milestone": 0, "steering": 3}


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def _check_standard(workspace, tz: str) -> None:
    tiers = list(CadenceTier.objects.filter(workspace=workspace).order_by("id"))
    assert [t.kind for t in tiers] == KINDS
    for t in tiers:
        assert t.template == TEMPLATES[t.kind] and t.time_zone == tz and t.uid.endswith("@leadline")
        assert t.start_on.weekday() == WEEKDAY[t.kind]
    assert [t.name for t in tiers] == [
        "Weekly team status", "Biweekly stakeholder check-in", "Monthly milestone review",
        "Steering committee",
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_workspace_without_tiers_the_four_standard_ones(
    make_user, make_workspace
):
    owner = make_user("olga")
    new = make_workspace("New", {owner: "owner"})  # has its tiers from the signal
    kept = {t.pk: t.name for t in CadenceTier.objects.filter(workspace=new)}
    old = make_workspace("Old", {owner: "owner"})
    old.time_zone = "America/New_York"
    old.save()
    own = make_workspace("Own", {owner: "owner"})
    CadenceTier.objects.filter(workspace__in=[old, own]).delete()  # as before the cadence app
    CadenceTier.objects.create(workspace=own, kind="team", name="Daily sync", rrule="FREQ=DAILY",
                               start_on="2026-01-05", start_time="09:00", time_zone="UTC",
                               uid="own@leadline")  # fmt: skip
    events = AuditEvent.objects.count()
    _migrate(BEFORE)  # going back keeps every tier
    assert CadenceTier.objects.filter(workspace=new).count() == 4
    _migrate(MIGRATION)
    _check_standard(old, "America/New_York")
    assert {t.pk: t.name for t in CadenceTier.objects.filter(workspace=new)} == kept
    assert list(CadenceTier.objects.filter(workspace=own).values_list("name", flat=True)) == [
        "Daily sync"
    ]  # a workspace with a tier keeps what it chose
    assert AuditEvent.objects.count() == events
    _migrate(BEFORE)
    _migrate(MIGRATION)  # running it again adds nothing
    assert CadenceTier.objects.filter(workspace=old).count() == 4


@pytest.fixture
def bare(cw):
    """The cadence world's workspace as if made before the cadence: no tier."""
    CadenceTier.objects.filter(workspace=cw.workspace).delete()
    return cw


def test_the_empty_state_offers_the_standard_tiers_to_owners_only(bare, client_for):
    owner_page = client_for(bare.owner).get("/w/acme/cadence/").content.decode()
    assert 'data-empty-state="cadence"' in owner_page
    assert "Set up the four standard tiers</button>" in owner_page
    for user in (bare.lead, bare.viewer):
        page = client_for(user).get("/w/acme/cadence/").content.decode()
        assert 'data-empty-state="cadence"' in page and "data-standard-tiers" not in page
        assert "An owner of this workspace can set them up" in page


def test_an_owner_sets_up_the_standard_tiers_and_a_lead_cannot(bare, client_for):
    refused = client_for(bare.lead).post("/w/acme/cadence/", {"op": "standard"})
    assert refused.status_code == 403
    assert not CadenceTier.objects.filter(workspace=bare.workspace).exists()
    client = client_for(bare.owner)
    done = client.post("/w/acme/cadence/", {"op": "standard"}, follow=True)
    assert done.status_code == 200
    _check_standard(bare.workspace, bare.workspace.tz)
    body = done.content.decode()
    assert "Added Weekly team status, Biweekly stakeholder check-in" in body
    assert 'data-empty-state="cadence"' not in body and 'data-tier="steering"' in body
    assert AuditEvent.objects.filter(workspace=bare.workspace, action="cadence.create").count() == 4
    again = client.post("/w/acme/cadence/", {"op": "standard"}, follow=True).content.decode()
    assert "has a tier of every standard kind already" in again
    assert CadenceTier.objects.filter(workspace=bare.workspace).count() == 4


def test_the_api_sets_up_only_the_missing_standard_tiers(bare, api_for):
    CadenceTier.objects.create(workspace=bare.workspace, kind="steering", name="Board",
                               rrule="FREQ=MONTHLY", start_on="2026-01-05", start_time="09:00",
                               time_zone="UTC", uid="board@leadline")  # fmt: skip
    assert api_for(bare.lead).post("/api/v1/workspaces/acme/cadences/standard").status_code == 403
    made = api_for(bare.owner).post("/api/v1/workspaces/acme/cadences/standard")
    assert made.status_code == 201
    assert [t["tier"] for t in made.json()] == ["team", "stakeholder", "milestone"]
    assert made.json()[0]["next_occurrences"]
    names = CadenceTier.objects.filter(workspace=bare.workspace).values_list("name", flat=True)
    assert sorted(names) == sorted(["Board", "Weekly team status", "Biweekly stakeholder check-in",
                                    "Monthly milestone review"])  # fmt: skip
    none = api_for(bare.owner).post("/api/v1/workspaces/acme/cadences/standard")
    assert none.status_code == 201 and none.json() == []
    other = api_for(bare.owner).post("/api/v1/workspaces/other/cadences/standard")
    assert other.status_code == 404  # not a member of the other workspace
