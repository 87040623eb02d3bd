"""Each dashboard chart as an SVG or PNG download (``?format=svg|png&chart=NAME``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.test import Client

JAN = "start=2026-01-01&end=2026-01-20"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_flow_chart_as_svg_carries_its_title_and_definition(small, client_for):
    workspace, team, user = small
    response = client_for(user).get(
        f"/w/{workspace.slug}/delivery/?{JAN}&team={team.slug}&format=svg&chart=cfd"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"] == 'attachment; filename="flow-cfd.svg"'
    root = ET.fromstring(response.content)  # noqa: S314 - our own renderer's output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    drawn = " ".join(" ".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Cumulative flow" in drawn and "stacked in workflow order" in drawn


def test_flow_chart_as_png(small, client_for):
    workspace, _, user = small
    response = client_for(user).get(f"/w/{workspace.slug}/delivery/?{JAN}&format=png&chart=wip")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="flow-wip.png"'
    assert response.content.startswith(PNG_SIGNATURE) and len(response.content) > 10_000


@pytest.mark.parametrize(
    ("path", "page", "chart"),
    [
        ("delivery/dora/", "dora", "timeline"),
        ("forecasts/", "forecasts", "when"),
        ("delivery/portfolio/", "portfolio", "throughput"),
    ],
)
def test_every_page_serves_its_charts(small, client_for, path, page, chart):
    workspace, _, user = small
    response = client_for(user).get(f"/w/{workspace.slug}/{path}?{JAN}&format=svg&chart={chart}")
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Disposition"] == f'attachment; filename="{page}-{chart}.svg"'
    assert b"<svg" in response.content[:200]


def test_an_unknown_chart_is_404_naming_it_and_the_available_ones(small, client_for):
    workspace, _, user = small
    response = client_for(user).get(f"/w/{workspace.slug}/delivery/?{JAN}&format=svg&chart=pie")
    assert response.status_code == 404
    text = response.content.decode()
    assert "'pie'" in text and "cfd" in text and "wip" in text


def test_the_page_links_each_chart_as_svg_and_png_with_its_filters(small, client_for):
    workspace, team, user = small
    html = client_for(user).get(f"/w/{workspace.slug}/delivery/?{JAN}&team={team.slug}")
    text = html.content.decode()
    assert 'data-chart-downloads="cfd"' in text
    for fmt in ("svg", "png"):
        link = f"?start=2026-01-01&amp;end=2026-01-20&amp;team={team.slug}&amp;format={fmt}&amp;chart=cfd"
        assert f'href="{link}"' in text


def test_charts_of_another_workspace_are_404_and_anonymous_is_sent_to_sign_in(
    small, make_user, client_for
):
    workspace, _, _ = small
    url = f"/w/{workspace.slug}/delivery/?{JAN}&format=svg&chart=cfd"
    assert client_for(make_user("stranger")).get(url).status_code == 404
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
