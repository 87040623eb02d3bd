"""A pack's charts: the dashboards' own Vega-Lite specs of the pack's data, frozen with it; the
page draws them with its definitions beside them, the PDF embeds them drawn offline as SVG (its
text read back with pypdf), and a published pack's chart does not change when data arrives."""

from __future__ import annotations

import base64
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from pypdf import PdfReader

from leadline.cadence import pack_charts, packs
from leadline.cadence.models import CadenceTier
from leadline.dashboards import services as dashboards
from leadline.dashboards.charts import flow_charts
from leadline.dashboards.dora import dora
from leadline.dashboards.dora_charts import dora_charts
from leadline.dashboards.scope import Scope
from leadline.delivery.imports import import_records
from leadline.delivery.models import Change, Deployment, Incident
from leadline.workspaces.services import access_for
from tests.epic_data import AS_OF, _finished, build_epic_workspace

pytestmark = pytest.mark.django_db
NOON = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 12, tzinfo=UTC)
FLOW = ["Throughput per week", "WIP at the end of each day", "Aging work in progress"]
# Axis titles that only the drawn charts print: found in the PDF's text, they show the drawing
# itself is embedded (not only the title and definition beside it).
DRAWN = ["week starting", "items in progress", "age (days), square-root scale",
         "days after the as-of date"]  # fmt: skip
SVG = "{http://www.w3.org/2000/svg}"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _team_pack(make_user, make_workspace):
    ws, lead = build_epic_workspace(make_user, make_workspace)
    access = access_for(lead, ws.slug)
    alpha = ws.teams.get(slug="alpha")
    tier = CadenceTier.objects.get(workspace=ws, kind="team")
    return ws, lead, access, alpha, tier, packs.generate(access, tier, lead, team=alpha)


def _charts(pack, key):
    return next(s["charts"] for s in pack.sections if s["key"] == key)


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_a_team_pack_carries_the_flow_dashboards_charts_of_its_data(make_user, make_workspace):
    with time_machine.travel(NOON, tick=False):
        ws, _, _, alpha, _, pack = _team_pack(make_user, make_workspace)
        scope = Scope(ws, alpha, AS_OF - timedelta(days=41), AS_OF)
        page = flow_charts(dashboards.flow(scope, quality=False))
    flow = _charts(pack, "flow")
    assert [c["title"] for c in flow] == FLOW
    # The flow page's very specs, as JSON: each with its definition as its description.
    assert flow == json.loads(json.dumps([page["throughput"], page["wip"], page["aging"]]))
    assert flow[0]["description"].startswith("Throughput = items finished per day")
    assert all(c["description"] for c in flow)
    weeks = {r["week"]: r["count"] for r in flow[0]["data"]["values"]}
    assert sum(weeks.values()) == 25  # Alpha's items finished in the 42 days, one every 2nd day
    [when] = _charts(pack, "forecast")
    assert when["title"] == "When will 3 items be done? Outcomes of 2,000 trials"
    assert "Monte Carlo" in when["description"]
    assert [s["key"] for s in pack.sections if s["charts"]] == ["flow", "forecast"]


def test_the_pdf_prints_each_chart_with_its_definition_and_embeds_its_drawing(
    make_user, make_workspace
):
    with time_machine.travel(NOON, tick=False):
        *_, pack = _team_pack(make_user, make_workspace)
    html = packs.html(pack)
    sources = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(sources) == 4  # three flow charts and the forecast, nothing else to load
    assert "http" not in html.replace("http://www.w3.org", "")
    drawn = ET.fromstring(base64.b64decode(sources[0]))  # noqa: S314 - our own renderer's output
    assert drawn.tag == f"{SVG}svg"
    assert "week starting" in [" ".join(t.itertext()) for t in drawn.iter(f"{SVG}text")]
    text = _flat(_pdf_text(packs.pdf(pack)))
    for chart in _charts(pack, "flow") + _charts(pack, "forecast"):
        assert chart["title"] in text
        assert _flat(chart["description"]) in text
    for axis in DRAWN:
        assert axis in text, axis
    assert "could not be drawn" not in text
    page = PdfReader(io.BytesIO(packs.pdf(pack))).pages[0]
    assert page["/Resources"]["/XObject"], "the SVG is drawn into the page as form objects"


def test_a_published_packs_chart_does_not_change_when_later_data_arrives(make_user, make_workspace):
    with time_machine.travel(NOON, tick=False):
        ws, lead, access, alpha, tier, pack = _team_pack(make_user, make_workspace)
        packs.publish(access, pack, lead)
        frozen = _charts(pack, "flow")
        drawn = pack_charts.svg(frozen[0])
        printed = packs.html(pack)
        # Later: two more items are imported as finished before the pack's data was taken.
        import_records(ws, [_finished("A-late-1", 0), _finished("A-late-2", -1)], team=alpha)
    with time_machine.travel(NOON + timedelta(hours=1), tick=False):
        again = packs.generate(access, tier, lead, team=alpha)
    pack.refresh_from_db()
    assert _charts(pack, "flow") == frozen
    assert pack_charts.svg(_charts(pack, "flow")[0]) == drawn
    assert packs.html(pack) == printed
    finished = {r["week"]: r["count"] for r in _charts(again, "flow")[0]["data"]["values"]}
    before = {r["week"]: r["count"] for r in frozen[0]["data"]["values"]}
    assert sum(finished.values()) == sum(before.values()) + 2  # the new pack has them


def _deployments(ws, team):
    common = {"workspace": ws, "team": team, "source": "github"}
    for n, days in enumerate((70, 40, 38, 12, 5)):
        finished = NOON - timedelta(days=days)
        Deployment.objects.create(
            **common, external_id=f"d{n}", service="api", environment="production",
            status="success", finished=finished, is_production=True, change_ids=[f"c{n}"],
        )  # fmt: skip
        Change.objects.create(**common, external_id=f"c{n}", kind="commit", repository="api",
                              first_commit_at=finished - timedelta(hours=30))  # fmt: skip
    Incident.objects.create(**common, external_id="i1", service="api",
                            started=NOON - timedelta(days=38, hours=-3),
                            resolved=NOON - timedelta(days=38, hours=-5))  # fmt: skip


def test_the_monthly_review_pack_draws_the_dora_trend_of_its_six_months(make_user, make_workspace):
    with time_machine.travel(NOON, tick=False):
        ws, lead = build_epic_workspace(make_user, make_workspace)
        _deployments(ws, ws.teams.get(slug="alpha"))
        tier = CadenceTier.objects.get(workspace=ws, kind="milestone")
        pack = packs.generate(access_for(lead, ws.slug), tier, lead)
        page = dora_charts(dora(Scope(ws, None, AS_OF - timedelta(days=179), AS_OF)))
    charts = _charts(pack, "dora")
    assert [c["title"] for c in charts] == [
        "Deployment frequency per month", "Lead time for changes per month",
        "Change failure rate per month", "Failed deployment recovery time per month",
    ]  # fmt: skip
    assert charts[0] == json.loads(json.dumps(page["trend-deployment_frequency"]))
    assert "production deployment" in charts[0]["description"]
    text = _flat(_pdf_text(packs.pdf(pack)))
    assert all(c["title"] in text and _flat(c["description"]) in text for c in charts)


def test_without_deployments_the_dora_section_has_no_chart(make_user, make_workspace):
    with time_machine.travel(NOON, tick=False):
        ws, lead = build_epic_workspace(make_user, make_workspace)
        tier = CadenceTier.objects.get(workspace=ws, kind="milestone")
        pack = packs.generate(access_for(lead, ws.slug), tier, lead)
    assert _charts(pack, "dora") == []


def test_the_page_draws_the_frozen_specs_with_their_definitions(
    make_user, make_workspace, client_for
):
    with time_machine.travel(NOON, tick=False):
        ws, lead, access, *_, pack = _team_pack(make_user, make_workspace)
        html = client_for(lead).get(f"/w/{ws.slug}/cadence/packs/{pack.pk}/").content.decode()
        md = packs.markdown(pack)
        api = packs.pack_out(pack)
    assert "leadline/charts.js" in html and "vendor/vega-embed.min.js" in html
    specs = json.loads(re.search(
        r'<script id="metrics-charts" type="application/json">(.*?)</script>', html, re.S
    ).group(1))  # fmt: skip
    assert list(specs) == ["flow-1", "flow-2", "flow-3", "forecast-1"]
    assert specs["flow-1"] == _charts(pack, "flow")[0]
    for name, spec in specs.items():
        assert f'data-chart="{name}"' in html
        assert f"<h3>{spec['title']}</h3>" in html
        figcaption = re.search(rf'data-definition="{name}">(.*?)</figcaption>', html, re.S)
        assert figcaption and _flat(figcaption.group(1)).replace("&#x27;", "'") == _flat(
            spec["description"]
        )
    assert "*Chart: Throughput per week.* Throughput = items finished per day" in md
    assert [len(s["charts"]) for s in api["sections"] if s["charts"]] == [3, 1]


def test_the_pdf_opens_data_urls_and_nothing_else():
    fetch = packs.pdf_fetcher()
    assert fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in ("https://example.com/logo.png", "http://127.0.0.1/x.svg", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetch(url)


def test_a_section_without_data_has_no_chart():
    assert not pack_charts.has_data({"data": {"values": []}, "layer": [{"data": {"values": []}}]})
    assert pack_charts.has_data({"data": {"values": []}, "layer": [{"data": {"values": [{}]}}]})
    assert pack_charts.pick({"a": {"data": {"values": [{}]}}, "b": {"data": {"values": []}}},
                            ["b", "a", "c"]) == [{"data": {"values": [{}]}}]  # fmt: skip


def test_a_chart_that_cannot_be_drawn_leaves_the_rest_of_the_pdf(make_user, make_workspace):
    with time_machine.travel(NOON, tick=False):
        *_, pack = _team_pack(make_user, make_workspace)
    broken = {"title": "Broken chart", "description": "A spec no renderer accepts.",
              "data": {"values": [{"x": 1}]}, "mark": "no-such-mark"}  # fmt: skip
    pack.sections[0]["charts"] = [broken, *pack.sections[0]["charts"]]
    text = _flat(_pdf_text(packs.pdf(pack)))
    assert "Broken chart This chart could not be drawn. A spec no renderer accepts." in text
    assert "Throughput per week" in text and "week starting" in text
