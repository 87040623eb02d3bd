"""Benchmark: signed-in users against a real `leadline serve` (demo data), at a fixed rate.

For each database (SQLite in a throwaway folder; with ``--postgres URL`` also a throwaway
PostgreSQL database created on that server and dropped afterwards) it builds the demo workspace
(`leadline demo --no-serve`), adds ``--users`` accounts (each signs in through the real form and
has a personal API token), starts `leadline serve --workers N`, and sends a fixed mix of
dashboard pages, governance pages and API calls from those users.

The load is open-loop: request i is sent at start + i / rate whatever happened to earlier ones,
so a slow server cannot slow the load down, and each latency is measured from the time the
request was due (a late client counts against the result, never for it). A warm-up at the same
rate runs first and is not counted. An answer other than 200 is an error, and so is an
``/api/v1/me`` answer naming another user than the asker.

Run: ``.venv/bin/python benchmarks/bench_load.py [--rate 20] [--seconds 30] [--users 8]
[--workers 2] [--postgres postgres://postgres@127.0.0.1:5432]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
LEADLINE = str(Path(sys.executable).with_name("leadline"))
PASSWORD = "load-test-passphrase-42"  # noqa: S105 - a throwaway account in a throwaway database
WS = "demo"

# (group, kind, path template, weight); {team} is one of the demo's teams, chosen per request.
MIX: list[tuple[str, str, str, int]] = [
    ("dashboard", "page", "/w/demo/", 2),
    ("dashboard", "page", "/w/demo/delivery/?team={team}", 4),
    ("dashboard", "page", "/w/demo/delivery/dora/?team={team}", 3),
    ("dashboard", "page", "/w/demo/delivery/dora/", 1),
    ("dashboard", "page", "/w/demo/delivery/portfolio/", 2),
    ("dashboard", "page", "/w/demo/forecasts/?team={team}", 2),
    ("governance", "page", "/w/demo/raid/", 3),
    ("governance", "page", "/w/demo/raid/dependencies/", 1),
    ("governance", "page", "/w/demo/decisions/", 2),
    ("governance", "page", "/w/demo/agreements/", 1),
    ("governance", "page", "/w/demo/changes/", 1),
    ("governance", "page", "/w/demo/jobs/", 1),
    ("api", "api", "/api/v1/me", 2),
    ("api", "api", "/api/v1/workspaces/demo/raid", 2),
    ("api", "api", "/api/v1/workspaces/demo/decisions", 1),
    ("api", "api", "/api/v1/workspaces/demo/items?limit=50&team={team}", 2),
    ("api", "api", "/api/v1/workspaces/demo/metrics/flow?team={team}", 2),
    ("api", "api", "/api/v1/workspaces/demo/metrics/dora?team={team}", 2),
]


@dataclass
class User:
    username: str
    token: str
    pages: httpx.AsyncClient | None = None
    api: httpx.AsyncClient | None = None


@dataclass
class Result:
    group: str
    path: str
    seconds: float
    error: str = ""
    late: float = 0.0  # how long after its due time the client got to send it


@dataclass
class Run:
    database: str
    rate: float
    seconds: float
    results: list[Result] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after
    cpu: float | None = None  # CPU seconds the server used while measured


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def setup_users(count: int) -> None:
    """(Run in a child process on the benchmark's database.) Add the load users to the demo."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadline.settings")
    import django

    django.setup()
    from leadline.workspaces.models import Team, Workspace
    from leadline.workspaces.services import create_user, issue_token, set_membership

    workspace = Workspace.objects.get(slug=WS)
    users = []
    for n in range(count):
        user = create_user(f"load{n}", PASSWORD)
        set_membership(workspace, user, "lead")
        users.append({"username": user.username, "token": issue_token(user, "load")[1]})
    teams = list(Team.objects.filter(workspace=workspace).values_list("slug", flat=True))
    print(json.dumps({"users": users, "teams": teams}))


def prepare(env: dict[str, str], users: int) -> dict[str, Any]:
    """Build the demo and the load users in the database ``env`` points at."""
    subprocess.run(
        [LEADLINE, "demo", "--no-serve"], env=env, check=True, capture_output=True, timeout=1800
    )
    out = subprocess.run(
        [sys.executable, __file__, "--setup-users", str(users)],
        env=env, check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


async def sign_in(base: str, user: User) -> None:
    """Sign ``user`` in through the login form (CSRF and all), as a browser would."""
    pages = httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False)
    form = await pages.get("/accounts/login/")
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    if match is None:
        raise SystemExit("the login page has no CSRF token")
    answer = await pages.post(
        "/accounts/login/",
        data={"username": user.username, "password": PASSWORD,
              "csrfmiddlewaretoken": match.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
    )  # fmt: skip
    if answer.status_code != 302 or "sessionid" not in pages.cookies:
        raise SystemExit(f"{user.username} could not sign in: {answer.status_code}")
    user.pages = pages
    headers = {"Authorization": f"Bearer {user.token}"}
    user.api = httpx.AsyncClient(base_url=base, timeout=60, headers=headers)


async def one(user: User, group: str, kind: str, path: str, due: float) -> Result:
    client = user.pages if kind == "page" else user.api
    assert client is not None
    loop = asyncio.get_running_loop()
    late = loop.time() - due
    error = ""
    try:
        response = await client.get(path, timeout=30)
        if response.status_code != 200:
            error = f"{response.status_code}"
        elif path == "/api/v1/me" and response.json().get("username") != user.username:
            error = "another user's answer"
    except httpx.HTTPError as exc:
        error = type(exc).__name__
    return Result(group, path.split("?")[0], loop.time() - due, error, late)


async def drive(base: str, users: list[User], teams: list[str], rate: float, seconds: float,
                seed: int) -> list[Result]:  # fmt: skip
    """Send ``rate`` requests a second for ``seconds`` (open loop) and return their results."""
    rng = random.Random(seed)
    weights = [w for *_, w in MIX]
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    tasks = []
    for i in range(int(rate * seconds)):
        group, kind, template, _ = rng.choices(MIX, weights)[0]
        path = template.format(team=rng.choice(teams))
        user = users[i % len(users)]
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - loop.time()))
        tasks.append(asyncio.create_task(one(user, group, kind, path, due)))
    return list(await asyncio.gather(*tasks))


async def load(base: str, users_info: list[dict[str, str]], teams: list[str],
               args: argparse.Namespace, run: Run, sid: int) -> list[Result]:  # fmt: skip
    users = [User(u["username"], u["token"]) for u in users_info]
    await asyncio.gather(*(sign_in(base, u) for u in users))
    try:
        if args.warmup > 0:
            await drive(base, users, teams, args.rate, args.warmup, seed=1)
        cpu = session_cpu_seconds(sid)
        results = await drive(base, users, teams, args.rate, args.seconds, seed=2)
        after = session_cpu_seconds(sid)
        if cpu is not None and after is not None:
            run.cpu = after - cpu
        return results
    finally:
        for u in users:
            for client in (u.pages, u.api):
                if client is not None:
                    await client.aclose()


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"leadline serve exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("leadline serve did not answer /healthz")


def run_on(database: str, env: dict[str, str], args: argparse.Namespace) -> Run:
    print(f"== {database}: building the demo and {args.users} users", file=sys.stderr, flush=True)
    info = prepare(env, args.users)
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(Path(env["LEADLINE_HOME"]) / "serve.log", "ab")  # noqa: SIM115
    server = subprocess.Popen(
        [LEADLINE, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    run = Run(database, args.rate, args.seconds)
    try:
        wait_ready(base, server)
        print(f"== {database}: {args.rate:g} req/s for {args.seconds:g} s (after "
              f"{args.warmup:g} s warm-up)", file=sys.stderr, flush=True)  # fmt: skip
        before = os.getloadavg()[0]
        run.results = asyncio.run(load(base, info["users"], info["teams"], args, run, server.pid))
        run.load = (before, os.getloadavg()[0])
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return run


def session_cpu_seconds(sid: int) -> float | None:
    """CPU seconds (user + system) used so far by the live processes of session ``sid``.

    The server runs in its own session (master, web workers, job worker), so this is its CPU
    cost whatever else the machine is doing; None where /proc is not there (not Linux).
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state ppid pgrp session ... utime(12) stime(13) (0-based here).
        if int(fields[3]) == sid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile of ``values`` (seconds), in milliseconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def report(runs: list[Run]) -> None:
    print("| database | rate/s | seconds | requests | errors | p50 ms | p95 ms | p99 ms | "
          "max ms | server CPU ms/request | load avg before/after |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for run in runs:
        times = [r.seconds for r in run.results]
        errors = sum(1 for r in run.results if r.error)
        cpu = f"{1000 * run.cpu / len(times):.0f}" if run.cpu is not None and times else "n/a"
        print(f"| {run.database} | {run.rate:g} | {run.seconds:g} | {len(times)} | {errors} | "
              f"{pct(times, 50):.0f} | {pct(times, 95):.0f} | {pct(times, 99):.0f} | "
              f"{max(times) * 1000:.0f} | {cpu} | {run.load[0]:.1f} / {run.load[1]:.1f} |")  # fmt: skip
    print()
    print("| database | group | requests | errors | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for run in runs:
        groups: dict[str, list[Result]] = defaultdict(list)
        for r in run.results:
            groups[r.group].append(r)
        for group, rows in sorted(groups.items()):
            times = [r.seconds for r in rows]
            print(f"| {run.database} | {group} | {len(rows)} | {sum(1 for r in rows if r.error)} "
                  f"| {pct(times, 50):.0f} | {pct(times, 95):.0f} | {pct(times, 99):.0f} |")  # fmt: skip
    print()
    for run in runs:
        late = [r.late for r in run.results]
        print(f"{run.database}: the client sent p99 {pct(late, 99):.0f} ms, at worst "
              f"{max(late, default=0) * 1000:.0f} ms after the due time (included above)")  # fmt: skip
        paths: dict[str, list[float]] = defaultdict(list)
        for r in run.results:
            paths[r.path].append(r.seconds)
        slowest = sorted(paths.items(), key=lambda kv: -pct(kv[1], 95))[:4]
        text = ", ".join(f"{p} {pct(t, 95):.0f} ms" for p, t in slowest)
        print(f"{run.database}: slowest p95: {text}")
        errors = defaultdict(int)
        for r in run.results:
            if r.error:
                errors[f"{r.path} {r.error}"] += 1
        if errors:
            print(f"{run.database}: errors: {dict(errors)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured duration")
    parser.add_argument("--warmup", type=float, default=5.0, help="uncounted seconds first")
    parser.add_argument("--users", type=int, default=8, help="signed-in users")
    parser.add_argument("--workers", type=int, default=2, help="web worker processes")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--postgres", help="also run on a throwaway database on this server")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--keep", action="store_true", help="keep the data folders")
    parser.add_argument("--setup-users", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup_users is not None:
        setup_users(args.setup_users)
        return
    runs = []
    base_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LEADLINE_QUEUE"}}
    (HERE / ".work").mkdir(exist_ok=True)
    if not args.no_sqlite:
        home = tempfile.mkdtemp(prefix="load-sqlite-", dir=HERE / ".work")
        try:
            runs.append(run_on("SQLite", {**base_env, "LEADLINE_HOME": home}, args))
        finally:
            if not args.keep:
                shutil.rmtree(home, ignore_errors=True)
    if args.postgres:
        import psycopg

        name = f"leadline_load_{os.getpid()}"
        server = args.postgres.rstrip("/")
        home = tempfile.mkdtemp(prefix="load-pg-", dir=HERE / ".work")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        try:
            env = {**base_env, "LEADLINE_HOME": home, "DATABASE_URL": f"{server}/{name}"}
            runs.append(run_on("PostgreSQL", env, args))
        finally:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            if not args.keep:
                shutil.rmtree(home, ignore_errors=True)
    report(runs)


if __name__ == "__main__":
    main()
