"""The settings area: my profile, time zone and password; the workspace, thresholds and members.

Members can read what concerns them but change only their own account; workspace settings
need the owner role (thresholds the lead role), on the page and with CSRF enforced.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from leadline.delivery.quality import data_version
from leadline.delivery.services import today
from leadline.governance.services import settings_for
from leadline.workspaces.models import AuditEvent, Person, Profile, Workspace

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def acme(make_user, make_workspace):
    owner, lead, member = make_user("olga"), make_user("leo"), make_user("mo", email="mo@x.org")
    ws = make_workspace("Acme", {owner: "owner", lead: "lead", member: "member"})
    return ws, owner, lead, member


def test_the_settings_link_opens_my_profile_and_shows_only_sections_i_may_open(acme, client_for):
    ws, owner, _, member = acme
    response = client_for(member).get("/w/acme/settings/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/w/acme/settings/profile/"
    tabs = html[
        html.index("data-settings-nav") : html.index("</nav>", html.index("data-settings-nav"))
    ]
    assert "Profile" in tabs and "Password" in tabs and "Escalations" in tabs
    assert "Workspace" not in tabs and "Members" not in tabs
    owner_html = client_for(owner).get("/w/acme/settings/profile/").content.decode()
    assert 'data-tab="settings-workspace"' in owner_html
    assert 'data-tab="settings-members"' in owner_html


def test_i_change_my_name_and_time_zone_and_times_are_shown_in_it(acme, client_for):
    ws, _, _, member = acme
    client = client_for(member)
    response = client.post(
        "/w/acme/settings/profile/",
        {"first_name": "Mo", "last_name": "Ali", "email": "mo@x.org", "time_zone": "Asia/Tokyo"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.get_full_name() == "Mo Ali"
    assert Profile.objects.get(user=member).time_zone == "Asia/Tokyo"
    AuditEvent.objects.create(
        workspace=ws, actor_name="x", action="t", object_type="t", summary="at noon UTC",
        at=datetime(2026, 1, 5, 12, 0, tzinfo=UTC),
    )  # fmt: skip
    assert "2026-01-05 21:00" in client.get("/w/acme/audit/").content.decode()  # UTC+9


def test_without_my_own_time_zone_times_are_shown_in_the_workspaces(acme, client_for):
    ws, _, _, member = acme
    Workspace.objects.filter(pk=ws.pk).update(time_zone="America/New_York")
    AuditEvent.objects.create(
        workspace=ws, actor_name="x", action="t", object_type="t", summary="at noon UTC",
        at=datetime(2026, 1, 5, 12, 0, tzinfo=UTC),
    )  # fmt: skip
    assert "2026-01-05 07:00" in client_for(member).get("/w/acme/audit/").content.decode()


def test_an_unknown_time_zone_is_refused_with_a_message(acme, client_for):
    _, _, _, member = acme
    response = client_for(member).post(
        "/w/acme/settings/profile/",
        {"first_name": "", "last_name": "", "email": "mo@x.org", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert "Mars/Olympus is not one of the available choices" in response.content.decode()
    assert not Profile.objects.filter(user=member, time_zone="Mars/Olympus").exists()


def test_changing_my_email_needs_my_password(acme, client_for):
    _, _, _, member = acme
    client = client_for(member)
    form = {"first_name": "", "last_name": "", "email": "new@x.org", "time_zone": ""}
    refused = client.post("/w/acme/settings/profile/", form)
    assert "Enter your current password to change the email." in refused.content.decode()
    member.refresh_from_db()
    assert member.email == "mo@x.org"
    client.post("/w/acme/settings/profile/", {**form, "current_password": PASSWORD})
    member.refresh_from_db()
    assert member.email == "new@x.org"


def test_an_email_of_another_account_is_refused(acme, client_for):
    _, owner, _, member = acme
    owner.email = "olga@x.org"
    owner.save()
    response = client_for(member).post(
        "/w/acme/settings/profile/",
        {"email": "OLGA@x.org", "current_password": PASSWORD, "time_zone": ""},
    )
    assert "OLGA@x.org is the email of another account." in response.content.decode()


def test_i_change_my_password_and_stay_signed_in(acme):
    _, _, _, member = acme
    client = Client()
    client.post("/accounts/login/", {"username": "mo", "password": PASSWORD})
    wrong = client.post(
        "/w/acme/settings/password/",
        {"old_password": "nope", "new_password1": "a-fresh-long-phrase", "new_password2": "a-fresh-long-phrase"},
    )  # fmt: skip
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    done = client.post(
        "/w/acme/settings/password/",
        {"old_password": PASSWORD, "new_password1": "a-fresh-long-phrase", "new_password2": "a-fresh-long-phrase"},
        follow=True,
    )  # fmt: skip
    assert "Password changed." in done.content.decode()
    assert client.get("/w/acme/").status_code == 200  # still signed in
    fresh = Client()
    fresh.post("/accounts/login/", {"username": "mo", "password": "a-fresh-long-phrase"})
    assert fresh.get("/w/acme/").status_code == 200


def test_an_account_without_a_workspace_can_change_its_password(make_user, client_for):
    client = client_for(make_user("lonely"))
    done = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "a-fresh-long-phrase", "new_password2": "a-fresh-long-phrase"},
        follow=True,
    )  # fmt: skip
    assert "Password changed." in done.content.decode()
    assert client.get("/account/profile/").status_code == 200


@pytest.mark.parametrize("role_user", ["lead", "member"])
def test_only_owners_see_or_change_the_workspace_settings(acme, client_for, role_user):
    ws, _, lead, member = acme
    client = client_for(lead if role_user == "lead" else member)
    assert client.get("/w/acme/settings/workspace/").status_code == 403
    response = client.post("/w/acme/settings/workspace/", {"name": "Hacked", "time_zone": ""})
    assert response.status_code == 403
    ws.refresh_from_db()
    assert ws.name == "Acme"


def test_an_owner_renames_the_workspace_and_sets_its_time_zone(acme, client_for):
    ws, owner, _, _ = acme
    before = data_version(ws)
    response = client_for(owner).post(
        "/w/acme/settings/workspace/",
        {"name": "Acme Digital", "description": "", "time_zone": "Pacific/Kiritimati"},
    )
    assert response.status_code == 302
    ws.refresh_from_db()
    assert ws.name == "Acme Digital" and ws.tz == "Pacific/Kiritimati"
    event = AuditEvent.objects.filter(workspace=ws, summary="Changed the workspace settings").get()
    assert event.changes["time_zone"] == ["", "Pacific/Kiritimati"]
    # Days are counted there from now on, and every cached figure is recomputed.
    assert today(ws) == datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert data_version(ws) != before


def test_settings_forms_need_the_csrf_token(acme):
    _, owner, _, _ = acme
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post("/w/acme/settings/workspace/", {"name": "No token", "time_zone": ""})
    assert response.status_code == 403
    response = client.post("/w/acme/settings/profile/", {"first_name": "X", "email": ""})
    assert response.status_code == 403
    page = client.get("/w/acme/settings/workspace/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_thresholds_are_read_by_members_and_changed_by_leads(acme, client_for):
    ws, _, lead, member = acme
    page = client_for(member).get("/w/acme/settings/thresholds/").content.decode()
    assert "data-thresholds" in page and "Changing them needs the lead role" in page
    form = {
        "triage_sla_hours": 24, "domain_sla_hours": 72, "risk_unmitigated_days": 3,
        "dependency_grace_days": 1, "review_grace_days": 2, "missing_owner_days": 1,
    }  # fmt: skip
    assert client_for(member).post("/w/acme/settings/thresholds/", form).status_code == 403
    assert settings_for(ws).risk_unmitigated_days == 7
    assert client_for(lead).post("/w/acme/settings/thresholds/", form).status_code == 302
    assert settings_for(ws).risk_unmitigated_days == 3
    assert AuditEvent.objects.filter(summary__contains="Risk unmitigated days").exists()


def test_the_alerts_and_framework_pages_show_the_values_and_link_to_settings(acme, client_for):
    _, _, lead, _ = acme
    client = client_for(lead)
    alerts = client.get("/w/acme/raid/alerts/").content.decode()
    assert (
        'href="/w/acme/settings/thresholds/"' in alerts
        and '<form method="post" class="stack"' not in alerts
    )
    framework = client.get("/w/acme/decisions/framework/").content.decode()
    assert 'href="/w/acme/settings/thresholds/"' in framework and "48 hours" in framework
    # A form from an old tab still lands somewhere useful.
    old = client.post("/w/acme/raid/alerts/", {"action": "settings", "risk_unmitigated_days": 1})
    assert old.status_code == 302 and old["Location"] == "/w/acme/settings/thresholds/"


def test_the_old_members_url_leads_to_the_settings_area(acme, client_for):
    _, owner, _, _ = acme
    response = client_for(owner).get("/w/acme/members/")
    assert response.status_code == 301 and response["Location"] == "/w/acme/settings/members/"


def test_an_owner_links_an_account_to_its_person_and_members_cannot(acme, client_for):
    ws, owner, _, member = acme
    mo = Person.objects.create(workspace=ws, name="Mo Ali")
    form = {"action": "person", "user": member.pk, "person": mo.pk}
    assert client_for(member).post("/w/acme/settings/members/", form).status_code == 403
    assert Person.objects.get(pk=mo.pk).user is None
    assert client_for(owner).post("/w/acme/settings/members/", form).status_code == 302
    assert Person.objects.get(pk=mo.pk).user == member
    page = client_for(owner).get("/w/acme/settings/members/").content.decode()
    assert f'<option value="{mo.pk}" selected>Mo Ali</option>' in page
    # Unlinking leaves the person, without the account.
    client_for(owner).post("/w/acme/settings/members/", {**form, "person": ""})
    assert Person.objects.get(pk=mo.pk).user is None


def test_a_stakeholder_cannot_be_an_account(acme, client_for):
    ws, owner, _, member = acme
    sam = Person.objects.create(workspace=ws, name="Sam", kind="stakeholder")
    response = client_for(owner).post(
        "/w/acme/settings/members/", {"action": "person", "user": member.pk, "person": sam.pk},
        follow=True,
    )  # fmt: skip
    assert "Choose a team member of this workspace." in response.content.decode()
    assert Person.objects.get(pk=sam.pk).user is None


def test_the_members_page_shows_no_errors_before_anything_is_sent(acme, client_for):
    _, owner, _, _ = acme
    html = client_for(owner).get("/w/acme/settings/members/").content.decode()
    assert "This field is required" not in html
    refused = client_for(owner).post(
        "/w/acme/settings/members/", {"username": "", "role": "member"}
    )
    text = refused.content.decode()
    assert "This field is required" in text
    assert "<li>username" not in text  # errors sit by their field, not under its code name
