"""Data files in LEADLINE_HOME are the owner's alone: database, its WAL and SHM, keys, uploads.

Each test runs under the common umask 022, under which a plain create gives 0644.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, connections

from .serving import LEADLINE


def _mode(path: Path | str) -> str:
    return oct(os.stat(path).st_mode & 0o777)


@pytest.fixture(autouse=True)
def _common_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "LEADLINE_HOME": str(home)}
    for name in ("DATABASE_URL", "LEADLINE_SECRET_KEY", "LEADLINE_ENCRYPTION_KEYS"):
        env.pop(name, None)
    return env


def test_a_fresh_home_keeps_its_database_its_wal_and_its_keys_private(tmp_path):
    home = tmp_path / "home"
    subprocess.run(
        [LEADLINE, "migrate"], env=_env(home), check=True, capture_output=True, timeout=180
    )
    db = home / "leadline.sqlite3"
    modes = {
        name: _mode(home / name) for name in ("leadline.sqlite3", "secret_key", "encryption_key")
    }
    assert modes == dict.fromkeys(modes, "0o600")
    assert _mode(home) == "0o700"
    # While the database is open (as in a running server) SQLite keeps its WAL and SHM files,
    # created with the database file's mode.
    reader = sqlite3.connect(db)
    try:
        reader.execute("PRAGMA journal_mode=WAL")
        reader.execute("CREATE TABLE probe (x integer)")
        reader.commit()
        assert (_mode(f"{db}-wal"), _mode(f"{db}-shm")) == ("0o600", "0o600")
    finally:
        reader.close()


def test_a_world_readable_database_and_wal_from_before_are_made_private(tmp_path):
    db = tmp_path / "leadline.sqlite3"
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.touch(mode=0o644)
    subprocess.run(
        [sys.executable, "-c", "import leadline.settings"],
        env=_env(tmp_path),
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert [_mode(db), _mode(f"{db}-wal"), _mode(f"{db}-shm")] == ["0o600"] * 3


@pytest.mark.django_db
def test_a_database_made_by_another_hand_is_private_once_opened():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its files itself")
    # As a restore that copies a backup in place, or the test runner, would leave it:
    name = connection.settings_dict["NAME"]
    for path in (name, f"{name}-wal"):
        os.chmod(path, 0o644)
    other = connections.create_connection("default")
    try:
        other.ensure_connection()
    finally:
        other.close()
    assert (_mode(name), _mode(f"{name}-wal")) == ("0o600", "0o600")


@pytest.mark.django_db
def test_uploads_are_private(make_user, make_workspace, api_for, settings, tmp_path):
    settings.HOME = tmp_path
    lead = make_user("lead")
    ws = make_workspace("Files", {lead: "lead"})
    handle = io.BytesIO(b"key,type,status,date\nA-1,Story,Done,2024-01-02\n")
    handle.name = "items.csv"
    response = api_for(lead).post(
        f"/api/v1/workspaces/{ws.slug}/imports", {"file": handle, "kind": "csv"}
    )
    assert response.status_code == 202, response.content
    [saved] = (tmp_path / "uploads" / ws.slug).iterdir()
    assert _mode(saved) == "0o600"
    assert (_mode(tmp_path / "uploads"), _mode(tmp_path / "uploads" / ws.slug)) == ("0o700",) * 2
