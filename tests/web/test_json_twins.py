"""Every page that shows data links its JSON twin (web/twins.py): a ``Link: rel="alternate"``
header and a visible "JSON" link, both to the API route answering from the same service."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest


@pytest.fixture
def demo(db: Any) -> Any:
    """Build the demo workspace (~5 s) and return its build context."""
    from leadline.demo.builder import build_demo

    return build_demo()


LINK = re.compile(r'<([^>]+)>; rel="alternate"; type="application/json"')

PAGES = [
    # (page path after /w/<slug>/, the API path after /api/v1/workspaces/<slug>/ it links)
    ("", "today"),
    ("?team=checkout", "today?team=checkout"),
    ("delivery/?team=checkout&type=Story", "metrics/flow?team=checkout&type=Story"),
    ("delivery/dora/?window=48", "metrics/dora?window=48"),
    ("delivery/portfolio/?sort=-wip", "metrics/portfolio?sort=-wip"),
    ("forecasts/?team=mobile&items=30", "metrics/forecast/when?team=mobile&items=30"),
    ("delivery/data/", "items"),
    ("delivery/workflow/", "statuses"),
    ("delivery/quality/", "quality"),
    ("raid/?kind=risk", "raid?kind=risk"),
    ("raid/alerts/", "alerts"),
    ("decisions/", "decisions"),
    ("decisions/who-decides/", "decision-domains"),
    ("changes/", "changes"),
    ("agreements/", "agreements"),
    ("jobs/", "jobs"),
    ("people/", "people"),
    ("audit/", "audit"),
]


def _twins(client: Any, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    twins = LINK.findall(response["Link"])
    page = response.content.decode()
    for twin in twins:  # each one also shown on the page, as a link and in the head
        assert f'href="{html.escape(twin)}" rel="alternate" type="application/json"' in page
        assert f'<link rel="alternate" type="application/json" href="{html.escape(twin)}"' in page
    assert ">JSON" in page
    return twins


def _json_ok(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.mark.parametrize(("page", "api"), PAGES)
def test_each_data_page_links_its_json_twin(demo, client_for, page, api):
    client = client_for(demo.user)
    slug = demo.workspace.slug
    twins = _twins(client, f"/w/{slug}/{page}")
    assert twins[0] == f"/api/v1/workspaces/{slug}/{api}"
    for twin in twins:  # the session that sees the page reads its twin
        _json_ok(client, twin)


def test_forecasts_link_both_answers_and_downloads_have_no_link(demo, client_for):
    client = client_for(demo.user)
    slug = demo.workspace.slug
    twins = _twins(client, f"/w/{slug}/forecasts/?trials=500")
    base = f"/api/v1/workspaces/{slug}/metrics/forecast"
    assert twins == [f"{base}/when?trials=500", f"{base}/how-many?trials=500"]
    csv = client.get(f"/w/{slug}/delivery/?format=csv")
    assert csv.status_code == 200 and "Link" not in csv


def test_the_twin_is_the_pages_data(demo, client_for):
    client = client_for(demo.user)
    slug = demo.workspace.slug
    (twin,) = _twins(client, f"/w/{slug}/delivery/?team=checkout&start=2026-01-01&end=2026-03-31")
    data = _json_ok(client, twin)
    assert (data["team"], data["start"], data["end"]) == ("checkout", "2026-01-01", "2026-03-31")


def test_detail_pages_link_their_record(demo, client_for):
    client = client_for(demo.user)
    slug = demo.workspace.slug
    api = f"/api/v1/workspaces/{slug}"
    records = [  # (page, API route, the list the API reads the record's id from)
        ("raid/{}/", "raid/{}", "raid"),
        ("decisions/{}/", "decisions/{}", "decisions"),
        ("changes/{}/", "changes/{}", "changes"),
        ("jobs/{}/", "jobs/{}", "jobs"),
        ("delivery/data/connections/{}/", "connections/{}", "connections"),
    ]
    checked = 0
    for page, route, listing in records:
        rows = _json_ok(client, f"{api}/{listing}")
        rows = rows.get("items", rows) if isinstance(rows, dict) else rows
        if not rows:
            continue
        pk = rows[0]["id"]
        (twin,) = _twins(client, f"/w/{slug}/{page.format(pk)}")
        assert twin == f"{api}/{route.format(pk)}"
        _json_ok(client, twin)
        checked += 1
    assert checked >= 3
