"""Helpers for tests that start `leadline serve` or `leadline worker` as real processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

LEADLINE = str(Path(sys.executable).with_name("leadline"))


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url() -> str:
    """Return a DATABASE_URL naming the database this test runs against (the test database)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] or "postgres"
    if db["PASSWORD"]:
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment for a child process on the test database, signing like this process."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "LEADLINE_HOME": str(home),
        # The same signing key, so sessions made by the test are valid in the server.
        "LEADLINE_SECRET_KEY": settings.SECRET_KEY,
        "PYTHONPATH": os.getcwd(),
        **extra,
    }


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a `leadline` command in its own process group, its output going to ``log``."""
    return subprocess.Popen(
        [LEADLINE, *args],
        env=env,
        start_new_session=True,  # its own group, so stopping it takes its children too
        stdout=open(log, "ab"),  # noqa: SIM115 (the child keeps it open)
        stderr=subprocess.STDOUT,
    )


def wait_for_port(port: int, proc: subprocess.Popen[Any], timeout: float = 60.0) -> None:
    """Wait until something accepts TCP connections on ``port`` (no HTTP request is sent)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited with {proc.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listened on port {port} within {timeout:.0f} s")


def stop(proc: subprocess.Popen[Any], sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    """Send ``sig`` to the process group and wait; kill the group if it does not stop."""
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=timeout)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)
