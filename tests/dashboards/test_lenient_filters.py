"""A bad filter value is reported and only that value falls back: the other choices are kept."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_bad_date_keeps_the_type_filter(small, client_for):
    workspace, team, user = small
    page = client_for(user).get(
        f"/w/{workspace.slug}/delivery/?team={team.slug}&start=soon&end=2024-01-31&type=Bug"
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "From: &#x27;soon&#x27; is not a date" in text  # the field's label, not its name
    assert page.context["data"]["types"] == ["Bug"]
    assert page.context["data"]["end"].isoformat() == "2024-01-31"


def test_a_bad_forecast_input_keeps_the_others(small, client_for):
    workspace, team, user = small
    page = client_for(user).get(
        f"/w/{workspace.slug}/forecasts/?team={team.slug}&items=30&trials=lots&seed=7"
    )
    assert page.status_code == 200
    assert "Trials:" in page.content.decode()
    inputs = page.context["inputs"]
    assert (inputs["items"], inputs["seed"], inputs["trials"]) == (30, 7, 10_000)
