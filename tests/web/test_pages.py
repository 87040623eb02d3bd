"""Every page of the shell renders, sign-in works, and the health check answers."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from leadline.web.context import NAV_AREAS

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(make_user, make_workspace, client_for):
    user = make_user("wendy", email="wendy@example.com")
    make_workspace("Acme", {user: "owner"})
    return client_for(user)


def test_every_navigation_entry_leads_to_a_real_page(owner_client):
    home = owner_client.get("/w/acme/").content.decode()
    for name, label, _ in NAV_AREAS:
        url = reverse(name, args=["acme"])
        assert f'href="{url}"' in home, label
        response = owner_client.get(url)
        assert response.status_code == 200, url
        assert label.split()[0] in response.content.decode()
    for url in ["/w/acme/jobs/", "/w/acme/audit/", "/w/acme/settings/members/",
                "/account/tokens/"]:  # fmt: skip
        assert owner_client.get(url).status_code == 200, url


def test_empty_areas_say_what_to_do_next(owner_client):
    page = owner_client.get("/w/acme/raid/").content.decode()
    assert 'data-empty-state="raid"' in page
    assert "To fill this page" in page


def test_signing_in_lands_on_the_workspace_home(make_user, make_workspace):
    user = make_user("sam")
    make_workspace("Orbit", {user: "member"})
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": "sam", "password": "correct-horse-battery-staple"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/w/orbit/"
    assert "Orbit" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(make_user):
    make_user("sam")
    response = Client().post("/accounts/login/", {"username": "sam", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_sign_out_needs_a_post_and_ends_the_session(owner_client):
    assert owner_client.post("/accounts/logout/").status_code == 302
    assert owner_client.get("/w/acme/").status_code == 302


def test_password_reset_sends_a_working_link(make_user):
    make_user("rita", email="rita@example.com")
    client = Client()
    client.post("/accounts/password-reset/", {"email": "rita@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
        follow=True,
    )
    assert "Password changed" in done.content.decode()
    signed_in = Client()
    signed_in.post("/accounts/login/", {"username": "rita", "password": "a-brand-new-passphrase"})
    assert "_auth_user_id" in signed_in.session


def test_passwords_are_hashed_with_argon2(make_user):
    assert make_user("hash").password.startswith("argon2")


def test_healthz_reports_the_database_and_that_no_worker_runs_in_the_test():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "down"}


def test_the_openapi_description_and_docs_are_served(db):
    spec = Client().get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Leadline API"
    assert "/api/v1/workspaces" in spec["paths"]
    assert "BearerAuth" in str(spec["components"]["securitySchemes"]) or spec["components"]
    docs = Client().get("/api/v1/docs").content.decode()
    assert "swagger" in docs.lower()
    assert "cdn" not in docs.lower()


def test_a_user_without_a_workspace_can_create_one(make_user, client_for):
    client = client_for(make_user("newbie"))
    assert "not in a workspace yet" in client.get("/").content.decode()
    response = client.post("/", {"name": "My Org"})
    assert response.status_code == 302
    assert client.get("/w/my-org/").status_code == 200


def test_the_team_lives_in_the_url_and_nothing_is_remembered(owner_client):
    owner_client.post("/w/acme/people/", {"action": "team", "name": "Payments"})
    page = owner_client.get("/w/acme/alignment/?team=payments").content.decode()
    assert "Nothing here yet for Payments" in page
    # The navigation carries the team on ...
    assert 'href="/w/acme/cadence/?team=payments"' in page
    assert (
        "<h2>Boards of Payments</h2>"
        in owner_client.get("/w/acme/retros/?team=payments").content.decode()
    )
    # ... but a page opened without it is about all teams: no hidden memory overrides the URL.
    again = owner_client.get("/w/acme/retros/").content.decode()
    assert "<h2>Boards</h2>" in again


def test_the_team_switcher_keeps_the_other_parameters_of_the_page(owner_client):
    owner_client.post("/w/acme/people/", {"action": "team", "name": "Payments"})
    page = owner_client.get(
        "/w/acme/delivery/?start=2025-01-01&end=2025-03-31&type=Story&type=Bug&page=2"
    ).content.decode()
    start = page.index('id="team-switch"')
    switcher = page[start : page.index("</select>", start)]
    kept = "start=2025-01-01&amp;end=2025-03-31&amp;type=Story&amp;type=Bug"
    assert f'value="payments" data-href="/w/acme/delivery/?{kept}&amp;team=payments"' in switcher
    assert f'value="" data-href="/w/acme/delivery/?{kept}"' in switcher  # all teams
    assert "page=2" not in switcher  # another team's list starts at its first page
    # No hidden fields: the page's own forms are the only ones with these names.
    assert page.count('name="start"') == 1


def test_an_unknown_team_in_the_url_is_reported_and_all_teams_are_shown(owner_client):
    page = owner_client.get("/w/acme/alignment/?team=nope").content.decode()
    assert "There is no team “nope” in Acme; showing all teams." in page
    assert "Nothing here yet for" not in page


def test_filter_forms_and_tabs_carry_the_team(owner_client):
    owner_client.post("/w/acme/people/", {"action": "team", "name": "Payments"})
    hidden = '<input type="hidden" name="team" value="payments">'
    for url in ["/w/acme/delivery/", "/w/acme/delivery/dora/", "/w/acme/decisions/",
                "/w/acme/decisions/who-decides/"]:  # fmt: skip
        page = owner_client.get(url + "?team=payments").content.decode()
        assert hidden in page, url
    flow = owner_client.get("/w/acme/delivery/?team=payments").content.decode()
    assert 'href="/w/acme/delivery/dora/?team=payments"' in flow  # the Delivery tabs
    assert 'href="?team=payments">Reset' in flow
    raid = owner_client.get("/w/acme/raid/?team=payments").content.decode()
    assert 'href="/w/acme/decisions/?team=payments"' in raid  # the governance tabs


def test_the_icon_browsers_ask_for_at_the_root_is_there():
    # A JSON page names no icon, so the browser asks for /favicon.ico (a 404 logs an error).
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[22:30] == b"\x89PNG\r\n\x1a\n"
