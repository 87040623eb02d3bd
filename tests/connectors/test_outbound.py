"""Outbound calls reach public https addresses only, unless the owner lists an internal host.

A real loopback HTTP server stands in for "a service on the server's own network"; the replay
transport stands in for everything else. Each test names the allowance it needs explicitly.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest

from leadline.connectors.http import HttpClient, Refused, ServerError
from leadline.connectors.outbound import SETTING, Blocked, Policy

SECRET_BODY = "redis_version:7.2.4 internal-only answer"


@pytest.fixture
def local_service() -> Iterator[tuple[int, list[str]]]:
    """A loopback HTTP service: /ok answers JSON, /fail a 500 with a body, /hop redirects."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            if self.path.startswith("/hop"):
                self.send_response(302)
                self.send_header("Location", self.path.split("to=", 1)[1])
                self.end_headers()
                return
            ok = self.path.startswith("/ok")
            body = b'{"ok": true}' if ok else SECRET_BODY.encode()
            self.send_response(200 if ok else 500)
            self.send_header("Content-Type", "application/json" if ok else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], seen
    server.shutdown()
    server.server_close()


def _client(base: str, **options: Any) -> HttpClient:
    return HttpClient(base, max_retries=1, sleep=lambda _s: None, **options)


def test_a_loopback_service_is_refused_by_default_and_never_contacted(local_service, monkeypatch):
    port, seen = local_service
    monkeypatch.delenv(SETTING, raising=False)
    for base in (
        f"http://127.0.0.1:{port}",
        f"https://127.0.0.1:{port}",
        f"http://localhost:{port}",
    ):
        with pytest.raises(Refused, match=f"refused: .*{SETTING}") as info:
            _client(base).get_json("/ok")
        assert "could not reach" not in str(info.value)
    assert seen == []


def test_a_listed_host_is_reached_by_address_network_or_name(local_service, monkeypatch):
    port, seen = local_service
    for allowed, base in (
        ("127.0.0.1", f"http://127.0.0.1:{port}"),
        ("10.0.0.0/8, 127.0.0.0/8", f"http://127.0.0.1:{port}"),
        ("localhost", f"http://localhost:{port}"),
    ):
        monkeypatch.setenv(SETTING, allowed)
        assert _client(base).get_json("/ok") == {"ok": True}
    assert seen == ["/ok"] * 3


def test_a_failed_call_never_echoes_the_services_answer(local_service, monkeypatch, caplog):
    port, _ = local_service
    monkeypatch.setenv(SETTING, "127.0.0.1")
    with pytest.raises(ServerError, match="HTTP 500 — the source failed") as info:
        _client(f"http://127.0.0.1:{port}").get_json("/fail")
    assert "redis_version" not in str(info.value) and "redis_version" not in caplog.text


def test_a_redirect_to_an_address_not_listed_is_refused(local_service, monkeypatch):
    port, seen = local_service
    monkeypatch.setenv(SETTING, "localhost")
    hop = f"/hop?to=https://127.0.0.1:{port}/ok"
    with pytest.raises(Refused, match="127.0.0.1 is an internal address"):
        _client(f"http://localhost:{port}").get_json(hop)
    assert seen == [hop]  # the second hop was never sent


def test_a_name_that_rebinds_to_loopback_after_the_check_is_refused_when_connecting(
    local_service, monkeypatch
):
    port, seen = local_service
    monkeypatch.delenv(SETTING, raising=False)
    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != "jira.rebind.example":
            return real(host, *args, **kwargs)
        answers.append("93.184.216.34" if not answers else "127.0.0.1")  # public, then loopback
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[-1], port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(Refused, match="127.0.0.1 is an internal address"):
        _client(f"https://jira.rebind.example:{port}").get_json("/ok")
    assert answers == ["93.184.216.34", "127.0.0.1"] and seen == []


def test_a_name_resolving_to_any_internal_address_is_refused_before_connecting(monkeypatch):
    monkeypatch.delenv(SETTING, raising=False)
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 443)),
        ],
    )
    with pytest.raises(Refused, match="10.1.2.3, an internal address"):
        _client("https://mixed.example").get_json("/x")


def test_replayed_responses_are_checked_by_url_too(monkeypatch):
    answered: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        answered.append(request)
        return httpx.Response(200, json={"ok": True})

    monkeypatch.delenv(SETTING, raising=False)
    replay = httpx.MockTransport(answer)
    for base in ("https://169.254.169.254", "https://[::1]", "https://[::ffff:127.0.0.1]",
                 "https://metadata.google.internal", "http://jira.example.com"):  # fmt: skip
        with pytest.raises(Refused):
            _client(base, transport=replay).get_json("/latest/meta-data")
    assert answered == []
    assert _client("https://jira.example.com", transport=replay).get_json("/x") == {"ok": True}
    monkeypatch.setenv(SETTING, "jira.example.com")
    assert _client("http://jira.example.com", transport=replay).get_json("/x") == {"ok": True}


@pytest.mark.parametrize(
    ("raw", "hosts", "networks"),
    [
        ("", set(), []),
        ("jira.corp.example, 10.0.0.12 ,10.20.0.0/16", {"jira.corp.example"},
         ["10.0.0.12/32", "10.20.0.0/16"]),
        ("GitLab.Local., [fd00::1]", {"gitlab.local"}, ["fd00::1/128"]),
    ],
)  # fmt: skip
def test_the_setting_lists_names_addresses_and_networks(raw, hosts, networks):
    policy = Policy.parse(raw)
    assert set(policy.hosts) == hosts and [str(n) for n in policy.networks] == networks


@pytest.mark.parametrize("raw", ["https://jira.corp", "jira.corp:8080", "jira corp", "10.0.0.0/33"])
def test_a_malformed_setting_is_refused_naming_the_entry(raw):
    with pytest.raises(ValueError, match=SETTING):
        Policy.parse(raw)


def test_settings_fail_loudly_on_a_malformed_allowance(tmp_path):
    from tests.test_settings import _load

    result = _load({SETTING: "jira.corp,http://x"}, tmp_path)
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr
    assert "'http://x' is not a host name" in result.stderr


def test_plain_http_and_public_addresses():
    policy = Policy()
    policy.check_url("https", "api.github.com")
    policy.check_url("https", "93.184.216.34")
    with pytest.raises(Blocked, match="only https"):
        policy.check_url("http", "api.github.com")
    for host in ("127.0.0.1", "10.0.0.1", "192.168.1.1", "172.16.0.1", "100.64.0.1", "0.0.0.0",  # noqa: S104
                 "224.0.0.1", "::1", "fe80::1", "fc00::1"):  # fmt: skip
        with pytest.raises(Blocked, match="internal address"):
            policy.check_url("https", host)
