"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CASES = [
    ({"LEADLINE_DEBUG": "maybe"}, "LEADLINE_DEBUG='maybe' is not a boolean"),
    ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL scheme 'mysql' is not supported"),
    ({"LEADLINE_QUEUE": "amqp://x"}, "LEADLINE_QUEUE='amqp://x'"),
    ({"LEADLINE_JOB_STALE_SECONDS": "soon"}, "is not a whole number"),
    ({"LEADLINE_SECRET_KEY": "short"}, "at least 32 characters"),
    ({"LEADLINE_ENCRYPTION_KEYS": "not-a-key"}, "not a Fernet key"),
    ({"LEADLINE_EMAIL_URL": "pigeon://x"}, "LEADLINE_EMAIL_URL scheme 'pigeon'"),
    ({"LEADLINE_LOG_LEVEL": "LOUD"}, "is not a log level"),
    ({"LEADLINE_LOGIN_FAILURE_LIMIT": "0"}, "LEADLINE_LOGIN_FAILURE_LIMIT='0' must be at least 1"),
    ({"LEADLINE_LOGIN_FAILURE_LIMIT": "five"}, "is not a whole number"),
    ({"LEADLINE_LOGIN_FAILURE_LIMIT": "1000"}, "too high to stop password guessing"),
    ({"LEADLINE_LOGIN_ADDRESS_FAILURE_LIMIT": "5000"}, "is too high to stop password guessing"),
    ({"LEADLINE_LOCKOUT_MINUTES": "0"}, "LEADLINE_LOCKOUT_MINUTES='0' must be at least 1"),
    ({"LEADLINE_LOCKOUT_MINUTES": "99999"}, "longer than a week"),
    ({"LEADLINE_PASSWORD_RESET_LIMIT": "0"}, "LEADLINE_PASSWORD_RESET_LIMIT='0' must be at"),
    ({"LEADLINE_PASSWORD_RESET_CLIENT_LIMIT": "x"}, "is not a whole number"),
    ({"LEADLINE_LINK_DAYS": "120"}, "LEADLINE_LINK_DAYS=120 is longer than LEADLINE_LINK_MAX_DAYS"),
    ({"LEADLINE_LINK_MAX_DAYS": "1000"}, "a link may live at most a year"),
    ({"LEADLINE_HSTS_SECONDS": "600"}, "LEADLINE_HSTS_SECONDS is set but LEADLINE_SECURE_COOKIES"),
    (
        {"LEADLINE_SECURE_COOKIES": "true", "LEADLINE_HSTS_SECONDS": "-1"},
        "LEADLINE_HSTS_SECONDS='-1' must be at least 0",
    ),
]


def _load(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "LEADLINE_HOME": str(tmp_path), **env}
    full.pop("DATABASE_URL", None) if "DATABASE_URL" not in env else None
    return subprocess.run(
        [sys.executable, "-c", "import leadline.settings"],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("env", "message"), CASES)
def test_a_bad_setting_fails_loudly_naming_it(env, message, tmp_path):
    result = _load(env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_no_configuration_means_sqlite_in_the_data_folder(tmp_path):
    code = "import leadline.settings as s; print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "LEADLINE_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert out.split() == ["django.db.backends.sqlite3", str(tmp_path / "leadline.sqlite3")]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_switches_to_postgresql(tmp_path):
    code = "import leadline.settings as s; print(s.DATABASES['default']['ENGINE'])"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "LEADLINE_HOME": str(tmp_path), "DATABASE_URL": "postgres://u@h/db"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert out.strip() == "django.db.backends.postgresql"
