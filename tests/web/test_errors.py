"""The 403, 404 and 500 pages sit inside the layout; the 500 page needs no database."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from leadline.web.errors import server_error


@pytest.fixture
def member_client(make_user, make_workspace, client_for):
    user = make_user("mo")
    make_workspace("Acme", {user: "member"})
    return client_for(user)


def test_an_unknown_page_is_a_404_inside_the_layout(member_client):
    response = member_client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'class="sidebar"' in html and 'data-error="404"' in html
    assert "Page not found" in html and "/no/such/page/" in html


def test_a_missing_item_in_a_workspace_keeps_the_workspace_navigation(member_client):
    response = member_client.get("/w/acme/raid/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-nav="raid"' in html and "Back to Acme" in html
    assert "RaidItem" not in html  # Django's own message names the model class


def test_a_workspace_one_is_not_a_member_of_is_a_404_that_reveals_nothing(member_client):
    response = member_client.get("/w/secret-org/")
    assert response.status_code == 404
    assert "secret-org" in response.content.decode()  # the path asked for, nothing more


def test_a_forbidden_page_says_which_role_it_needs_inside_the_layout(member_client):
    response = member_client.get("/w/acme/settings/workspace/")
    html = response.content.decode()
    assert response.status_code == 403
    assert 'data-error="403"' in html and 'class="sidebar"' in html
    assert "needs the owner role" in html


@pytest.mark.urls("tests.web.error_urls")
def test_a_failing_view_answers_with_the_500_page_without_its_internals(member_client):
    member_client.raise_request_exception = False
    response = member_client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert 'data-error="500"' in html and 'class="sidebar"' in html
    assert "RuntimeError" not in html and "internal detail" not in html


def test_the_500_page_renders_without_the_database():
    # No django_db mark: any query here fails the test, as it would with the database down.
    response = server_error(RequestFactory().get("/anything/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert 'href="/"' in html  # the layout's links work without a request


def test_an_anonymous_404_does_not_show_a_sign_out_button(db):
    html = Client().get("/nothing-here/").content.decode()
    assert "Sign out" not in html
