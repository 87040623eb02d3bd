"""Benchmark: status packs — a weekly pack for a demo team, and a steering pack over 100 teams,
against the flow figures of the same teams measured in the same run.

Builds a throwaway SQLite database (``--postgres URL``: a throwaway database on that server),
imports a generated organisation (bench_radar's ``build``: work items, deployments, incidents,
RAID items and decisions per team) and the demo workspace, then times, median of ``--repeat``
runs after one warm-up run, the cache emptied before each and every pack rolled back:

- ``baseline``: the flow figures of every team together (``dashboards.services.compute_flow``);
- ``weekly team pack, demo Checkout``: ``cadence.packs.generate`` for the demo's weekly tier
  (flow, blockers, forecast, RAID changes, decisions due, open actions, Radar findings) —
  the issue's aim: under 1 s;
- ``steering pack, N teams``: the steering tier (portfolio across every team, escalations,
  decisions due) — the aim: under 5 s for 100 teams;
- ``weekly team pack, one of N teams``.

Run: ``.venv/bin/python benchmarks/bench_cadence.py [--teams 100] [--items-per-team 40]
[--days 180] [--repeat 3] [--postgres postgres://postgres@127.0.0.1:5432]``
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from bench_radar import _time, build, main_on_a_database


def run(args: argparse.Namespace, database: str) -> None:
    from django.core.cache import cache
    from django.db import transaction
    from django.utils import timezone

    from leadline.cadence import packs
    from leadline.cadence.defaults import ensure_default_tiers
    from leadline.cadence.models import CadenceTier
    from leadline.dashboards import services as dash
    from leadline.dashboards.scope import FLOW_DAYS, Scope
    from leadline.demo.builder import build_demo
    from leadline.governance.services import system_access
    from leadline.workspaces.models import Team

    workspace, built, counts = build(args.teams, args.items_per_team, args.days)
    ensure_default_tiers(workspace)
    demo = build_demo().workspace
    print(
        f"# {args.teams} teams: {counts['items']:,} items, {counts['deployments']:,} deployments, "
        f"{counts['raid']:,} RAID items, {counts['decisions']:,} decisions (built in {built:.0f} s) "
        f"and the demo workspace; median of {args.repeat} runs, cache emptied before each; {database}"
    )
    end = timezone.localdate()
    scope = Scope(workspace, None, end - timedelta(days=FLOW_DAYS - 1), end)

    def cold() -> None:
        cache.clear()

    class Rollback(Exception):
        pass

    def pack(ws: Any, kind: str, team: Any = None) -> Any:
        made: list[Any] = []
        try:
            with transaction.atomic():
                tier = CadenceTier.objects.get(workspace=ws, kind=kind)
                made.append(packs.generate(system_access(ws), tier, None, team=team))
                raise Rollback
        except Rollback:
            pass
        return made[0]

    rows: list[tuple[str, float, str]] = []
    t, _ = _time(lambda: dash.compute_flow(scope), args.repeat, cold)
    rows.append((f"baseline: flow figures, {args.teams} teams together", t, ""))
    t, p = _time(lambda: pack(demo, "team"), args.repeat, cold)
    items = sum(len(s["items"]) for s in p.sections)
    rows.append(
        (
            "weekly team pack, demo Checkout",
            t,
            f"{len(p.sections)} sections, {items} items; aim < 1000 ms",
        )
    )
    t, p = _time(lambda: pack(workspace, "steering"), args.repeat, cold)
    items = sum(len(s["items"]) for s in p.sections)
    rows.append(
        (
            f"steering pack, {args.teams} teams",
            t,
            f"{len(p.sections)} sections, {items} items; aim < 5000 ms",
        )
    )
    one = Team.objects.filter(workspace=workspace).first()
    t, p = _time(lambda: pack(workspace, "team", one), args.repeat, cold)
    rows.append((f"weekly team pack, one of {args.teams} teams", t, f"{len(p.sections)} sections"))
    base = rows[0][1]
    print(f"{'what':<46} {'median ms':>10} {'× flow':>7}  notes")
    for name, secs, note in rows:
        print(f"{name:<46} {secs * 1000:>10.0f} {secs / base:>7.2f}  {note}")


def main() -> None:
    main_on_a_database(run, "cadence", teams=100)


if __name__ == "__main__":
    main()
