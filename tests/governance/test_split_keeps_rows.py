"""Splitting governance into one app per domain loses no row, on SQLite and on PostgreSQL.

The fixture is a SQLite database built by main at 18b4ce1, before the split: ``leadline demo
--no-serve`` plus a decision comment, a notification channel, a change request linked to RAID
items and one escalation run (alerts and notifications), with the bulk delivery rows trimmed.
Every governance table holds rows. The tests migrate it with today's code and compare every row
of every table before and after.

PostgreSQL: the new code's migration graph still reaches main's state (every app at its latest,
governance at 0002, the five new apps unapplied: their 0001 and governance 0003 only move models
in Django's state), so the test migrates a fresh database to exactly that state, checks that its
migration history equals the fixture's, copies the fixture's rows in table by table (COPY), then
runs ``leadline migrate`` and compares again.
"""

# Table names come from the databases themselves, never from input.
# ruff: noqa: S608

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURE = Path(__file__).parents[1] / "fixtures" / "migrations" / "main-18b4ce1.sqlite3.gz"
# `python -m leadline.cli`: the same command as the `leadline` script, whichever module holds it.
LEADLINE = [sys.executable, "-m", "leadline.cli"]
NEW_MIGRATIONS = {
    ("raid", "0001_initial"),
    ("decisions", "0001_initial"),
    ("agreements", "0001_initial"),
    ("changes", "0001_initial"),
    ("notify", "0001_initial"),
    ("governance", "0003_move_models_to_domain_apps"),
}
MOVED_APPS = {"raid", "decisions", "agreements", "changes", "notify"}
# Tables whose rows the migration is meant to change: its own history and the relabelled types.
CHANGED = {"django_migrations", "django_content_type"}

# Run with the new code: the moved models read their rows, and the audit log's names resolve.
ORM_CHECK = """
import json
import django
django.setup()  # DJANGO_SETTINGS_MODULE is set by _env
from django.contrib.contenttypes.models import ContentType
from leadline.web.labels import model_named
from leadline.raid.models import RaidItem, RaidHistory
from leadline.decisions.models import Decision, DecisionDomain, DecisionComment
from leadline.agreements.models import WorkingAgreement, AgreementVersion, Acknowledgement
from leadline.changes.models import ChangeRequest
from leadline.notify.models import Alert, Notification, NotificationChannel
from leadline.governance.models import GovernanceSettings
models = [RaidItem, RaidHistory, Decision, DecisionDomain, DecisionComment, WorkingAgreement,
          AgreementVersion, Acknowledgement, ChangeRequest, Alert, Notification,
          NotificationChannel, GovernanceSettings]
cr = ChangeRequest.objects.get()
print(json.dumps({
    "counts": {m._meta.label: m.objects.count() for m in models},
    "named": {n: model_named(n)._meta.label for n in ("raiditem", "decision", "changerequest")},
    "types": sorted(ContentType.objects.filter(
        app_label__in=["governance", "raid", "decisions", "agreements", "changes", "notify"]
    ).values_list("app_label", "model")),
    "change": [cr.title, sorted(d.name for d in cr.domains.all()), cr.raid_items.count(),
               cr.decision.title if cr.decision else None],
    "consulted": sorted(p.name for d in DecisionDomain.objects.all() for p in d.consulted.all()),
    "triage": sorted(p.name for s in GovernanceSettings.objects.all() for p in s.triage_group.all()),
    "comment": DecisionComment.objects.get().text,
}))
"""


def _unzip(to: Path) -> Path:
    with gzip.open(FIXTURE) as src, open(to, "wb") as out:
        shutil.copyfileobj(src, out)
    return to


def _sqlite_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table, in a stable order."""
    con = sqlite3.connect(path)
    try:
        tables = [
            t
            for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if not t.startswith("sqlite_")
        ]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"'), key=repr) for t in tables}
    finally:
        con.close()


def _env(home: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LEADLINE_HOME=str(home), DJANGO_SETTINGS_MODULE="leadline.settings")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _check_orm(env: dict[str, str], before: dict[str, list[tuple[Any, ...]]]) -> None:
    seen = json.loads(_run([sys.executable, "-c", ORM_CHECK], env).strip().splitlines()[-1])
    counts = seen["counts"]
    assert counts["raid.RaidItem"] == len(before["governance_raiditem"]) == 11
    assert counts["raid.RaidHistory"] == len(before["governance_raidhistory"])
    assert counts["decisions.Decision"] == len(before["governance_decision"]) == 3
    assert counts["agreements.Acknowledgement"] == len(before["governance_acknowledgement"]) == 8
    assert counts["notify.Alert"] == len(before["governance_alert"]) == 12
    assert counts["notify.NotificationChannel"] == 1
    assert counts["governance.GovernanceSettings"] == len(before["governance_governancesettings"])
    assert all(n > 0 for n in counts.values()), counts
    assert seen["named"] == {
        "raiditem": "raid.RaidItem",
        "decision": "decisions.Decision",
        "changerequest": "changes.ChangeRequest",
    }
    assert ["governance", "governancesettings"] in seen["types"]
    assert ["raid", "raiditem"] in seen["types"] and ["notify", "alert"] in seen["types"]
    assert not [t for t in seen["types"] if t[0] == "governance" and t[1] != "governancesettings"]
    title, domains, raid_links, decision = seen["change"]
    assert raid_links == 2 and domains and title
    assert seen["consulted"] and seen["triage"]
    assert seen["comment"] == "Fixture comment: the migration keeps me."


# Apps added after the split, and later migrations of older apps: their tables, content types
# and migrations are not the split's.
NEW_APPS = (
    "alignment", "cadence", "clauses", "competency", "concentration", "impact", "outcomes", "pulse",
    "radar", "retro",
)  # fmt: skip
LATER = {
    ("workspaces", "0004_alter_stakeholderlink_purpose"),
    ("workspaces", "0005_decision_input_links"),
    ("workspaces", "0006_alter_stakeholderlink_purpose"),
    ("decisions", "0002_decisioninput"),
    ("delivery", "0007_code_reviews"),
}
# Models added to older apps after the split: (app, model) and their tables.
LATER_MODELS = {
    ("decisions", "decisioninput"),
    ("delivery", "codereview"),
    ("delivery", "codeaccount"),
}
LATER_TABLES = ("decisions_input", "delivery_code_review", "delivery_code_account")
# Columns added to existing tables after the split (appended last): their rows keep every
# value they had, and the new column holds its default.
LATER_COLUMNS: dict[str, tuple[Any, ...]] = {"delivery_change": ("[]", [])}  # text or jsonb


def _permission_type(row: tuple[Any, ...]) -> Any:
    # auth_permission's content type column: second on SQLite, third on PostgreSQL.
    return row[1] if isinstance(row[1], int) else row[2]


def _compare(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> None:
    new_types = {
        r[0]
        for r in after.get("django_content_type", [])
        if r[1] in NEW_APPS or tuple(r[1:3]) in LATER_MODELS
    }
    after = {
        t: [r for r in rows if not (t == "auth_permission" and _permission_type(r) in new_types)
            and not (t == "django_content_type" and r[0] in new_types)
            and not (t == "django_migrations" and (r[1] in NEW_APPS or r[1:3] in LATER))]
        for t, rows in after.items()
        if not t.startswith(tuple(f"{a}_" for a in NEW_APPS)) and t not in LATER_TABLES
    }  # fmt: skip
    assert set(after) == set(before), "no table is created or dropped"
    for table, rows in before.items():
        if table in LATER_COLUMNS:
            assert [r[:-1] for r in after[table]] == rows, f"{table}: rows changed"
            assert all(r[-1] in LATER_COLUMNS[table] for r in after[table]), table
        elif table not in CHANGED:
            assert after[table] == rows, f"{table}: rows changed"
        else:
            assert len(after[table]) >= len(rows), table


def _content_types(rows: list[tuple[Any, ...]]) -> dict[int, tuple[str, str]]:
    return {row[0]: (row[1], row[2]) for row in rows}


def _check_types(before: list[tuple[Any, ...]], after: list[tuple[Any, ...]]) -> None:
    """Every content type keeps its id (so permissions follow); the moved ones name their app."""
    old = _content_types(before)
    new = {
        pk: t
        for pk, t in _content_types(after).items()
        if t[0] not in NEW_APPS and t not in LATER_MODELS
    }
    assert set(new) == set(old), "no content type is added or removed"
    for pk, (app, model) in old.items():
        if app == "governance" and model != "governancesettings":
            assert new[pk][0] in MOVED_APPS and new[pk][1] == model
        else:
            assert new[pk] == (app, model)


def test_migrating_mains_sqlite_database_keeps_every_row(tmp_path):
    db = _unzip(tmp_path / "leadline.sqlite3")
    before = _sqlite_rows(db)
    assert all(before[t] for t in before if t.startswith("governance_")), "the fixture fills all"
    env = _env(tmp_path, None)
    _run([*LEADLINE, "migrate"], env)
    after = _sqlite_rows(db)
    _compare(before, after)
    old = {(r[1], r[2]) for r in before["django_migrations"]}
    new = {(r[1], r[2]) for r in after["django_migrations"]}
    later = {m for m in new - old if m[0] in NEW_APPS or m in LATER}
    assert new - old - later == NEW_MIGRATIONS and old <= new
    # Django's own layout of the content types table: (id, app_label, model).
    _check_types(before["django_content_type"], after["django_content_type"])
    _check_orm(env, before)
    _run([*LEADLINE, "migrate"], env)  # a second run changes nothing
    assert _sqlite_rows(db) == after


OLD_STATE = """
import django
django.setup()  # DJANGO_SETTINGS_MODULE is set by _env
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
executor = MigrationExecutor(connection)
moved = {"raid", "decisions", "agreements", "changes", "notify", "governance"}
new_apps = {"alignment", "cadence", "clauses", "competency", "concentration", "impact", "outcomes",
            "pulse", "radar", "retro"}  # NEW_APPS: added after the split
later = {("workspaces", "0004_alter_stakeholderlink_purpose"): ("workspaces", "0003_time_zones"),
         ("workspaces", "0005_decision_input_links"): ("workspaces", "0003_time_zones"),
         ("workspaces", "0006_alter_stakeholderlink_purpose"): ("workspaces", "0003_time_zones"),
         ("delivery", "0007_code_reviews"): ("delivery", "0006_record_imported_at")}
targets = [later.get(n, n) for n in executor.loader.graph.leaf_nodes()
           if n[0] not in moved | new_apps]
targets.append(("governance", "0002_decision_comments_change_scope"))
executor.migrate(targets)
"""


@pytest.mark.django_db
def test_migrating_mains_postgresql_database_keeps_every_row(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL (DATABASE_URL=postgres://…)")
    import psycopg

    cfg = connection.settings_dict
    server = dict(
        host=cfg["HOST"] or "127.0.0.1",
        port=cfg["PORT"] or 5432,
        user=cfg["USER"] or "postgres",
        password=cfg["PASSWORD"] or None,
    )
    name = f"{cfg['NAME']}_split"[:63]
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    url = f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    pg = psycopg.connect(dbname=name, autocommit=True, **server)
    try:
        _postgresql_round(tmp_path, url, pg)
    finally:
        pg.close()
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_rows(pg: Any, tables: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    return {t: sorted(pg.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def _postgresql_round(tmp_path: Path, url: str, pg: Any) -> None:
    env = _env(tmp_path, url)
    _run([sys.executable, "-c", OLD_STATE], env)
    source = _sqlite_rows(_unzip(tmp_path / "fixture.sqlite3"))
    history = {(r[1], r[2]) for r in source["django_migrations"]}
    pg.execute("SET TIME ZONE 'UTC'")
    applied = set(pg.execute("SELECT app, name FROM django_migrations").fetchall())
    assert applied == history, "the database is at main's migration state"
    tables = [
        t
        for (t,) in pg.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
    ]
    assert set(tables) == set(source), "main's schema has exactly the fixture's tables"
    copied = [t for t in tables if t != "django_migrations"]
    pg.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in copied) + " RESTART IDENTITY")
    # One transaction: the foreign keys (deferred) are checked once every table is in.
    with pg.transaction():
        sqlite = sqlite3.connect(tmp_path / "fixture.sqlite3")
        for table in copied:
            columns = [row[1] for row in sqlite.execute(f'PRAGMA table_info("{table}")')]
            names = ", ".join(f'"{c}"' for c in columns)
            with pg.cursor() as cur, cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in sqlite.execute(f'SELECT {names} FROM "{table}"'):
                    copy.write_row(row)
            if "id" not in columns:
                continue
            serial = pg.execute("SELECT pg_get_serial_sequence(%s, 'id')", [f'"{table}"'])
            if sequence := serial.fetchone()[0]:
                pg.execute(
                    f'SELECT setval(%s, COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM "{table}"',
                    [sequence],
                )
        sqlite.close()
    before = _pg_rows(pg, tables)
    assert {t: len(r) for t, r in before.items() if t != "django_migrations"} == {
        t: len(r) for t, r in source.items() if t != "django_migrations"
    }
    _run([*LEADLINE, "migrate"], env)
    after = _pg_rows(pg, tables)
    _compare(before, after)
    new = set(pg.execute("SELECT app, name FROM django_migrations").fetchall())
    later = {m for m in new - history if m[0] in NEW_APPS or m in LATER}
    assert new - history - later == NEW_MIGRATIONS
    _check_types(before["django_content_type"], after["django_content_type"])
    _check_orm(env, source)
