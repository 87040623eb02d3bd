"""Benchmark: the Radar's rules over 500 teams, against the flow figures of the same teams.

Builds a throwaway SQLite database (``--postgres URL``: a throwaway database on that server,
created and dropped), imports a generated organisation of 500 teams (``leadline.synth``'s
``simple_spec``: work items, sprints, code changes, deployments, releases and incidents, per
team as the demo imports them) and adds governance records per team (risks with and without a
mitigation plan, a dependency and an issue past their dates, a proposed decision past its due
time). Then it times, median of ``--repeat`` runs after one warm-up run, the cache emptied
before each:

- ``baseline``: the flow figures of every team together (``dashboards.services.compute_flow``
  over the workspace: one bulk read → Polars → engine), and the home page's aging-past-norm
  pass (each team's own 85th percentile, one pass over all teams);
- ``radar, first run``: ``leadline.radar.engine.run`` with every registered rule, raising the
  findings (each run is rolled back, so every one is a first run);
- ``radar, re-run``: the same with the findings already there (the hourly case);
- each rule alone (its shared loads included: a fresh run context per rule);
- the Radar over the demo workspace (built in the same database), the issue's aim being < 2 s.

It runs whatever rules are registered; with few rules the Radar's time is small.

Run: ``.venv/bin/python benchmarks/bench_radar.py [--teams 500] [--items-per-team 40]
[--days 180] [--repeat 3] [--postgres postgres://postgres@127.0.0.1:5432]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
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


def _time(fn: Callable[[], Any], repeat: int, before: Callable[[], None]) -> tuple[float, Any]:
    """Return the median seconds of ``repeat`` runs of ``fn`` after one untimed warm-up run
    (imports, the URL resolver); ``before`` runs untimed before each."""
    before()
    fn()
    runs, out = [], None
    for _ in range(repeat):
        before()
        t0 = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), out


def build(n_teams: int, per_team: int, days: int) -> tuple[Any, float, dict[str, int]]:
    """Create the workspace and import the organisation; return it, seconds taken, counts."""
    from django.db import transaction
    from django.utils import timezone

    from leadline.decisions.models import Decision
    from leadline.delivery.imports import ensure_statuses, import_records
    from leadline.raid.models import RaidItem
    from leadline.synth import generate, simple_spec
    from leadline.workspaces.models import Person, Team
    from leadline.workspaces.services import create_workspace

    t0 = time.perf_counter()
    end = date.today()
    spec = simple_spec(teams=n_teams, items_per_team=per_team, end=end, days=days, seed=5)
    data = generate(spec)
    workspace = create_workspace("Bench radar", None, slug="bench-radar")
    teams: dict[str, Team] = {}
    people: dict[str, Person] = {}
    for i, t in enumerate(spec.teams):
        team = Team.objects.create(workspace=workspace, slug=f"team-{i + 1}", name=t.name)
        teams[t.key] = team
        people[t.key] = Person.objects.create(workspace=workspace, name=f"{t.name} lead")
        people[t.key].teams.set([team])
    service_team = {s: t.key for t in spec.teams for s in t.services}
    by_team: dict[str, list[Any]] = {key: [] for key in teams}
    for item in data.items:
        by_team[item.project].append(item)
    for rec in [*data.deployments, *data.incidents]:
        by_team[service_team[rec.service]].append(rec)
    for rec in [*data.changes, *data.releases]:
        by_team[service_team[rec.repository]].append(rec)
    for sprint in data.sprints:
        by_team[sprint.external_id.split("-")[0]].append(sprint)
    for key, records in by_team.items():
        import_records(workspace, records, team=teams[key], statuses=data.statuses)
    ensure_statuses(
        workspace,
        {(s.source, s.project, s.name): s.category for s in data.statuses},
        {(s.source, s.name): s for s in data.statuses},
    )
    now = timezone.now()
    raid, decisions = [], []
    for n, (key, team) in enumerate(teams.items()):
        owner = people[key]
        logged = now - timedelta(days=10 + n % 30)
        raid += [
            RaidItem(workspace=workspace, kind="risk", title=f"{team.name}: key person leaves",
                     owner=owner, team=team, probability=1 + n % 5, impact=1 + (n // 5) % 5,
                     created_at=logged),
            RaidItem(workspace=workspace, kind="risk", title=f"{team.name}: vendor delay",
                     owner=owner, team=team, probability=3, impact=3, mitigation="Second vendor",
                     created_at=logged),
            RaidItem(workspace=workspace, kind="dependency", title=f"{team.name}: needs an API",
                     owner=owner, team=team, provider_kind="team",
                     provider_team=teams[list(teams)[(n + 1) % len(teams)]],
                     need_by=end - timedelta(days=n % 9), created_at=logged),
            RaidItem(workspace=workspace, kind="issue", title=f"{team.name}: flaky build",
                     owner=owner, team=team, due_date=end - timedelta(days=n % 5),
                     created_at=logged),
        ]  # fmt: skip
        decisions.append(
            Decision(workspace=workspace, title=f"{team.name}: pick a queue", team=team,
                     routed_kind="person", routed_person=owner, routed_name=owner.name,
                     due_at=now - timedelta(days=n % 7), created_at=logged)
        )  # fmt: skip
    with transaction.atomic():
        RaidItem.objects.bulk_create(raid)
        Decision.objects.bulk_create(decisions)
    counts = {
        "items": len(data.items),
        "deployments": len(data.deployments),
        "incidents": len(data.incidents),
        "raid": len(raid),
        "decisions": len(decisions),
    }
    return workspace, time.perf_counter() - t0, counts


def run(args: argparse.Namespace, database: str) -> None:
    from django.core.cache import cache
    from django.db import transaction
    from django.utils import timezone

    from leadline.dashboards import services as dash
    from leadline.dashboards.scope import FLOW_DAYS, Scope
    from leadline.dashboards.today import _compute as aging_past_norm
    from leadline.radar import engine
    from leadline.radar.context import RunContext
    from leadline.radar.models import Finding
    from leadline.radar.registry import all_rules

    workspace, built, counts = build(args.teams, args.items_per_team, args.days)
    rules = all_rules()
    print(
        f"# {args.teams} teams: {counts['items']:,} items, {counts['deployments']:,} deployments, "
        f"{counts['incidents']:,} incidents, {counts['raid']:,} RAID items, "
        f"{counts['decisions']:,} decisions (built in {built:.0f} s); {len(rules)} rules "
        f"registered; median of {args.repeat} runs, cache emptied before each; {database}"
    )
    now = timezone.now()
    end = RunContext(workspace, now).today
    scope = Scope(workspace, None, end - timedelta(days=FLOW_DAYS - 1), end)

    def cold() -> None:
        cache.clear()

    class Rollback(Exception):
        pass

    def first_run() -> engine.RunResult:
        # Each first run raises the findings and is undone, so the next one is a first run too.
        result: list[engine.RunResult] = []
        try:
            with transaction.atomic():
                result.append(engine.run(workspace, now))
                raise Rollback
        except Rollback:
            pass
        return result[0]

    rows: list[tuple[str, float, str]] = []
    t, _ = _time(lambda: dash.compute_flow(scope), args.repeat, cold)
    rows.append(("baseline: flow figures, all teams together", t, ""))
    t_aging, aged = _time(lambda: aging_past_norm(workspace, end), args.repeat, cold)
    rows.append(("baseline: aging past each team's norm", t_aging, f"{len(aged):,} items"))
    t_first, r = _time(first_run, args.repeat, cold)
    rows.append(("radar, first run (raises)", t_first, f"{r.raised:,} findings raised"))
    engine.run(workspace, now)  # the findings exist from here on
    t_again, r = _time(lambda: engine.run(workspace, now), args.repeat, cold)
    rows.append(("radar, re-run (findings exist)", t_again, f"{r.still_open:,} still open"))
    failed = dict(r.errors)
    settings = engine.settings_of(workspace)
    for rule in rules:
        t_rule, (signals, errors) = _time(
            lambda rule=rule: engine.evaluate(RunContext(workspace, now), [rule], settings),
            args.repeat, cold,
        )  # fmt: skip
        note = f"{len(signals):,} signals" + (f"; FAILED: {errors[rule.key]}" if errors else "")
        rows.append((f"  rule {rule.key} ({rule.area})", t_rule, note))
    # The aim: a run over the demo workspace in under 2 s (cache emptied first).
    from leadline.demo.builder import build_demo

    demo = build_demo().workspace
    t_demo, r_demo = _time(lambda: engine.run(demo, now), args.repeat, cold)
    rows.append(("radar over the demo workspace", t_demo,
                 f"{r_demo.still_open + r_demo.raised:,} findings; aim < 2000 ms"))  # fmt: skip
    base = rows[0][1]
    print(f"{'what':<46} {'median ms':>10} {'× flow':>7}  notes")
    for name, secs, note in rows:
        print(f"{name:<46} {secs * 1000:>10.0f} {secs / base:>7.2f}  {note}")
    print(f"# {Finding.objects.filter(workspace=workspace).count():,} findings stored")
    if failed:
        print(f"# rules that failed: {', '.join(sorted(failed))}")


def main_on_a_database(
    run: Callable[[argparse.Namespace, str], None], name: str, teams: int
) -> None:
    """Parse the shared options and call ``run`` on SQLite in a temporary folder, or on a
    throwaway database ``leadline_bench_NAME_PID`` of the ``--postgres`` server (dropped after);
    bench_cadence uses it too."""
    parser = argparse.ArgumentParser(
        description=(sys.modules["__main__"].__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--teams", type=int, default=teams)
    parser.add_argument("--items-per-team", type=int, default=40)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="server URL; default: SQLite in a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="leadline-bench-") as home:
        if not args.postgres:
            _setup(home)
            run(args, "SQLite")
            return
        import psycopg

        database = f"leadline_bench_{name}_{os.getpid()}"
        server = args.postgres.rstrip("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {database}")
        try:
            _setup(home, f"{server}/{database}")
            run(args, "PostgreSQL")
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {database}")


def main() -> None:
    main_on_a_database(run, "radar", teams=500)


if __name__ == "__main__":
    main()
