"""The status pack sections built from outcomes (registered from ``OutcomesConfig.ready``):

- ``milestones``: this app's milestones with their Monte Carlo probability of meeting the
  target date (and a chart of it); it replaces the cadence's own builder, which stays the fallback (open RAID
  dependencies and issues with a due date) for a workspace (or a tier's team) with no milestone;
- ``benefits``: the benefits roadmap against the actual values: each benefit's expected and
  actual value today, and the benefit at risk from the milestones that slip (with each
  benefit's chart of the benefits page);
- ``scorecards``: the KPIs in use (the team's when the tier has a team) with value, target,
  status and whether they are shared.

Outcomes imports the cadence (its section registry), never the other way round.
"""

from __future__ import annotations

from typing import Any

from leadline.cadence import pack_charts
from leadline.cadence import section_builders as cadence_sections
from leadline.cadence.sections import (
    CadenceSectionOut,
    SectionContext,
    register_section,
    section,
)

from . import charts, curves, roadmap, services

LIKELY = 0.85  # a milestone at least this likely to meet its date is green
UNLIKELY = 0.5  # below this it is red


def _n(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def _roadmap(ctx: SectionContext) -> Any:
    return ctx.cached("outcomes:roadmap", lambda: roadmap.roadmap(ctx.workspace, ctx.today))


def _milestones(ctx: SectionContext) -> list[Any]:
    rows = _roadmap(ctx)["milestones"]
    if ctx.team is not None:
        rows = [m for m in rows if ctx.team.slug in m["teams"]]
    return rows


def build_milestones(ctx: SectionContext) -> CadenceSectionOut:
    rows = _milestones(ctx)
    if not rows:  # no milestone model data: the cadence's dated RAID items
        return cadence_sections.build_milestones(ctx)
    items, worst = [], 1.0
    for m in rows:
        p = m["probability"]
        if m["remaining"] == 0:
            text = f"{m['name']} — target {m['target_date']}: done"
        elif p is None:
            text = f"{m['name']} — target {m['target_date']}: no forecast ({m['problem']})"
        else:
            text = (f"{m['name']} — target {m['target_date']}: {round(p * 100)}% likely to meet "
                    f"it, 85% forecast {m['forecast_85'] or 'none'}")  # fmt: skip
            if m["slip_days"]:
                text += f" (slips {m['slip_days']} days)"
        worst = min(worst, UNLIKELY if p is None else p)  # no forecast: amber at best
        items.append({"key": f"milestone:{m['id']}", "due": m["target_date"].isoformat(),
                      "probability": p, "remaining": m["remaining"],
                      "slip_days": m["slip_days"], "text": text})  # fmt: skip
    status = "green" if worst >= LIKELY else ("amber" if worst >= UNLIKELY else "red")
    chart = charts.milestone_chances(rows, roadmap.FORECAST_DEFINITION)
    return section("milestones", "Milestones and their forecast", status, items,
                   [chart] if chart else [])  # fmt: skip


def build_benefits(ctx: SectionContext) -> CadenceSectionOut:
    data = _roadmap(ctx)
    names = {m["id"]: m for m in data["milestones"]}
    items, behind_any, risk_any = [], False, False
    for b in data["benefits"]:
        expected_curve = [(p["date"], p["value"]) for p in b["expected"]]
        expected = round(curves.value_at(expected_curve, ctx.today), 3) if expected_curve else None
        actual = b["actual"][-1]["value"] if b["actual"] else None
        behind = (expected is not None and actual is not None and not b["disbenefit"]
                  and not curves.better(actual, expected, b["direction"]))  # fmt: skip
        slipping = sorted({names[p["milestone"]]["name"] for p in b["expected"]
                           if p["milestone"] in names and names[p["milestone"]]["slip_days"]})  # fmt: skip
        at_risk = b["at_risk"] or 0.0
        behind_any, risk_any = behind_any or behind, risk_any or at_risk > 0
        unit = f" {b['unit']}" if b["unit"] else ""
        text = (f"{'Dis-benefit' if b['disbenefit'] else 'Benefit'} {b['description']} "
                f"({b['kpi_name']}): expected {_n(expected)}{unit} now, actual {_n(actual)}{unit}")  # fmt: skip
        if at_risk > 0:
            text += f"; {at_risk:g} {b['at_risk_unit']} at risk from {', '.join(slipping)}"
        items.append({"key": f"benefit:{b['id']}", "expected": expected, "actual": actual,
                      "at_risk": b["at_risk"], "slipping": slipping, "text": text})  # fmt: skip
    if not items:
        return section("benefits", "Benefits roadmap vs actuals", "info",
                       [{"key": "none", "text": "No benefit on the roadmap."}])  # fmt: skip
    status = "red" if behind_any and risk_any else ("amber" if behind_any or risk_any else "green")
    drawn = [
        c for c in (charts.benefit_chart(b) for b in data["benefits"]) if pack_charts.has_data(c)
    ]
    return section("benefits", "Benefits roadmap vs actuals", status, items,
                   drawn[: pack_charts.MAX_CHARTS])  # fmt: skip


def build_scorecards(ctx: SectionContext) -> CadenceSectionOut:
    card = services.scorecard(ctx.workspace, ctx.today, team=ctx.team)
    items = []
    for row in card["rows"]:
        k = row["kpi"]
        unit = f" {k['unit']}" if k["unit"] else ""
        target = _n(k["target_value"]) + unit
        if k["target_date"]:
            target += f" by {k['target_date']}"
        items.append({"key": f"kpi:{k['id']}", "value": row["current"], "target": k["target_value"],
                      "status": row["status"], "shared": k["shared"],
                      "text": f"{k['name']}: {_n(row['current'])}{unit} (target {target}) — "
                      f"{row['status_label']}" + (", shared" if k["shared"] else "")})  # fmt: skip
    states = {i["status"] for i in items}
    if not items:
        status = "info"
    else:
        status = "red" if "off_track" in states else ("amber" if "at_risk" in states else "green")
    return section("scorecards", "Scorecards", status, items)


register_section("milestones", "Milestones and their forecast", build_milestones)
register_section("benefits", "Benefits roadmap vs actuals", build_benefits)
register_section("scorecards", "Scorecards", build_scorecards)
