"""The status pack sections outcomes registers with the cadence: a milestone review pack built
on hand-built data (time frozen) carries the milestones with their forecast probability, the
benefits roadmap against actuals and the scorecard, with the figures the outcomes services
give; a published pack does not change when a KPI's value changes later."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader

from leadline.cadence import packs
from leadline.cadence.defaults import TEMPLATES
from leadline.cadence.models import CadenceTier
from leadline.cadence.sections import registered
from leadline.outcomes import pack_sections, roadmap, services, values
from leadline.outcomes.models import Benefit, BenefitPoint, KpiValue, Milestone
from leadline.raid.models import RaidItem
from leadline.workspaces.models import Function
from leadline.workspaces.services import access_for
from tests.epic_data import AS_OF, build_epic_workspace

pytestmark = pytest.mark.django_db
NOON = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 12, tzinfo=UTC)


def _by_key(pack):
    return {s["key"]: s for s in pack.sections}


def test_the_tier_templates_name_the_sections_outcomes_registers():
    keys = registered()
    assert keys["milestones"].builder is pack_sections.build_milestones
    for key in ("benefits", "scorecards"):
        assert keys[key].builder is getattr(pack_sections, f"build_{key}")
        assert key in TEMPLATES["milestone"]
    assert "benefits" in TEMPLATES["stakeholder"]


def _world(make_user, make_workspace):
    ws, lead = build_epic_workspace(make_user, make_workspace)
    access = access_for(lead, ws.slug)
    product = Function.objects.get_or_create(workspace=ws, name="Product")[0]
    it = Function.objects.get_or_create(workspace=ws, name="IT")[0]
    kpi = values.save_kpi(access, {"name": "Orders a day", "unit": "orders",
                                     "target_value": 200, "target_date": str(AS_OF + timedelta(days=60)),
                                     "functions": [product.pk, it.pk]})  # fmt: skip
    KpiValue.objects.create(workspace=ws, kpi=kpi, day=AS_OF - timedelta(days=10), value=90)
    KpiValue.objects.create(workspace=ws, kpi=kpi, day=AS_OF, value=100)
    on_time = Milestone.objects.create(workspace=ws, name="Login", epic_key="E-2",
                                       target_date=AS_OF + timedelta(days=1))  # fmt: skip
    # E-1 has 3 items left and Alpha finishes one every other day: not by tomorrow.
    late = Milestone.objects.create(workspace=ws, name="Checkout revamp", epic_key="E-1",
                                    target_date=AS_OF + timedelta(days=1))  # fmt: skip
    late.teams.set(ws.teams.filter(slug="alpha"))
    b = Benefit.objects.create(workspace=ws, description="More orders", kpi=kpi)
    for d, v, m in [(AS_OF - timedelta(days=10), 80.0, on_time),
                    (AS_OF + timedelta(days=5), 150.0, late),
                    (AS_OF + timedelta(days=30), 200.0, late)]:  # fmt: skip
        BenefitPoint.objects.create(workspace=ws, benefit=b, day=d, value=v, milestone=m)
    return ws, lead, access, kpi


def test_a_milestone_review_pack_has_the_outcomes_figures_and_stays_frozen(
    make_user, make_workspace
):
    with time_machine.travel(NOON, tick=False):
        ws, lead, access, kpi = _world(make_user, make_workspace)
        tier = CadenceTier.objects.get(workspace=ws, kind="milestone")
        assert "benefits" in tier.template and "scorecards" in tier.template
        pack = packs.generate(access, tier, lead)
        data = roadmap.roadmap(ws, AS_OF)
        packs.publish(access, pack, lead)
    s = _by_key(pack)
    assert [k for k in s if k in ("milestones", "benefits", "scorecards")] == [
        "milestones", "benefits", "scorecards"]  # fmt: skip
    # Milestones: each with its Monte Carlo probability of meeting its date.
    forecast = {m["name"]: m for m in data["milestones"]}
    ms = {i["text"].split(" — ")[0]: i for i in s["milestones"]["items"]}
    assert ms["Login"]["probability"] == 1.0 and ms["Login"]["remaining"] == 0
    late = ms["Checkout revamp"]
    assert late["probability"] == forecast["Checkout revamp"]["probability"] < 0.5
    assert late["slip_days"] == forecast["Checkout revamp"]["slip_days"] > 0
    assert f"{round(late['probability'] * 100)}% likely" in late["text"]
    assert s["milestones"]["status"] == "red"
    # ... drawn as one chart: each milestone's chance by band, with the forecast's definition.
    [chances] = s["milestones"]["charts"]
    assert chances["title"] == "Chance of meeting each milestone's target date"
    assert chances["description"].startswith(roadmap.FORECAST_DEFINITION)
    assert {r["milestone"]: (r["probability"], r["band"]) for r in chances["data"]["values"]} == {
        "Login": (1.0, "likely (85 % or more)"),
        "Checkout revamp": (late["probability"], "unlikely (below 50 %)"),
    }
    # Benefits: expected now on the line from 80 (day -10) to 150 (day +5) is 80 + 70 × 10/15.
    [benefit] = s["benefits"]["items"]
    assert benefit["expected"] == pytest.approx(126.667, abs=0.001)
    assert benefit["actual"] == 100.0
    assert benefit["at_risk"] == data["benefits"][0]["at_risk"] > 0
    assert benefit["slipping"] == ["Checkout revamp"]
    assert "at risk from Checkout revamp" in benefit["text"]
    assert s["benefits"]["status"] == "red"  # behind the roadmap and value at risk
    [curves] = s["benefits"]["charts"]  # the benefits page's chart of it
    assert curves["title"] == "More orders" and "benefit at risk" in curves["description"]
    assert {r["series"] for r in curves["data"]["values"]} == {
        "Expected", "Expected, moved by the forecast", "Actual"}  # fmt: skip
    # The PDF draws both (their axis titles are in the drawings only).
    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(packs.pdf(pack))).pages).split()
    )
    assert chances["title"] in text and "chance of meeting the target date" in text
    assert "More orders" in text and "orders" in text and "could not be drawn" not in text
    # Scorecards: value, target, status and shared.
    [row] = s["scorecards"]["items"]
    score = services.score(kpi, AS_OF)
    assert (row["value"], row["target"], row["shared"]) == (100.0, 200.0, True)
    assert row["status"] == score["status"]
    assert row["text"].startswith("Orders a day: 100 orders (target 200 orders by ")
    assert row["text"].endswith(", shared")
    # A KPI value changes after publishing: the frozen pack does not; a new pack does.
    frozen = [dict(x) for x in pack.sections]
    KpiValue.objects.filter(kpi=kpi, day=AS_OF).update(value=180)
    pack.refresh_from_db()
    assert pack.sections == frozen
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        again = packs.generate(access, tier, lead)
    assert _by_key(again)["scorecards"]["items"][0]["value"] == 180.0
    assert _by_key(again)["benefits"]["items"][0]["actual"] == 180.0
    assert _by_key(pack)["scorecards"]["items"][0]["value"] == 100.0


def test_without_milestones_the_section_falls_back_to_dated_raid_items(make_user, make_workspace):
    with time_machine.travel(NOON, tick=False):
        lead = make_user("ms-lead")
        ws = make_workspace("No milestones", {lead: "lead"})
        RaidItem.objects.create(workspace=ws, kind="dependency", title="Vendor API",
                                due_date=AS_OF + timedelta(days=10))  # fmt: skip
        tier = CadenceTier.objects.get(workspace=ws, kind="stakeholder")
        pack = packs.generate(access_for(lead, ws.slug), tier, lead)
    s = _by_key(pack)
    assert [i["text"] for i in s["milestones"]["items"]] == [
        f"Vendor API — due {AS_OF + timedelta(days=10)}"]  # fmt: skip
    assert s["benefits"]["items"] == [{"key": "none", "text": "No benefit on the roadmap."}]
    assert s["milestones"]["charts"] == [] and s["benefits"]["charts"] == []
