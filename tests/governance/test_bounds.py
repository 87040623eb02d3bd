"""Numbers and dates people enter are bounded in the forms, the services and what computes them;
bad query and form values on the pages are a clear 4xx, never a 500."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from leadline.agreements import services as agreements
from leadline.changes import services as changes
from leadline.changes.models import ChangeRequest
from leadline.decisions import services as decisions
from leadline.decisions.models import Decision
from leadline.governance.models import GovernanceSettings
from leadline.raid import services as raid
from leadline.raid.models import RaidItem

pytestmark = pytest.mark.django_db


def test_the_change_form_refuses_a_hundred_million_items(world, client_for):
    response = client_for(world.member).post(
        "/w/acme/changes/",
        {"title": "Everything", "team": world.teams["checkout"].pk, "urgency": "normal",
         "added_items": 100_000_000},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Use 0 to 10,000 items" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_the_service_refuses_out_of_bound_items_whatever_the_caller(world):
    with pytest.raises(ValidationError) as exc:
        changes.create_change_request(
            world.access, title="X", team=world.teams["checkout"], added_items=10_001,
            remaining_items=-1,
        )  # fmt: skip
    assert set(exc.value.message_dict) == {"added_items", "remaining_items"}


def test_a_stored_request_beyond_the_bounds_is_explained_not_computed(world, client_for, api_for):
    # As stored before the bounds existed (the service refuses it now).
    cr = ChangeRequest.objects.create(
        workspace=world.workspace, team=world.teams["checkout"], title="Huge",
        added_items=20_000, throughput_samples="1,0,2,1",
    )  # fmt: skip
    impact = changes.change_impact(cr, date(2026, 6, 1))
    assert impact["forecast"] is None
    assert "20,000 items" in impact["not_computed"]
    html = client_for(world.viewer).get(f"/w/acme/changes/{cr.pk}/").content.decode()
    assert "data-not-computed" in html and "not computed" in html
    body = api_for(world.viewer).get(f"/api/v1/workspaces/acme/changes/{cr.pk}").json()
    assert body["impact"]["forecast"] is None and body["impact"]["not_computed"]


@pytest.mark.parametrize("day", ["1900-01-01", "9999-12-31"])
def test_the_raid_form_refuses_implausible_dates(world, client_for, day):
    response = client_for(world.member).post(
        "/w/acme/raid/new/", {"kind": "risk", "title": "Late vendor", "review_date": day}
    )
    assert response.status_code == 200
    assert "outside the dates Leadline accepts" in response.content.decode()
    assert not RaidItem.objects.exists()


def test_the_raid_service_refuses_implausible_dates_but_keeps_stored_ones_on_other_edits(world):
    with pytest.raises(ValidationError) as exc:
        raid.create_item(world.access, "issue", {"title": "X", "due_date": date(1900, 1, 1)})
    assert "due_date" in exc.value.message_dict
    item = raid.create_item(world.access, "issue", {"title": "Old"})
    RaidItem.objects.filter(pk=item.pk).update(due_date=date(1999, 12, 31))  # stored earlier
    item.refresh_from_db()
    assert raid.update_item(world.access, item, {"description": "still open"})
    item.refresh_from_db()
    assert item.due_date == date(1999, 12, 31) and item.description == "still open"


def test_governance_settings_are_bounded_in_the_form_and_read_within_bounds(world, client_for):
    response = client_for(world.owner).post(
        "/w/acme/settings/thresholds/",
        {"triage_sla_hours": 10**9, "domain_sla_hours": 120, "risk_unmitigated_days": 7,
         "dependency_grace_days": 0, "review_grace_days": 0, "missing_owner_days": 1},
    )  # fmt: skip
    assert "Use 1 to 8,760 hours" in response.content.decode()
    # A value stored before the bounds (past any date Python can hold) is read as the limit.
    GovernanceSettings.objects.filter(workspace=world.workspace).update(triage_sla_hours=10**9)
    d = decisions.create_decision(world.access, "Cross-cutting", domains=[])
    assert (d.due_at - d.created_at).days == 365


def test_an_agreement_diff_with_a_bad_version_is_a_400_naming_it(world, client_for):
    a = agreements.get_or_create_agreement(world.access, world.teams["checkout"])
    agreements.save_version(world.access, a, {"norms": "Be kind"})
    client = client_for(world.viewer)
    response = client.get(f"/w/acme/agreements/{a.pk}/diff/?to=abc")
    assert response.status_code == 400 and "“to”" in response.content.decode()
    assert (
        client.get(f"/w/acme/agreements/{a.pk}/diff/?from=99999999999999999999").status_code == 400
    )
    assert client.get(f"/w/acme/agreements/{a.pk}/diff/?to=1").status_code == 200


@pytest.mark.parametrize("owner", ["9223372036854775808", "²", "-1", "abc"])
def test_a_raid_filter_that_is_no_id_filters_nothing(world, client_for, owner):
    raid.create_item(world.access, "risk", {"title": "Visible"})
    response = client_for(world.viewer).get(f"/w/acme/raid/?owner={owner}")
    assert response.status_code == 200 and "Visible" in response.content.decode()


def test_superseding_with_a_bad_choice_is_a_message_not_a_crash(world, client_for):
    d = decisions.create_decision(world.access, "Pick a queue")
    response = client_for(world.member).post(
        f"/w/acme/decisions/{d.pk}/", {"action": "supersede", "superseded_by": "abc"}, follow=True
    )
    assert response.status_code == 200
    assert "Superseded by: Choose the decision that replaces it." in response.content.decode()
    assert Decision.objects.get(pk=d.pk).status == Decision.Status.PROPOSED


def test_revoking_a_token_that_is_no_id_is_a_404(world, client_for):
    assert client_for(world.member).post("/account/tokens/", {"revoke": "abc"}).status_code == 404


def test_a_nul_in_a_page_query_or_form_is_a_400_naming_it(world, client_for):
    client = client_for(world.member)
    response = client.get("/w/acme/raid/?kind=risk%00")
    assert response.status_code == 400 and "kind" in response.content.decode()
    response = client.post("/w/acme/decisions/", {"title": "Pick\x00"})
    assert response.status_code == 400 and "title" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_raid_csv_with_a_nul_names_the_line_and_field_and_imports_nothing(world, client_for):
    csv = b"type,title,external_id\nrisk,Fine,R-1\nrisk,Bad\x00title,R-2\n"
    upload = SimpleUploadedFile("raid.csv", csv, content_type="text/csv")
    html = client_for(world.member).post("/w/acme/raid/import/", {"file": upload}).content
    assert "line 3, field title: contains the NUL character" in html.decode()
    assert not RaidItem.objects.exists()


def test_text_the_database_cannot_store_is_refused_before_it_is_saved(world):
    from leadline.workspaces.services import create_team

    with pytest.raises(ValidationError) as exc:
        create_team(world.access, "x" * 201)
    assert "At most 200 characters" in exc.value.message_dict["name"][0]
    with pytest.raises(ValidationError) as exc:
        raid.create_item(world.access, "risk", {"title": "ok", "cause": "a\x00b"})
    assert "U+0000" in exc.value.message_dict["cause"][0]


def test_an_item_with_a_title_at_its_limit_escalates_on_both_databases(world):
    from datetime import timedelta

    from django.utils import timezone

    from leadline.notify.escalate import evaluate_escalations
    from leadline.notify.models import Alert

    title = "t" * 300  # the longest title; the alert prefixes its kind
    raid.create_item(world.access, "dependency", {"title": title, "need_by": date(2026, 1, 5)})
    evaluate_escalations(world.workspace, timezone.now() + timedelta(days=400))
    alert = Alert.objects.get(rule="dependency_overdue")
    assert alert.title.startswith("Dependency: ttt") and len(alert.title) == 300
