"""Data without start dates shows lead time (and says so); a page whose data ended long ago
opens on the period where the data is (and says so)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from leadline.dashboards.scope import STALE_DAYS, Scope, parse_scope
from leadline.dashboards.services import compute_flow
from leadline.delivery.jobs import start_import
from leadline.delivery.models import Deployment
from leadline.jobs.services import run_job
from leadline.workspaces.models import Role

pytestmark = pytest.mark.django_db
FIRST = date(2023, 3, 1)  # the data's period: long before today


def _csv(tmp_path: Path, *, started: bool, items: int = 40) -> Path:
    """Items created on FIRST + k, finished (k % 7) + 2 days later; optionally started 1 day
    before they finished."""
    rows = ["key,title,type,created,started,finished"]
    for k in range(items):
        created = FIRST + timedelta(days=k)
        finished = created + timedelta(days=k % 7 + 1)
        start = (finished - timedelta(days=1)).isoformat() if started else ""
        rows.append(f"OLD-{k},Item {k},Story,{created},{start},{finished}")
    path = tmp_path / "items.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def lead(make_user, make_workspace):
    user = make_user("lead")
    return make_workspace("History", {user: Role.LEAD}), user


def _import(workspace, path: Path) -> None:
    assert run_job(str(start_import(workspace, "csv", str(path)).pk)) == "succeeded"


def _titles(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["title"]] if isinstance(node.get("title"), str) else []
        return own + [t for v in node.values() for t in _titles(v)]
    if isinstance(node, list):
        return [t for v in node for t in _titles(v)]
    return []


def _nearest_rank(values: list[int], p: int) -> int:
    ordered = sorted(values)
    return ordered[max(0, -(-p * len(ordered) // 100) - 1)]


def test_without_start_dates_the_flow_figures_are_lead_times(lead, tmp_path):
    workspace, _ = lead
    _import(workspace, _csv(tmp_path, started=False))
    flow = compute_flow(Scope(workspace, None, FIRST, FIRST + timedelta(days=60)))
    lead_days = [k % 7 + 2 for k in range(40)]  # inclusive days, created -> finished
    assert flow["measure"]["name"] == "lead_time"
    assert flow["measure"]["finished"] == 40 and flow["measure"]["started"] == 0
    assert "Cycle time is not available" in flow["measure"]["note"]
    assert flow["headline"]["cycle_time_p85"] is None
    assert flow["headline"]["lead_time_p85"] == _nearest_rank(lead_days, 85) == 7
    assert flow["percentiles"]["p50"] == _nearest_rank(lead_days, 50)
    assert sorted(r["lead_time_days"] for r in flow["cycle_times"]) == sorted(lead_days)
    # Without starts every "cycle time" would read 1 day: that is what is not shown.
    assert {r["cycle_time_days"] for r in flow["cycle_times"]} == {1}


def test_with_start_dates_the_flow_figures_stay_cycle_times(lead, tmp_path):
    workspace, _ = lead
    _import(workspace, _csv(tmp_path, started=True))
    flow = compute_flow(Scope(workspace, None, FIRST, FIRST + timedelta(days=60)))
    assert flow["measure"] == {"name": "cycle_time", "finished": 40, "started": 40, "note": ""}
    assert flow["headline"]["cycle_time_p85"] == 2  # started the day before: 2 days inclusive
    assert flow["headline"]["lead_time_p85"] == 7


def test_the_flow_page_shows_lead_time_and_the_quality_page_says_why(lead, tmp_path, client_for):
    workspace, user = lead
    _import(workspace, _csv(tmp_path, started=False))
    client = client_for(user)
    page = client.get(f"/w/{workspace.slug}/delivery/").content.decode()
    assert 'data-measure="lead_time"' in page and "Cycle time is not available" in page
    assert "Lead time, 85th percentile" in page and "Cycle time, 85th percentile" not in page
    charts = json.loads(re.search(r'id="metrics-charts"[^>]*>(.*?)</script>', page, re.S)[1])
    titles = " ".join(_titles({k: charts[k] for k in ("scatter", "histogram", "trend")}))
    assert "lead time (days)" in titles and "cycle time" not in titles.lower()
    quality = client.get(f"/w/{workspace.slug}/delivery/quality/").content.decode()
    assert "the Flow page shows lead time" in quality


def test_a_page_opens_on_the_period_of_data_that_ended_long_ago(lead, tmp_path, client_for):
    workspace, user = lead
    _import(workspace, _csv(tmp_path, started=True))
    last = max(FIRST + timedelta(days=k + k % 7 + 1) for k in range(40))  # the last finish
    scope = parse_scope(workspace, None, {}, fit="items")
    assert scope.data_end == last and scope.end == last
    assert scope.start == last - timedelta(days=181)
    # Asked-for dates are kept; the API (no fit) still ends today.
    asked = parse_scope(workspace, None, {"start": "2024-01-01"}, fit="items")
    assert asked.data_end is None and asked.start == date(2024, 1, 1)
    assert parse_scope(workspace, None, {}).data_end is None
    page = client_for(user).get(f"/w/{workspace.slug}/delivery/").content.decode()
    assert f'data-fitted="{last.isoformat()}"' in page
    assert f"The data here ends on {last.day} {last:%b %Y}" in page
    assert 'data-stat="throughput"' in page and "data-empty-state" not in page


def test_live_data_keeps_today_and_dora_fits_to_its_deployments(lead, tmp_path):
    from leadline.delivery.services import today

    workspace, _ = lead
    _import(workspace, _csv(tmp_path, started=True))
    recent = today() - timedelta(days=STALE_DAYS - 1)
    Deployment.objects.create(
        workspace=workspace, source="csv", external_id="d1", service="api",
        environment="production", status="success", is_production=True,
        finished=f"{recent.isoformat()}T12:00:00Z",
    )  # fmt: skip
    assert parse_scope(workspace, None, {}, fit="delivery").data_end is None  # recent: live
    assert parse_scope(workspace, None, {}, fit="items").data_end is not None  # items are old
    Deployment.objects.filter(external_id="d1").update(
        finished=f"{(today() - timedelta(days=STALE_DAYS + 30)).isoformat()}T12:00:00Z"
    )
    fitted = parse_scope(workspace, None, {}, fit="delivery")
    assert fitted.data_end == today() - timedelta(days=STALE_DAYS + 30)
