"""Sign-in throttling: wrong passwords lock an account and an address, the page says until when
and what to do, owners unlock their members; password-reset emails are capped."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone
from typer.testing import CliRunner

from leadline.cli import app
from leadline.workspaces.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5  # LEADLINE_LOGIN_FAILURE_LIMIT's default
ADDRESS_LIMIT = 20  # LEADLINE_LOGIN_ADDRESS_FAILURE_LIMIT's default


def _sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1", **extra):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **extra,
    )


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_lock_the_account_even_with_the_right_one(make_user):
    make_user("sam")
    client = Client()
    for _ in range(LIMIT - 1):
        assert _sign_in(client, "sam", "wrong").status_code == 200
    locked = _sign_in(client, "sam", "wrong")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed sign-ins" in page
    assert "about 15 minutes" in page and "Members page" in page
    assert 'value="sam"' in page  # the form keeps the username
    # The right password from another address is refused too: the account itself is locked.
    right = _sign_in(Client(), "sam", PASSWORD, address="10.9.9.9")
    assert right.status_code == 429 and "Too many failed sign-ins" in right.content.decode()
    assert not _signed_in(client)


def test_the_lock_ends_after_the_lockout_minutes_and_waiting_does_not_restart_it(make_user):
    make_user("sam")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(LIMIT):
            _sign_in(Client(), "sam", "wrong")
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        # Trying while locked does not push the end further away.
        assert _sign_in(Client(), "sam", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        client = Client()
        assert _sign_in(client, "sam", PASSWORD).status_code == 302
        assert _signed_in(client)


def test_wrong_passwords_for_many_accounts_lock_the_address(make_user):
    make_user("ana")
    for n in range(ADDRESS_LIMIT - 1):
        _sign_in(Client(), f"guess{n}", "wrong", address="203.0.113.7")
    # Below its own, higher limit an address (an office behind NAT) still signs in.
    assert _sign_in(Client(), "ana", PASSWORD, address="203.0.113.7").status_code == 302
    _sign_in(Client(), "guess-last", "wrong", address="203.0.113.7")
    locked = _sign_in(Client(), "ana", PASSWORD, address="203.0.113.7")
    assert locked.status_code == 429 and "about 15 minutes" in locked.content.decode()
    other = Client()
    assert _sign_in(other, "ana", PASSWORD, address="198.51.100.1").status_code == 302
    assert _signed_in(other)


def test_x_forwarded_for_is_ignored_unless_behind_a_proxy(make_user):
    make_user("ana")
    # A client sending its own X-Forwarded-For cannot move to a fresh address.
    for n in range(ADDRESS_LIMIT):
        _sign_in(Client(), f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert _sign_in(Client(), "ana", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


@override_settings(BEHIND_PROXY=True)
def test_behind_a_proxy_the_last_forwarded_address_is_the_client(make_user):
    make_user("ana")
    proxy = "10.0.0.2"
    for n in range(ADDRESS_LIMIT):
        # The client forged the first entry; the proxy appended the address it really saw.
        _sign_in(
            Client(), f"guess{n}", "wrong", proxy, HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.7"
        )
    assert (
        _sign_in(Client(), "ana", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code
        == 429
    )
    # Another client behind the same proxy is not locked out.
    client = Client()
    assert (
        _sign_in(client, "ana", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code
        == 302
    )


def _lock(username: str) -> None:
    for _ in range(LIMIT):
        _sign_in(Client(), username, "wrong", address="10.1.1.1")


def test_an_owner_sees_and_unlocks_a_locked_member(make_user, make_workspace, client_for):
    owner, member = make_user("olga"), make_user("mo")
    make_workspace("Acme", {owner: "owner", member: "member"})
    _lock("mo")
    page = client_for(owner).get("/w/acme/settings/members/").content.decode()
    assert re.search(r'data-member="mo".*?Locked until', page, re.S)
    assert 'data-member="olga"><td>olga</td>' in page and page.count("data-locked") == 1
    response = client_for(owner).post("/w/acme/settings/members/", {"unlock": "mo"})
    assert response.status_code == 302
    client = Client()
    assert _sign_in(client, "mo", PASSWORD, address="10.1.1.1").status_code == 302
    assert _signed_in(client)
    event = AuditEvent.objects.get(action="unlock")
    assert event.actor == owner and "mo" in event.summary


def test_only_owners_unlock_and_only_their_own_members(make_user, make_workspace, client_for):
    owner, lead, stranger = make_user("olga"), make_user("lee"), make_user("sid")
    make_workspace("Acme", {owner: "owner", lead: "lead"})
    make_workspace("Beta", {stranger: "owner"})
    _lock("lee")
    assert client_for(lead).post("/w/acme/settings/members/", {"unlock": "lee"}).status_code == 403
    # An owner of another workspace cannot unlock someone who is not their member.
    assert (
        client_for(stranger).post("/w/beta/settings/members/", {"unlock": "lee"}).status_code == 404
    )
    assert _sign_in(Client(), "lee", PASSWORD, address="10.1.1.1").status_code == 429
    assert not AuditEvent.objects.filter(action="unlock").exists()


def test_leadline_unlock_unlocks_an_account_and_an_address(make_user, make_workspace):
    member = make_user("mo")
    make_workspace("Acme", {member: "member"})
    _lock("mo")
    for n in range(ADDRESS_LIMIT):
        _sign_in(Client(), f"guess{n}", "wrong", address="203.0.113.7")
    runner = CliRunner()
    result = runner.invoke(app, ["unlock", "mo"])
    assert result.exit_code == 0, result.output
    assert "Unlocked account mo" in result.output
    assert _sign_in(Client(), "mo", PASSWORD, address="10.1.1.1").status_code == 302
    assert AuditEvent.objects.filter(action="unlock", workspace__slug="acme").exists()
    assert _sign_in(Client(), "mo", PASSWORD, address="203.0.113.7").status_code == 429
    assert runner.invoke(app, ["unlock", "--address", "203.0.113.7"]).exit_code == 0
    assert _sign_in(Client(), "mo", PASSWORD, address="203.0.113.7").status_code == 302
    bad = runner.invoke(app, ["unlock", "--address", "not-an-ip"])
    assert bad.exit_code == 2 and "not an IP address" in bad.output
    assert runner.invoke(app, ["unlock", "nobody"]).exit_code == 1
    assert runner.invoke(app, ["unlock"]).exit_code == 2


def _reset(email: str, address: str = "10.0.0.1"):
    return Client().post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=address)


def test_password_reset_emails_to_one_address_are_capped(make_user):
    make_user("rita", email="rita@example.com")
    answers = [
        _reset("Rita@Example.com" if n % 2 else "rita@example.com", f"10.0.0.{n}")
        for n in range(11)
    ]
    assert len(mail.outbox) == 3  # LEADLINE_PASSWORD_RESET_LIMIT's default, per hour
    # Every answer is the same, sent or not, and the same as for an address with no account.
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/accounts/password-reset/sent/")
    }
    nobody = _reset("nobody@example.com")
    assert (nobody.status_code, nobody["Location"]) == (302, "/accounts/password-reset/sent/")
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        _reset("rita@example.com")
    assert len(mail.outbox) == 4


def test_password_reset_requests_from_one_client_are_capped(make_user):
    for n in range(12):
        make_user(f"user{n}", email=f"user{n}@example.com")
    for n in range(12):
        _reset(f"user{n}@example.com", address="203.0.113.7")
    assert len(mail.outbox) == 10  # LEADLINE_PASSWORD_RESET_CLIENT_LIMIT's default
    _reset("user11@example.com", address="198.51.100.1")
    assert len(mail.outbox) == 11


def test_a_password_reset_also_unlocks_the_account(make_user):
    make_user("rita", email="rita@example.com")
    _lock("rita")
    client = Client()
    client.post("/accounts/password-reset/", {"email": "rita@example.com"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "a-brand-new-passphrase"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    signed_in = Client()
    assert _sign_in(signed_in, "rita", new, address="10.1.1.1").status_code == 302
    assert _signed_in(signed_in)
