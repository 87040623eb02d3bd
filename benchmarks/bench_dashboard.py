"""Benchmark: a team flow dashboard (10k items, 2 years) against the 300 ms target.

Builds a throwaway SQLite database, imports synthetic items (``leadline.synth.simple_spec``)
through the real import service, then times:

- ``flow``:      ``leadline.dashboards.services.flow`` without the data-quality note (the page's
                 figures: bulk SQL reads → Polars → engine);
- ``cursor``:    the same figures with the rows read through the plain cursor instead of the
                 bulk path (JSON built in SQLite, COPY on PostgreSQL);
- ``flow+dq``:   the same with the data-quality note the page shows;
- ``page``:      the whole page through Django's test client (figures, charts, template);
- ``baseline``:  the same inputs loaded through ORM objects (WorkItem + Transition instances)
                 into the engine, i.e. what ARCHITECTURE.md says not to do; ratio = baseline/flow.

Run: ``.venv/bin/python benchmarks/bench_dashboard.py [--items 10000] [--repeat 5]
[--postgres postgres://postgres@127.0.0.1:5432]`` (with ``--postgres``, in a throwaway database
created on that server and dropped afterwards).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from typing import Any


def _setup(home: str, database_url: str | None = None) -> None:
    os.environ["LEADLINE_HOME"] = home
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    fn()  # warm up (imports, SQLite page cache)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs) * 1000, min(runs) * 1000


def _orm_baseline(workspace: Any, team: Any) -> Any:
    """Load the same frames through ORM objects, then run the same engine calls."""
    import polars as pl

    from leadline.delivery.models import Transition, WorkItem
    from leadline.flow.frames import ITEMS_SCHEMA, TRANSITIONS_SCHEMA

    items = list(WorkItem.objects.filter(workspace=workspace, team=team))
    rows_i = {k: [] for k in ITEMS_SCHEMA}  # type: ignore[var-annotated]
    for i in items:
        for k, v in zip(ITEMS_SCHEMA, (i.pk, i.key, team.slug, i.type, i.created), strict=True):
            rows_i[k].append(v)
    rows_t = {k: [] for k in TRANSITIONS_SCHEMA}  # type: ignore[var-annotated]
    first: dict[int, Transition] = {}
    for t in Transition.objects.filter(item__in=items).order_by("item_id", "seq"):
        first.setdefault(t.item_id, t)
        rows_t["item_id"].append(t.item_id)
        rows_t["at"].append(t.at)
        rows_t["status"].append(t.to_status)
    for i in items:
        head = first.get(i.pk)
        if head is not None and head.from_status:
            rows_t["item_id"].append(i.pk)
            rows_t["at"].append(i.created)
            rows_t["status"].append(head.from_status)
    frames = (
        pl.DataFrame(rows_i, schema=ITEMS_SCHEMA),
        pl.DataFrame(rows_t, schema=TRANSITIONS_SCHEMA).sort("item_id", "at"),
    )
    return frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="server URL; default: SQLite in a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadline-bench-") as home:
        if not args.postgres:
            _setup(home)
            run(args.items, args.days, args.repeat, "SQLite")
            return
        import psycopg

        name = f"leadline_bench_{os.getpid()}"
        server = args.postgres.rstrip("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        try:
            _setup(home, f"{server}/{name}")
            run(args.items, args.days, args.repeat, "PostgreSQL")
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name}")


def run(n_items: int, days: int, repeat: int, database: str) -> None:
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.test import Client

    from leadline.dashboards import services
    from leadline.dashboards.scope import parse_scope
    from leadline.delivery.imports import import_records
    from leadline.delivery.reader import cursor_only
    from leadline.synth import iter_items, simple_spec, status_records
    from leadline.workspaces.models import Role, Team
    from leadline.workspaces.services import create_workspace, set_membership

    end = date(2026, 6, 30)
    spec = simple_spec(teams=1, items_per_team=n_items, end=end, days=days, seed=1)
    user = get_user_model().objects.create_user("bench", password="bench-pass-123")
    workspace = create_workspace("Bench", None)
    set_membership(workspace, user, Role.LEAD)
    team = Team.objects.create(workspace=workspace, name="Team 1", slug="team-1")
    t0 = time.perf_counter()
    records = list(iter_items(spec, epics=False))
    import_records(workspace, records, team=team, statuses=status_records(spec))
    imported = time.perf_counter() - t0
    from leadline.delivery.models import Transition, WorkItem

    n_tr = Transition.objects.filter(item__workspace=workspace).count()
    print(f"# {WorkItem.objects.count():,} items, {n_tr:,} transitions over {days} days "
          f"(imported in {imported:.1f} s); median of {repeat} runs, {database}")  # fmt: skip

    scope = parse_scope(workspace, team, {"end": end.isoformat()})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    from django.core.cache import cache

    def engine_on(frames: Any) -> Any:
        # The scope's bulk read (delivery.frames) and its engine frames, replaced by ``frames``.
        with (
            mock.patch.object(services, "read_history", lambda *a, **k: None),
            mock.patch.object(services, "engine_frames", lambda history: frames),
        ):
            return services.compute_flow(scope)

    page = f"/w/{workspace.slug}/delivery/?team={team.slug}&end={end}"

    def cold(fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            cache.clear()
            return fn()

        return run

    def through_cursor() -> Any:
        with cursor_only():
            return services.compute_flow(scope)

    rows = [
        ("flow (SQL → Polars → engine)", lambda: services.compute_flow(scope)),
        ("flow, rows read through the cursor", through_cursor),
        ("flow + data-quality note, cold", cold(lambda: services.flow(scope))),
        ("whole page, cold (cache emptied)", cold(lambda: client.get(page))),
        ("whole page, warm (data unchanged)", lambda: client.get(page)),
        ("baseline: ORM objects → engine", lambda: engine_on(_orm_baseline(workspace, team))),
    ]
    results = [(name, *_time(fn, repeat)) for name, fn in rows]
    base = results[0][1]
    print(f"{'what':<34} {'median ms':>10} {'min ms':>8} {'× flow':>7}")
    for name, median, best in results:
        print(f"{name:<34} {median:>10.0f} {best:>8.0f} {median / base:>7.2f}")
    for row in (results[3], results[4]):
        verdict = "meets" if row[1] < 300 else "MISSES"
        print(f"# {row[0]}: {row[1]:.0f} ms, {verdict} the 300 ms target")


if __name__ == "__main__":
    main()
