"""Security headers: a Content-Security-Policy on every page (scripts only from Leadline's own
files, no eval, no inline script), and HSTS only when the site is HTTPS-only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

SRC = Path(__file__).parents[2] / "src" / "leadline"


def policy(response) -> dict[str, list[str]]:
    """Parse a response's Content-Security-Policy into {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict(response) -> None:
    csp = policy(response)
    assert csp["script-src"] == ["'self'"], csp["script-src"]
    assert "'unsafe-eval'" not in " ".join(sum(csp.values(), []))
    assert "'unsafe-inline'" not in csp["style-src"] and "'unsafe-inline'" not in csp["default-src"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]


def _workspace_pages() -> list[str]:
    """Every workspace page that needs no id: the URL map, not a hand-kept list."""
    from leadline.urls import workspace_urls

    return [
        reverse(p.name, args=["acme"])
        for p in workspace_urls
        if not p.pattern.converters and p.name
    ]


def test_every_page_has_a_content_security_policy_without_eval_or_inline_script(
    make_user, make_workspace, client_for
):
    owner = make_user("olga")
    make_workspace("Acme", {owner: "owner"})
    client = client_for(owner)
    pages = _workspace_pages()
    assert "/w/acme/delivery/" in pages and "/w/acme/agreements/" in pages and len(pages) > 20
    for url in pages + ["/account/tokens/", "/api/v1/docs", "/healthz"]:
        assert_strict(client.get(url))
    for url in ["/accounts/login/", "/accounts/password-reset/", "/w/acme/agreements/link/x/"]:
        assert_strict(Client().get(url))
    # Error answers too, including those made before any view runs.
    assert_strict(client.get("/w/no-such-workspace/"))
    refused = Client().get("/accounts/login/", HTTP_HOST="evil.example")
    assert refused.status_code == 400
    assert_strict(refused)


def test_style_elements_carry_the_responses_nonce(make_user, make_workspace, client_for):
    owner = make_user("olga")
    make_workspace("Acme", {owner: "owner"})
    response = client_for(owner).get("/w/acme/raid/")
    nonce = re.search(r"'nonce-([^']+)'", " ".join(policy(response)["style-src"])).group(1)
    styles = re.findall(r"<style([^>]*)>", response.content.decode())
    assert styles and all(f'nonce="{nonce}"' in attrs for attrs in styles)
    # A fresh nonce for every response.
    again = client_for(owner).get("/w/acme/raid/")
    assert nonce not in again.headers["Content-Security-Policy"]


def test_no_template_holds_inline_script_or_event_handlers():
    """Inline code would be blocked by the policy: templates load static files instead."""
    offenders = []
    for template in SRC.rglob("templates/**/*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.relative_to(SRC)}: {tag}")
        for handler in re.findall(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template.relative_to(SRC)}: {handler.strip()}")
        for tag in re.findall(r"<style\b[^>]*>", text):
            if "request.csp_nonce" not in tag:
                offenders.append(f"{template.relative_to(SRC)}: {tag} without the CSP nonce")
        if "javascript:" in text:
            offenders.append(f"{template.relative_to(SRC)}: javascript: URL")
    assert offenders == []


def _headers_with(env: dict[str, str], tmp_path) -> str:
    """Start Leadline with ``env`` in a fresh process; return the HTTPS sign-in page's HSTS."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/accounts/login/', secure=True, HTTP_HOST='127.0.0.1');"
        "print(r.status_code, r.headers.get('Strict-Transport-Security', 'none'))"
    )
    full = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LEADLINE_")},
        "DJANGO_SETTINGS_MODULE": "leadline.settings",
        "LEADLINE_HOME": str(tmp_path),
        **env,
    }
    full.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_hsts_is_sent_only_when_cookies_are_https_only(tmp_path):
    assert _headers_with({}, tmp_path) == "200 none"
    assert _headers_with({"LEADLINE_SECURE_COOKIES": "true"}, tmp_path) == "200 max-age=31536000"
    assert (
        _headers_with({"LEADLINE_SECURE_COOKIES": "true", "LEADLINE_HSTS_SECONDS": "600"}, tmp_path)
        == "200 max-age=600"
    )
