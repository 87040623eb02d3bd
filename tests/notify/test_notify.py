"""Notifications: encrypted channel URLs, a local JSON webhook, a local SMTP server, the digest.

Only loopback receivers: a webhook thread (Apprise's json://, the same HTTP path Slack and
Teams URLs use) and aiosmtpd for email. Nothing leaves the machine.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings
from typer.testing import CliRunner

from leadline.decisions import services as decisions
from leadline.notify import services as notify
from leadline.notify.escalate import evaluate_escalations
from leadline.notify.models import Notification, NotificationChannel

pytestmark = pytest.mark.django_db
T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The receivers here are on loopback, which the outbound policy refuses unless listed."""
    monkeypatch.setenv("LEADLINE_ALLOWED_INTERNAL_HOSTS", "127.0.0.1")


def test_a_channel_to_an_internal_address_is_refused_unless_the_owner_lists_it(
    world, webhook, monkeypatch
):
    from django.core.exceptions import ValidationError

    port, received = webhook
    channel = notify.add_channel(world.access, "Hook", f"json://127.0.0.1:{port}/hook")
    monkeypatch.delenv("LEADLINE_ALLOWED_INTERNAL_HOSTS")
    for url in (f"json://127.0.0.1:{port}/", "json://localhost/", "jsons://169.254.169.254/x"):
        with pytest.raises(ValidationError, match="internal address"):
            notify.add_channel(world.access, "Sneaky", url)
    # A channel stored while it was allowed is refused when it is not any more.
    assert notify.send_to_channels([channel], "Hello", "body") == {"Hook": False}
    assert received == []
    monkeypatch.setenv("LEADLINE_ALLOWED_INTERNAL_HOSTS", "127.0.0.0/8")
    assert notify.send_to_channels([channel], "Hello", "body") == {"Hook": True}
    assert len(received) == 1


def test_a_channel_name_that_rebinds_to_loopback_is_refused_when_it_connects(
    world, webhook, monkeypatch
):
    import socket as socket_module

    port, received = webhook
    real = socket_module.getaddrinfo
    calls: list[str] = []

    def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "hooks.rebind.example":
            return real(host, *args, **kwargs)
        calls.append(host)
        address = "93.184.216.34" if len(calls) == 1 else "127.0.0.1"  # public, then loopback
        return [(socket_module.AF_INET, socket_module.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket_module, "getaddrinfo", rebinding)
    monkeypatch.delenv("LEADLINE_ALLOWED_INTERNAL_HOSTS")
    channel = notify.add_channel(world.access, "Hook", f"json://hooks.rebind.example:{port}/")
    assert notify.send_to_channels([channel], "Hello", "body") == {"Hook": False}
    assert len(calls) >= 2 and received == []
    # Even a listed name only reaches the addresses checked when the call started.
    monkeypatch.setenv("LEADLINE_ALLOWED_INTERNAL_HOSTS", "hooks.rebind.example")
    calls.clear()
    assert notify.send_to_channels([channel], "Hello", "body") == {"Hook": False}
    assert received == []


@pytest.fixture
def webhook() -> Iterator[tuple[int, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp() -> Iterator[tuple[int, list[Any]]]:
    from aiosmtpd.controller import Controller

    messages: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            messages.append(envelope)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, messages
    controller.stop()


def test_channel_urls_are_stored_encrypted_and_decrypt_after_key_rotation(world, settings):
    ch = notify.add_channel(world.access, "Hook", "json://127.0.0.1:9/secret-path")
    assert "secret-path" not in ch.url_encrypted and ch.url_hint == "json://127.0.0.1"
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.ENCRYPTION_KEYS]
    assert notify.channel_url(NotificationChannel.objects.get()) == "json://127.0.0.1:9/secret-path"


def test_apprise_rejects_a_url_it_does_not_understand(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        notify.add_channel(world.access, "Bad", "nonsense://x")


def test_an_escalation_reaches_a_webhook_channel(world, webhook):
    port, received = webhook
    notify.add_channel(world.access, "Team chat", f"json://127.0.0.1:{port}/hook")
    decisions.create_decision(
        world.access, "Stalled design", domains=["User experience", "Architecture"], now=T0
    )
    evaluate_escalations(world.workspace, T0 + timedelta(hours=49))
    assert len(received) == 1
    assert "Stalled design" in received[0]["title"] and "overdue" in received[0]["message"]


@override_settings(BASE_URL="http://leadline.test")
def test_an_escalation_reaches_email_through_a_local_smtp_server(world, smtp):
    port, messages = smtp
    notify.add_channel(
        world.access,
        "Email",
        f"mailto://127.0.0.1:{port}?from=leadline@example.com&to=leads@example.com&mode=insecure",
    )
    decisions.create_decision(
        world.access, "Mailed decision", domains=["User experience", "Architecture"], now=T0
    )
    evaluate_escalations(world.workspace, T0 + timedelta(hours=49))
    assert len(messages) == 1
    assert messages[0].rcpt_tos == ["leads@example.com"]
    body = messages[0].content.decode()
    assert "Mailed decision" in body and "http://leadline.test/w/acme/decisions/" in body


def test_a_failing_channel_does_not_stop_escalation(world):
    notify.add_channel(world.access, "Dead", "json://127.0.0.1:9/")
    decisions.create_decision(
        world.access, "Still alerts", domains=["User experience", "Architecture"], now=T0
    )
    assert len(evaluate_escalations(world.workspace, T0 + timedelta(hours=49))) == 1


def test_the_bell_lists_and_marks_notifications_read(world, client_for):
    notify.notify(world.workspace, "Hello leads", channels=False)
    client = client_for(world.owner)
    assert '<span class="badge bad">1</span>' in client.get("/w/acme/raid/").content.decode()
    assert "Hello leads" in client.get("/w/acme/notifications/").content.decode()
    client.post("/w/acme/notifications/")
    assert notify.unread_count(world.owner, world.workspace) == 0
    # Members who are not leads got nothing.
    assert not Notification.objects.filter(user=world.member).exists()


def test_the_digest_command_sends_to_digest_channels(world, webhook, monkeypatch):
    from leadline.cli import app

    port, received = webhook
    notify.add_channel(world.access, "Digest", f"json://127.0.0.1:{port}/")
    decisions.create_decision(
        world.access, "Digest item", domains=["User experience", "Architecture"], now=T0
    )
    monkeypatch.setattr("leadline.cli.common.setup_django", lambda: None)
    result = CliRunner().invoke(app, ["notify", "digest", "--workspace", "acme"])
    assert result.exit_code == 0, result.output
    assert "Overdue decisions: 1" in result.output
    assert "daily digest" in received[0]["title"] and "Digest item" in received[0]["message"]
    assert Notification.objects.filter(user=world.owner, title__contains="daily digest").exists()
