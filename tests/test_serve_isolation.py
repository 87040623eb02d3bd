"""Concurrent users right after `leadline serve --workers 2` starts each get their own rows.

A database connection opened in gunicorn's master and inherited by the forked workers is one
socket shared by two processes: their queries and answers interleave, so one user can receive
another's rows (or the protocol breaks). This starts the real server on the test database and
fires requests from several users at once, at the moment the workers first touch the database.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest
from django.test import Client

from leadline.workspaces.services import create_workspace, issue_token, set_membership

from .serving import free_port, server_env, start, stop, wait_for_port

USERS = 4
ROUNDS = 2  # server starts
BURSTS = 3  # concurrent bursts per start


def _users(make_user: Any) -> list[dict[str, str]]:
    users = []
    for n in range(USERS):
        user = make_user(f"user{n}")
        workspace = create_workspace(f"Workspace of user{n}", None, slug=f"space-{n}")
        set_membership(workspace, user, "owner")
        _, token = issue_token(user, "load")
        client = Client()
        client.force_login(user)
        users.append(
            {
                "username": user.username,
                "slug": workspace.slug,
                "name": workspace.name,
                "token": token,
                "session": client.cookies["sessionid"].value,
            }
        )
    return users


def _requests(user: dict[str, str]) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    bearer = {"Authorization": f"Bearer {user['token']}"}
    session = {"sessionid": user["session"]}
    return [
        ("/api/v1/me", bearer, {}),
        (f"/api/v1/workspaces/{user['slug']}", bearer, {}),
        (f"/api/v1/workspaces/{user['slug']}/teams", bearer, {}),
        (f"/w/{user['slug']}/", {}, session),
    ]


def _check(user: dict[str, str], others: list[dict[str, str]], path: str, resp: Any) -> str:
    """Return what is wrong with ``resp`` for ``user`` ('' when it is their own answer)."""
    if resp.status_code != 200:
        return f"{user['username']} {path}: {resp.status_code} {resp.text[:200]!r}"
    text = resp.text
    if path == "/api/v1/me":
        body = resp.json()
        got = (body["username"], [w["name"] for w in body["workspaces"]])
        if got != (user["username"], [user["name"]]):
            return f"{user['username']} {path}: got {got}"
    elif path.endswith("/teams"):
        if resp.json() != []:
            return f"{user['username']} {path}: got {resp.json()}"
    elif user["name"] not in text:
        return f"{user['username']} {path}: their workspace name is missing"
    leaked = [o["name"] for o in others if o["name"] in text]
    return f"{user['username']} {path}: shows {leaked}" if leaked else ""


def _burst(base: str, users: list[dict[str, str]]) -> list[str]:
    calls = [(u, *r) for u in users for r in _requests(u)]
    barrier = threading.Barrier(len(calls))
    problems: list[str] = []

    def call(user: dict[str, str], path: str, headers: dict[str, str], cookies: Any) -> None:
        others = [o for o in users if o is not user]
        with httpx.Client(base_url=base, headers=headers, cookies=cookies, timeout=20) as http:
            barrier.wait()
            try:
                problem = _check(user, others, path, http.get(path))
            except httpx.HTTPError as exc:
                problem = f"{user['username']} {path}: {type(exc).__name__} {exc}"
        if problem:
            problems.append(problem)

    threads = [threading.Thread(target=call, args=c) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return problems


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_users_get_only_their_own_rows_right_after_start(make_user, tmp_path):
    users = _users(make_user)
    env = server_env(tmp_path)
    problems: list[str] = []
    for round_ in range(ROUNDS):
        port = free_port()
        server = start(
            ["serve", "--port", str(port), "--workers", "2"], env, tmp_path / "serve.log"
        )
        try:
            wait_for_port(port, server)  # the master listens; its workers are still starting
            for _ in range(BURSTS):
                problems += [
                    f"start {round_ + 1}: {p}" for p in _burst(f"http://127.0.0.1:{port}", users)
                ]
        finally:
            stop(server)
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert not problems, "\n".join(problems[:20]) + "\n--- server log ---\n" + log[-3000:]
