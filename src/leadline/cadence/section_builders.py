"""The pack sections this app builds from the other apps' services (registered on import,
from ``CadenceConfig.ready``). Each reads live data as of ``ctx.as_of`` and returns items with
stable keys, so the next pack can say what changed; flow, forecast, DORA and portfolio also
carry the dashboards' charts of the same data (:mod:`.pack_charts`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q

from leadline.dashboards.scope import Scope
from leadline.decisions.models import Decision
from leadline.raid.models import RaidHistory, RaidItem

from . import pack_charts, services
from .models import Occurrence
from .sections import CadenceSectionOut, SectionContext, register_section, section

FLOW_DAYS = 42
OPEN_RAID = [RaidItem.Status.OPEN, RaidItem.Status.MITIGATING, RaidItem.Status.MATERIALISED,
             RaidItem.Status.IN_PROGRESS]  # fmt: skip
SEVERITY = {"critical": 4, "high": 3, "medium": 2, "low": 1, "": 0}


def _scope(ctx: SectionContext, days: int = FLOW_DAYS) -> Scope:
    return Scope(ctx.workspace, ctx.team, ctx.today - timedelta(days=days - 1), ctx.today)


def _team_q(ctx: SectionContext, field: str = "team") -> Q:
    return Q(**{field: ctx.team}) if ctx.team is not None else Q()


def _flow(ctx: SectionContext) -> Any:
    from leadline.dashboards import services as dashboards

    return ctx.cached("flow", lambda: dashboards.flow(_scope(ctx), quality=False))


def build_flow(ctx: SectionContext) -> CadenceSectionOut:
    f = _flow(ctx)
    h = f["headline"]
    items: list[dict[str, Any]] = [
        {"key": "wip", "text": f"{h['wip']} items in progress", "value": h["wip"]},
        {"key": "throughput", "value": h["throughput_per_week"],
         "text": f"{h['throughput_per_week']} items finished a week ({h['finished']} in {FLOW_DAYS} days)"},
    ]  # fmt: skip
    if h.get("cycle_time_p85") is not None:
        items.append({"key": "cycle_time_p85", "value": h["cycle_time_p85"],
                      "text": f"85% of items finish within {h['cycle_time_p85']} days"})  # fmt: skip
    aging = sorted((a for a in f["aging"] if a["at_risk"]), key=lambda a: -a["age_days"])[:5]
    for a in aging:
        items.append({"key": f"aging:{a['key']}", "value": a["age_days"],
                      "text": f"{a['key']} {a['title']} — {a['age_days']} days in {a['stage']}"})  # fmt: skip
    at_risk = h.get("at_risk") or 0
    status = "green" if not at_risk else ("red" if at_risk * 2 > max(h["wip"], 1) else "amber")
    return section("flow", "Flow: WIP, aging and throughput", status, items, pack_charts.flow(f))


def build_blockers(ctx: SectionContext) -> CadenceSectionOut:
    rows = RaidItem.objects.filter(
        _team_q(ctx), workspace=ctx.workspace, blocker=True, status__in=OPEN_RAID,
        created_at__lte=ctx.as_of,
    ).select_related("owner")  # fmt: skip
    items = [{"key": f"raid:{r.pk}", "text": f"{r.title}"
              + (f" (owner {r.owner.name})" if r.owner else " (no owner)")} for r in rows]  # fmt: skip
    return section("blockers", "Blockers", "red" if items else "green", items)


def build_forecast(ctx: SectionContext) -> CadenceSectionOut:
    from leadline.dashboards.forecasts import forecast

    wip = _flow(ctx)["headline"]["wip"]
    if not wip:
        return section("forecast", "Forecast", "info",
                       [{"key": "none", "text": "Nothing in progress to forecast."}])  # fmt: skip
    data = forecast(_scope(ctx), items=wip, trials=2_000, backtest=False)
    items = []
    for p in data["when"]["percentiles"]:
        if p["percentile"] in (50, 85) and p["date"] is not None:
            items.append({"key": f"p{p['percentile']}", "value": str(p["date"]),
                          "text": f"{p['percentile']}% likely: the {wip} items in progress done by {p['date']}"})  # fmt: skip
    if not items:
        items = [{"key": "none", "text": "No throughput in the window: no forecast."}]
        return section("forecast", "Forecast for the work in progress", "info", items)
    return section(
        "forecast", "Forecast for the work in progress", "info", items, pack_charts.forecast(data)
    )


def _since(ctx: SectionContext) -> Any:
    return ctx.memo.get("since") or ctx.as_of - timedelta(days=7)


def build_raid_changes(ctx: SectionContext) -> CadenceSectionOut:
    rows = (
        RaidHistory.objects.filter(
            item__workspace=ctx.workspace, at__gt=_since(ctx), at__lte=ctx.as_of,
            **({"item__team": ctx.team} if ctx.team else {}),
        ).select_related("item").order_by("at", "id")[:50]
    )  # fmt: skip
    items = [{"key": f"raid-change:{h.pk}",
              "text": f"{h.item.get_kind_display()} {h.item.title}: {h.action} by {h.actor_name or 'someone unnamed'}"}
             for h in rows]  # fmt: skip
    return section("raid_changes", "RAID changes since the last pack", "info", items)


def build_decisions_due(ctx: SectionContext) -> CadenceSectionOut:
    soon = ctx.as_of + timedelta(days=14)
    rows = Decision.objects.filter(
        workspace=ctx.workspace, status=Decision.Status.PROPOSED, due_at__lte=soon,
        created_at__lte=ctx.as_of,
    )  # fmt: skip
    if ctx.team is not None:
        rows = rows.filter(Q(team=ctx.team) | Q(team__isnull=True))
    items = []
    overdue = False
    for d in rows.order_by("due_at")[:20]:
        late = d.due_at < ctx.as_of
        overdue = overdue or late
        items.append({"key": f"decision:{d.pk}", "due": d.due_at.date().isoformat(),
                      "text": f"{d.title} — {d.routed_name} decides, due {d.due_at:%Y-%m-%d}"
                      + (" (overdue)" if late else "")})  # fmt: skip
    return section(
        "decisions_due",
        "Decisions due",
        "red" if overdue else ("amber" if items else "green"),
        items,
    )


def build_open_actions(ctx: SectionContext) -> CadenceSectionOut:
    rows = services.open_actions(ctx.workspace, None if ctx.tier.kind == "steering" else ctx.tier)
    items = []
    overdue = False
    for a in rows:
        if a.created_at > ctx.as_of:
            continue
        late = a.due_on < ctx.today
        overdue = overdue or late
        age = (ctx.today - a.created_at.date()).days
        items.append({"key": f"action:{a.pk}", "value": a.carried,
                      "text": f"{a.title} — {a.owner.name}, due {a.due_on}, {age} days old, "
                      f"carried {a.carried}×" + (" (overdue)" if late else "")})  # fmt: skip
    return section("open_actions", "Open actions", "amber" if overdue else "green", items)


def build_radar(ctx: SectionContext) -> CadenceSectionOut:
    from leadline.radar import services as radar

    found = radar.findings(ctx.workspace, status="open", team=ctx.team)["items"][:15]
    items = [{"key": f"finding:{f['rule']}:{f['subject']['kind']}:{f['subject']['id']}",
              "severity": f["severity"], "text": f"{f['severity']}: {f['title']}"} for f in found]  # fmt: skip
    high = any(f["severity"] == "high" for f in found)
    return section(
        "radar", "Radar findings", "red" if high else ("amber" if items else "green"), items
    )


def build_milestones(ctx: SectionContext) -> CadenceSectionOut:
    horizon = ctx.today + timedelta(days=90)
    rows = RaidItem.objects.filter(
        _team_q(ctx), workspace=ctx.workspace, due_date__isnull=False, due_date__lte=horizon,
        status__in=OPEN_RAID, created_at__lte=ctx.as_of,
        kind__in=[RaidItem.Kind.DEPENDENCY, RaidItem.Kind.ISSUE],
    ).order_by("due_date")[:20]  # fmt: skip
    items, late = [], False
    for r in rows:
        assert r.due_date is not None
        past = r.due_date < ctx.today
        late = late or past
        items.append({"key": f"raid:{r.pk}", "due": r.due_date.isoformat(),
                      "text": f"{r.title} — due {r.due_date}" + (" (late)" if past else "")})  # fmt: skip
    return section("milestones", "Milestones and dated dependencies (next 90 days)",
                   "red" if late else ("green" if items else "info"), items)  # fmt: skip


def build_risks(ctx: SectionContext) -> CadenceSectionOut:
    rows = list(RaidItem.objects.filter(
        _team_q(ctx), workspace=ctx.workspace, status__in=OPEN_RAID, created_at__lte=ctx.as_of,
        kind__in=[RaidItem.Kind.RISK, RaidItem.Kind.DEPENDENCY],
    ).select_related("owner"))  # fmt: skip
    rows.sort(
        key=lambda r: (
            -SEVERITY.get(r.severity, 0),
            -((r.probability or 0) * (r.impact or 0)),
            r.pk,
        )
    )
    items = [{"key": f"raid:{r.pk}", "text": f"{r.get_kind_display()}: {r.title}"
              + (f" ({r.severity})" if r.severity else "")} for r in rows[:10]]  # fmt: skip
    worst = max((SEVERITY.get(r.severity, 0) for r in rows), default=0)
    status = "red" if worst >= 4 else ("amber" if worst >= 3 else "green")
    return section("risks", "Risks and dependencies", status, items)


def build_alignment(ctx: SectionContext) -> CadenceSectionOut:
    from leadline.alignment.services import open_disagreements

    rows = open_disagreements(ctx.workspace, ctx.as_of)
    items = [{"key": f"disagreement:{d['check_id']}:{d['question_id']}",
              "text": f"{d['check']}: {d['question']} — contested ({', '.join(d['contested'][:3])})"}
             for d in rows[:10]]  # fmt: skip
    return section("alignment", "Alignment results", "amber" if items else "green", items)


def build_dora(ctx: SectionContext) -> CadenceSectionOut:
    from leadline.dashboards.dora import dora

    data = dora(_scope(ctx, 180))
    items = []
    for m in data["trend"][-6:]:
        deploys = m.get("production_deployments")
        cfr = (m.get("change_failure_rate") or {}).get("value")
        text = f"{m['month']:%Y-%m}: {deploys or 0} deployments"
        if cfr is not None:
            text += f", change failure rate {round(cfr * 100)}%"
        items.append({"key": f"month:{m['month']:%Y-%m}", "text": text})
    return section("dora", "DORA trend (six months)", "info", items, pack_charts.dora(data))


def build_portfolio(ctx: SectionContext) -> CadenceSectionOut:
    from leadline.dashboards.portfolio import portfolio

    data = portfolio(
        Scope(ctx.workspace, None, ctx.today - timedelta(days=FLOW_DAYS - 1), ctx.today)
    )
    items = [{"key": f"team:{t['team']}", "text": f"{t['name']}: WIP {t['wip']}, "
              f"{t['throughput_per_week']} a week, {t['finished']} finished"}
             for t in data["teams"]]  # fmt: skip
    return section(
        "portfolio", "Portfolio across teams", "info", items, pack_charts.portfolio(data)
    )


def build_escalations(ctx: SectionContext) -> CadenceSectionOut:
    rows = services.escalations_to(ctx.workspace, ctx.tier)
    items = [{"key": f"action:{a.pk}", "text": f"{a.title} — {a.owner.name}, from {a.tier.name}, "
              f"open through {a.carried} meetings"} for a in rows if a.created_at <= ctx.as_of]  # fmt: skip
    return section(
        "escalations", "Escalations from the tier below", "red" if items else "green", items
    )


def build_right_track(ctx: SectionContext) -> CadenceSectionOut:
    occ: Occurrence | None = ctx.occurrence
    if occ is None:
        return section("right_track", "Is this still the right track?", "info", [
            {"key": "question", "text": "Attendees answer continue, adjust or stop, with a rationale."}
        ])  # fmt: skip
    votes = list(occ.votes.select_related("person"))
    items = [{"key": f"vote:{v.person_id}", "text": f"{v.person.name}: {v.answer} — {v.rationale}"}
             for v in votes]  # fmt: skip
    if not items:
        items = [
            {
                "key": "question",
                "text": "Attendees answer continue, adjust or stop, with a rationale.",
            }
        ]
    status = {"continue": "green", "adjust": "amber", "stop": "red"}.get(occ.right_track, "info")
    return section("right_track", "Is this still the right track?", status, items)


for _key, _title, _builder in [
    ("flow", "Flow: WIP, aging and throughput", build_flow),
    ("blockers", "Blockers", build_blockers),
    ("forecast", "Forecast for the work in progress", build_forecast),
    ("raid_changes", "RAID changes since the last pack", build_raid_changes),
    ("decisions_due", "Decisions due", build_decisions_due),
    ("open_actions", "Open actions", build_open_actions),
    ("radar", "Radar findings", build_radar),
    ("milestones", "Milestones and dated dependencies", build_milestones),
    ("risks", "Risks and dependencies", build_risks),
    ("alignment", "Alignment results", build_alignment),
    ("dora", "DORA trend", build_dora),
    ("portfolio", "Portfolio across teams", build_portfolio),
    ("escalations", "Escalations from the tier below", build_escalations),
    ("right_track", "Is this still the right track?", build_right_track),
]:
    register_section(_key, _title, _builder)
