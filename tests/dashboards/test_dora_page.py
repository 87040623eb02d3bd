"""The DORA page reads as one story: one period for its cards and tables, one unit per duration
across card, tables and chart, and an empty state that names what DORA really needs."""

from __future__ import annotations

import json
import re

from leadline.delivery.models import Change, Deployment
from leadline.workspaces.models import Role
from tests.dashboards.conftest import at

JAN = "start=2026-01-01&end=2026-01-20"


def _charts(html: str) -> dict:
    return json.loads(html.split('id="metrics-charts" type="application/json">')[1].split("<")[0])


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _slow_change(workspace, team) -> None:
    """A second change that took 5 days: the median lead time becomes 3 days (72 h)."""
    common = {"workspace": workspace, "team": team, "source": "github"}
    Deployment.objects.create(
        **common, external_id="d4", service="api", environment="production", status="success",
        finished=at(15, 12), is_production=True, change_ids=["c2"],
    )  # fmt: skip
    Change.objects.create(
        **common, external_id="c2", kind="commit", repository="api", first_commit_at=at(10, 12)
    )


def test_cards_and_tables_cover_the_chosen_range_and_say_so(small, client_for):
    workspace, team, user = small
    html = client_for(user).get(f"/w/{workspace.slug}/delivery/dora/?{JAN}").content.decode()
    text = _text(html)
    assert "Per service, 1 Jan 2026 – 20 Jan 2026" in text
    assert "Per team, 1 Jan 2026 – 20 Jan 2026" in text
    assert "1 Jan 2026 – 20 Jan 2026 (3 production deployments)" in text
    # The figure a card leads with is the range's (3 deployments, 1 followed by an incident
    # within 24 h: 33%), and the last 90 days are labelled as such.
    card = text.split("Change failure rate", 1)[1]
    assert card.lstrip().startswith("33%")
    assert "last 90 days" in card


def test_a_duration_has_one_unit_on_its_card_its_tables_and_its_chart(small, client_for):
    workspace, team, user = small
    _slow_change(workspace, team)
    html = client_for(user).get(f"/w/{workspace.slug}/delivery/dora/?{JAN}").content.decode()
    card = html.split('data-metric="lead_time_for_changes"', 1)[1].split("</div>", 2)
    assert "3.0 days" in card[1]
    assert "Shown in days." in html.split('data-metric="lead_time_for_changes"', 1)[1]
    by_service = html.split('data-table="by-service"', 1)[1].split("</table>")[0]
    assert "3.0 days" in by_service
    chart = _charts(html)["trend-lead_time_for_changes"]
    assert chart["encoding"]["y"]["title"] == "days"
    assert [r["value"] for r in chart["data"]["values"]] == [3.0]
    assert chart["description"].endswith("Shown in days.")


def test_recovery_under_two_days_stays_in_hours_everywhere(small, client_for):
    workspace, _, user = small
    html = client_for(user).get(f"/w/{workspace.slug}/delivery/dora/?{JAN}").content.decode()
    card = html.split('data-metric="recovery_time"', 1)[1].split("</div>", 2)[1]
    assert "10.0 h" in card
    assert _charts(html)["trend-recovery_time"]["encoding"]["y"]["title"] == "hours"


def test_the_empty_dora_page_names_what_each_metric_needs(make_user, make_workspace, client_for):
    user = make_user("new")
    workspace = make_workspace("Empty", {user: Role.LEAD})
    html = client_for(user).get(f"/w/{workspace.slug}/delivery/dora/").content.decode()
    empty = _text(html.split('data-empty-state="dora"', 1)[1])
    assert "Production deployments (all four metrics)" in empty
    assert "Changes (lead time for changes)" in empty
    assert "Incidents (change failure rate, recovery time, downtime)" in empty
    assert "leadline import csv FILE --kind deployments" in empty


def test_counts_of_one_read_in_the_singular(small, client_for):
    workspace, _, user = small
    url = f"/w/{workspace.slug}/forecasts/?end=2026-01-20&items=1&days=1"
    text = _text(client_for(user).get(url).content.decode())
    assert "When will 1 item be done?" in text
    assert "(in 1 day)" in text
    assert not re.search(r"(?<![\d.,])1 (days|items|trials)\b", text)
