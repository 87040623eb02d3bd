"""`leadline serve` really serves: a fresh home, migrated, answers /healthz over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

LEADLINE = str(Path(sys.executable).with_name("leadline"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_healthz_without_a_shared_control_socket(tmp_path):
    env = {**os.environ, "LEADLINE_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run([LEADLINE, "migrate"], env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [LEADLINE, "serve", "--port", str(port), "--workers", "1", "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, status = time.monotonic() + 60, None
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code
            except httpx.TransportError:
                time.sleep(0.3)
        assert status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in output
    assert "Control socket" not in output  # gunicorn's per-host socket stays off


def test_demo_serves_the_workspace_home_after_signing_in(tmp_path):
    """`leadline demo` builds the workspace (computing its Radar with Polars) and serves it: a
    web worker forked from a process that had used Polars hung on the first page with a metric
    (the workspace home), so the build runs in a child process."""
    env = {**os.environ, "LEADLINE_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    port = _free_port()
    server = subprocess.Popen(
        [LEADLINE, "demo", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, status = time.monotonic() + 300, None
        while time.monotonic() < deadline and status != 200:
            try:
                status = httpx.get(f"{base}/healthz", timeout=2).status_code
            except httpx.TransportError:
                time.sleep(0.5)
        assert status == 200
        with httpx.Client(base_url=base, timeout=60) as client:
            page = client.get("/accounts/login/")
            token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
            signed = client.post(
                "/accounts/login/",
                data={"csrfmiddlewaretoken": token, "username": "demo",
                      "password": "leadline-demo"},
                headers={"Referer": f"{base}/accounts/login/"},
            )  # fmt: skip
            assert signed.status_code == 302
            home = client.get("/w/demo/")
            assert home.status_code == 200
            assert "On the Radar" in home.text
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert "Leadline demo is ready" in output


WARM_UP = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadline.settings")
import django
django.setup()
# Importing Polars and NumPy starts their own threads (jemalloc, out-of-core cleaner, OpenBLAS):
# every process that serves pages loads them; warm_up itself must start none.
import numpy, polars
threads = len(os.listdir("/proc/self/task"))
import leadline.wsgi
from django.db import connections
from django.urls import get_resolver
print("urls", "url_patterns" in vars(get_resolver()), "leadline.outcomes.api" in sys.modules)
print("connections", sum(c.connection is not None for c in connections.all()))
print("new threads", len(os.listdir("/proc/self/task")) - threads)
"""


def test_the_process_that_forks_the_web_workers_has_loaded_the_url_map(tmp_path):
    """`leadline serve` imports leadline.wsgi before forking: the URL map and every app's API
    routes are loaded then (each worker's first page paid 1.5 s for it), with no database
    connection open and no thread started, so forking stays safe."""
    env = {**os.environ, "LEADLINE_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", WARM_UP], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout  # fmt: skip
    assert "urls True True" in out
    assert "connections 0" in out and "new threads 0" in out
