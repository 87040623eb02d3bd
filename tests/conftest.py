"""Shared test helpers: small factories for users, workspaces and signed-in clients."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client

PASSWORD = "correct-horse-battery-staple"

# Fixtures through which a test reaches the database (directly or via another fixture).
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


def uses_database(item: pytest.Item) -> bool:
    """Whether a collected test touches the database: marked django_db, or asks for a fixture
    that needs it (``fixturenames`` is the whole closure, so ``make_user`` counts)."""
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(names & _DATABASE_FIXTURES)


def pytest_configure(config: pytest.Config) -> None:
    """Hash the tests' passwords with a quick Argon2 (tests/hashers.py says why)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = [
        "tests.hashers.QuickArgon2PasswordHasher",
        *settings.PASSWORD_HASHERS,
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With LEADLINE_TESTS_DATABASE_ONLY=1 (``make test-postgres``), run only the tests that
    touch the database: the others (engines, connectors against recorded responses, charts)
    do not depend on it and already ran on SQLite."""
    if os.environ.get("LEADLINE_TESTS_DATABASE_ONLY") != "1":
        return
    keep = [item for item in items if uses_database(item)]
    dropped = [item for item in items if not uses_database(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


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
