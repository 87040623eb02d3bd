"""RAID: logging, history, materialising, escalation with time frozen, pages and CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from leadline.notify.escalate import evaluate_escalations
from leadline.notify.models import Alert, Notification
from leadline.raid import services as raid
from leadline.raid.csvio import CsvImportError, export_csv, import_csv
from leadline.raid.models import RaidItem
from leadline.workspaces.models import AuditEvent

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def test_a_risk_is_logged_and_escalates_after_its_threshold(world, client_for):
    with time_machine.travel(T0, tick=False):
        response = client_for(world.member).post(
            "/w/acme/raid/new/",
            {
                "kind": "risk",
                "title": "Vendor API sunsets",
                "probability": "4",
                "impact": "5",
                "owner": world.people["Ann"].pk,
                "team": world.teams["mobile"].pk,
            },
        )
        assert response.status_code == 302
        risk = RaidItem.objects.get(title="Vendor API sunsets")
        assert risk.score == 20
        assert evaluate_escalations(world.workspace, T0) == []
    with time_machine.travel(T0 + timedelta(days=6, hours=23), tick=False):
        assert evaluate_escalations(world.workspace, T0 + timedelta(days=6, hours=23)) == []
    later = T0 + timedelta(days=7)
    with time_machine.travel(later, tick=False):
        alerts = evaluate_escalations(world.workspace, later)
        assert [(a.subject, a.rule) for a in alerts] == [(f"raid:{risk.pk}", "risk_unmitigated")]
        # Idempotent: a second run raises nothing new.
        assert evaluate_escalations(world.workspace, later) == []
        assert Alert.objects.count() == 1
        # The workspace's owner (a lead) is notified in the app.
        assert (
            Notification.objects.filter(user=world.owner, title__contains="Vendor API").count() == 1
        )
        page = client_for(world.viewer).get("/w/acme/raid/alerts/").content.decode()
        assert "Vendor API sunsets" in page
        # The rule is named in words; its key stays in an attribute for scripts and tests.
        assert "Risk without a mitigation plan after the threshold</span>" in page
        assert ">risk_unmitigated<" not in page
    # Writing a mitigation plan resolves the alert at the next run.
    raid.update_item(world.access, risk, {"mitigation": "Migrate early"}, world.owner, later)
    evaluate_escalations(world.workspace, later + timedelta(hours=1))
    assert Alert.objects.get().resolved_at is not None


def test_every_change_is_kept_in_the_items_history_and_the_audit_log(world):
    item = raid.create_item(
        world.access, "issue", {"title": "Login broken", "severity": "high"}, world.owner
    )
    raid.update_item(
        world.access, item, {"status": "in_progress", "owner": world.people["Bo"]}, world.member
    )
    history = list(item.history.order_by("at", "id"))
    assert [h.action for h in history] == ["create", "update"]
    assert history[1].changes == {"status": ["open", "in_progress"], "owner": [None, "Bo"]}
    assert history[1].actor_name == "mo"
    assert AuditEvent.objects.filter(object_type="raiditem", object_id=str(item.pk)).count() == 2


def test_the_audit_log_names_fields_and_values_in_words(world, client_for):
    item = raid.create_item(world.access, "dependency", {"title": "Push API"}, world.owner)
    raid.update_item(
        world.access, item, {"status": "in_progress", "need_by": date(2027, 1, 4)}, world.member
    )
    raid.update_item(world.access, item, {"need_by": None}, world.member)
    html = client_for(world.viewer).get("/w/acme/audit/").content.decode()
    assert "Status: Open → In progress" in html
    assert "Need by: 2027-01-04 → —" in html
    assert "need_by" not in html and "in_progress" not in html


def test_a_materialised_risk_becomes_a_linked_issue_and_can_block_work(world):
    risk = raid.create_item(
        world.access, "risk", {"title": "Key engineer leaves", "probability": 2, "impact": 4}
    )
    issue = raid.materialise_risk(world.access, risk)
    risk.refresh_from_db()
    assert risk.status == "materialised"
    assert issue.kind == "issue" and issue.source_risk == risk
    assert list(risk.materialised_as.all()) == [issue]
    raid.update_item(world.access, issue, {"blocker": True})
    assert raid.register(world.access, raid.RegisterFilter(blocker=True)).get() == issue
    with pytest.raises(ValidationError, match="Only an issue or a dependency"):
        raid.update_item(world.access, risk, {"blocker": True})


def test_a_dependency_past_its_need_by_date_escalates_and_shows_overdue_on_the_board(
    world, client_for
):
    dep = raid.create_item(
        world.access,
        "dependency",
        {
            "title": "Push API v2",
            "team": world.teams["mobile"],
            "provider_kind": "team",
            "provider_team": world.teams["platform"],
            "need_by": date(2025, 6, 1),
            "owner": world.people["Bo"],
        },
        now=T0 - timedelta(days=10),
    )
    alerts = evaluate_escalations(world.workspace, T0)
    assert [a.rule for a in alerts] == ["dependency_overdue"]
    with time_machine.travel(T0, tick=False):
        html = client_for(world.viewer).get("/w/acme/raid/dependencies/").content.decode()
    assert "Mobile waits on" in html and f'class="overdue" data-dependency="{dep.pk}"' in html


def test_an_item_without_owner_escalates(world):
    item = raid.create_item(
        world.access, "issue", {"title": "Flaky CI"}, now=T0 - timedelta(days=2)
    )
    assert [a.rule for a in evaluate_escalations(world.workspace, T0)] == ["missing_owner"]
    assert Alert.objects.get().subject == f"raid:{item.pk}"


def test_the_register_filters_and_the_heat_map_counts_open_risks(world, client_for):
    for p, i in [(4, 5), (4, 5), (1, 1)]:
        raid.create_item(
            world.access,
            "risk",
            {"title": f"r{p}{i}{RaidItem.objects.count()}", "probability": p, "impact": i},
        )
    raid.create_item(world.access, "issue", {"title": "an issue", "team": world.teams["mobile"]})
    grid = raid.heat_map(raid.register(world.access, raid.RegisterFilter()))
    assert grid[0][3] == {"probability": 4, "impact": 5, "count": 2, "score": 20}
    assert grid[4][0]["count"] == 1
    client = client_for(world.viewer)
    html = client.get("/w/acme/raid/?kind=risk&probability=4&impact=5").content.decode()
    assert html.count("data-item=") == 2
    html = client.get("/w/acme/raid/?team_filter=mobile").content.decode()
    assert "an issue" in html and html.count("data-item=") == 1


CSV = """external_id,type,title,owner,team,probability,impact,need_by,provider_team,blocker
R-1,risk,Vendor sunsets API,Ann,mobile,4,5,,,
D-1,dependency,Push API,Bo,mobile,,,2025-07-01,platform,yes
,assumption,Users accept saved cards,,,,,,,
"""


def test_csv_import_is_idempotent_and_round_trips_through_export(world):
    first = import_csv(world.access, CSV)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    again = import_csv(world.access, CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    dep = RaidItem.objects.get(external_id="D-1")
    assert dep.provider_team == world.teams["platform"] and dep.blocker
    exported = export_csv(RaidItem.objects.filter(workspace=world.workspace))
    assert import_csv(world.access, exported).unchanged == 3
    changed = import_csv(
        world.access,
        CSV.replace("Vendor sunsets API,Ann,mobile,4", "Vendor sunsets API,Ann,mobile,5"),
    )
    assert changed.updated == 1


def test_csv_errors_name_the_line_and_field_and_import_nothing(world):
    bad = "type,title,probability,owner,need_by\nrisk,ok,3,,\nrisk,x,9,,\nthing,,1,Nobody,soon\n"
    with pytest.raises(CsvImportError) as exc:
        import_csv(world.access, bad)
    errors = exc.value.errors
    assert "line 3, field probability: '9' must be a whole number from 1 to 5" in errors
    assert any(e.startswith("line 4, field type:") for e in errors)
    assert "line 4, field title: is required" in errors
    assert any(e.startswith("line 4, field owner: no person 'Nobody'") for e in errors)
    assert any(e.startswith("line 4, field need_by:") for e in errors)
    assert RaidItem.objects.count() == 0


def test_the_csv_page_imports_and_exports(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.member)
    upload = SimpleUploadedFile("raid.csv", CSV.encode(), content_type="text/csv")
    assert client.post("/w/acme/raid/import/", {"file": upload}).status_code == 302
    assert RaidItem.objects.count() == 3
    bad = SimpleUploadedFile("raid.csv", b"type,title\nrisk,\n", content_type="text/csv")
    assert (
        "line 2, field title: is required"
        in client.post("/w/acme/raid/import/", {"file": bad}).content.decode()
    )
    response = client.get("/w/acme/raid/export.csv")
    assert response["Content-Type"] == "text/csv"
    assert b"R-1,risk,Vendor sunsets API" in response.content


def test_the_item_page_shows_history_and_edits_record_it(world, client_for):
    item = raid.create_item(
        world.access, "risk", {"title": "Outage", "probability": 2, "impact": 2}
    )
    client = client_for(world.member)
    response = client.post(
        f"/w/acme/raid/{item.pk}/",
        {
            "action": "edit",
            "kind": "risk",
            "title": "Outage",
            "status": "mitigating",
            "probability": "3",
            "impact": "2",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.probability) == ("mitigating", 3)
    html = client.get(f"/w/acme/raid/{item.pk}/").content.decode()
    assert "Probability: 2 → 3" in html
    assert "Status: Open → Mitigating" in html  # choices by their labels, not their codes
