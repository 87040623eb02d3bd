"""Shared test helpers: small factories for users, workspaces and signed-in clients."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Start every test with an empty cache (cached reports are keyed on data, not tests)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def make_user(db: Any) -> Any:
    """Return a factory creating a user with the shared test password."""
    from django.contrib.auth import get_user_model

    def make(username: str, **extra: Any) -> Any:
        return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)

    return make


@pytest.fixture
def make_workspace(db: Any) -> Any:
    """Return a factory creating a workspace with members given as {user: role}."""
    from leadline.workspaces.services import create_workspace, set_membership

    def make(name: str, members: dict[Any, str] | None = None) -> Any:
        workspace = create_workspace(name, None)
        for user, role in (members or {}).items():
            set_membership(workspace, user, role)
        return workspace

    return make


@pytest.fixture
def client_for() -> Any:
    """Return a factory for a test client signed in as a user."""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for(db: Any) -> Any:
    """Return a factory for an API client authenticated with a fresh personal token."""
    from leadline.workspaces.services import issue_token

    def make(user: Any) -> Client:
        _, raw = issue_token(user, "test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make
