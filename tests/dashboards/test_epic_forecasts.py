"""Forecasts over epics: remaining items as of the as-of date, worked through in priority order,
on the forecast page, its CSV and the API (and the backtest's unknown outcomes in the API)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict

from leadline.dashboards.forecasts import (
    daily_throughput,
    epic_list,
    epic_remaining,
    forecast,
    window_samples,
)
from leadline.dashboards.scope import parse_scope
from leadline.dashboards.views import forecast_inputs
from leadline.flow import forecast_when
from tests.epic_data import AS_OF, END, REMAINING, build_epic_workspace

QS = (50, 70, 85, 95)


@pytest.fixture
def epic_ws(make_user, make_workspace):
    return build_epic_workspace(make_user, make_workspace)


def _when(api: Any, workspace: Any, query: str) -> Any:
    return api.get(f"/api/v1/workspaces/{workspace.slug}/metrics/forecast/when?{END}&{query}")


def test_remaining_items_are_the_children_open_as_of_the_date(epic_ws):
    workspace, _ = epic_ws
    scope = parse_scope(workspace, None, {"end": AS_OF.isoformat()})
    rows = epic_remaining(scope, ["E-3", "E-1", "E-2", "E-4"])
    assert [r["key"] for r in rows] == ["E-3", "E-1", "E-2", "E-4"]  # the order given
    assert {r["key"]: r["remaining"] for r in rows} == REMAINING
    assert {r["key"]: r["title"] for r in rows}["E-1"] == "Checkout revamp"
    # On day 3 M-3 is done and M-4 exists (still 3); on day 4 M-5 is reopened (4).
    for end, remaining in (("2025-03-04", 3), ("2025-03-05", 4)):
        later = parse_scope(workspace, None, {"end": end})
        assert epic_remaining(later, ["E-3"])[0]["remaining"] == remaining


def test_an_unknown_epic_is_named(epic_ws):
    workspace, _ = epic_ws
    scope = parse_scope(workspace, None, {"end": AS_OF.isoformat()})
    with pytest.raises(ValidationError) as caught:
        epic_remaining(scope, ["E-1", "X-9", "C-1"])  # C-1 is a story, not an epic
    message = " ".join(caught.value.message_dict["epics"])
    assert "'X-9'" in message and "'C-1'" in message and "'E-1'" not in message


def test_epic_list_keeps_the_order_and_each_key_once():
    assert epic_list("E-2, E-1,,E-2") == ("E-2", "E-1")
    assert epic_list(["E-3", "E-1,E-3"]) == ("E-3", "E-1")
    assert epic_list(None) == ()
    with pytest.raises(ValidationError):
        epic_list(",".join(f"E-{n}" for n in range(101)))


def test_epics_are_done_one_after_another_from_the_same_trials(epic_ws, api_for):
    workspace, user = epic_ws
    api = api_for(user)
    response = _when(api, workspace, "epics=E-1,E-2,E-3&trials=4000&team=alpha")
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    epics = data["epics"]
    assert [e["key"] for e in epics] == ["E-1", "E-2", "E-3"]
    assert [e["title"] for e in epics] == ["Checkout revamp", "Login", "Mobile app"]
    assert [e["remaining"] for e in epics] == [3, 0, 3]
    assert [e["cumulative"] for e in epics] == [3, 3, 6]
    assert "in the order given" in data["epics_definition"]
    days = [{p["percentile"]: p["days"] for p in e["percentiles"]} for e in epics]
    dates = [{p["percentile"]: p["date"] for p in e["percentiles"]} for e in epics]
    assert days[1] == {q: 0 for q in QS} and set(dates[1].values()) == {AS_OF.isoformat()}
    for q in QS:
        assert 1 <= days[0][q] < days[2][q]  # E-3 waits for E-1
    assert [days[0][q] for q in QS] == sorted(days[0][q] for q in QS)
    # The same question asked as "when will N items be done" for E-3's cumulative items.
    scope = parse_scope(workspace, None, {"end": AS_OF.isoformat(), "teams": "alpha"})
    samples, _ = window_samples(daily_throughput(scope), AS_OF, 84)
    alone = forecast_when(samples, 6, trials=100_000, seed=0)
    wide = _when(api, workspace, "epics=E-1,E-3&trials=100000&team=alpha").json()["epics"]
    for p in wide[1]["percentiles"]:
        assert abs(p["days"] - alone.days[p["percentile"]]) <= 1


def test_an_epic_first_in_line_matches_the_plain_when_forecast(epic_ws, api_for):
    workspace, user = epic_ws
    api = api_for(user)
    data = _when(
        api, workspace, "items=3&epics=E-3&trials=3000&teams=alpha,beta&method=independent_days"
    ).json()
    assert data["epics"][0]["percentiles"] == data["when"]["percentiles"]
    first = _when(api, workspace, "items=3&epics=E-1,E-3&trials=3000&teams=alpha,beta").json()
    swapped = _when(api, workspace, "items=3&epics=E-3,E-1&trials=3000&teams=alpha,beta").json()
    # Both epics have 3 remaining: whichever goes first gets the same answer.
    assert first["epics"][0]["percentiles"] == swapped["epics"][0]["percentiles"]
    assert first["epics"][1]["percentiles"] == swapped["epics"][1]["percentiles"]
    assert swapped["epics"][1]["cumulative"] == 6


def test_the_api_answer_is_the_service_answer_and_epics_appear_only_when_asked(epic_ws, api_for):
    workspace, user = epic_ws
    api = api_for(user)
    query = f"{END}&epics=E-2,E-1&trials=1500&teams=alpha,beta"
    response = _when(api, workspace, query)
    scope = parse_scope(workspace, None, QueryDict(query))
    expected = forecast(scope, **forecast_inputs(QueryDict(query), scope.end))
    expected.pop("how_many")
    assert response.content.decode() == DjangoJSONEncoder().encode(expected)
    plain = _when(api, workspace, "trials=1500").json()
    assert "epics" not in plain and "epics_definition" not in plain
    how = api.get(
        f"/api/v1/workspaces/{workspace.slug}/metrics/forecast/how-many?{END}&epics=E-1&trials=500"
    )
    assert how.status_code == 200 and "epics" not in how.json()


def test_an_unknown_epic_is_a_422_naming_it(epic_ws, api_for):
    workspace, user = epic_ws
    response = _when(api_for(user), workspace, "epics=E-1,X-9&trials=500")
    assert response.status_code == 422
    assert "'X-9'" in " ".join(response.json()["errors"]["epics"])


def test_no_throughput_never_finishes_an_epic_with_work(epic_ws, api_for):
    workspace, user = epic_ws
    url = f"/api/v1/workspaces/{workspace.slug}/metrics/forecast/when"
    data = api_for(user).get(f"{url}?end=2020-01-01&epics=E-1,E-2&trials=500").json()
    assert [e["remaining"] for e in data["epics"]] == [0, 0]  # nothing existed yet: done
    # 86 days before AS_OF only C-4 (created at day -90) is open, and nothing finished yet.
    early = parse_scope(workspace, None, {"end": "2024-12-05"})
    got = forecast(early, items=3, epics=("E-1", "E-2"), window_days=7, trials=200, backtest=False)
    assert got["inputs"]["total_items"] == 0
    assert [e["remaining"] for e in got["epics"]] == [1, 0]
    assert {(p["days"], p["date"]) for p in got["epics"][0]["percentiles"]} == {(None, None)}
    assert {p["days"] for p in got["epics"][1]["percentiles"]} == {0}


def test_the_page_shows_the_epics_table_with_its_assumption_and_csv(epic_ws, client_for):
    workspace, user = epic_ws
    client = client_for(user)
    base = f"/w/{workspace.slug}/forecasts/?{END}&trials=1000&epics=E-1,E-2,E-3"
    page = client.get(base)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-table="epics"' in html
    assert html.index('data-epic="E-1"') < html.index('data-epic="E-3"')
    assert "in the order given" in html and "Checkout revamp" in html
    assert 'value="E-1,E-2,E-3"' in html  # the form keeps the epics
    assert 'data-table="forecast"' in html  # the plain "when"/"how many" stay
    rows = list(
        csv.DictReader(io.StringIO(client.get(base + "&format=csv&table=epics").content.decode()))
    )
    assert [r["epic"] for r in rows] == ["E-1", "E-2", "E-3"]
    assert [r["remaining"] for r in rows] == ["3", "0", "3"]
    assert rows[1]["p85_days"] == "0" and rows[1]["p85_date"] == AS_OF.isoformat()
    assert int(rows[2]["p85_days"]) > int(rows[0]["p85_days"])


def test_the_page_names_an_unknown_epic_and_still_forecasts(epic_ws, client_for):
    workspace, user = epic_ws
    page = client_for(user).get(f"/w/{workspace.slug}/forecasts/?{END}&trials=500&epics=E-1,X-9")
    assert page.status_code == 200
    html = page.content.decode()
    assert "X-9" in html and "no epic" in html
    assert 'data-table="epics"' not in html and 'data-table="forecast"' in html
    assert 'value="E-1,X-9"' in html


def test_the_backtest_reports_unknown_outcomes(epic_ws, api_for):
    workspace, user = epic_ws
    data = _when(api_for(user), workspace, "items=30&trials=500&team=beta").json()
    backtest = data["backtest"]
    when = [r for r in backtest["calibration"] if r["question"] == "when"]
    assert backtest["excluded"] == sum(r["excluded"] for r in when)
    assert all(r["excluded"] == 0 for r in backtest["calibration"] if r["question"] == "how_many")
    assert json.dumps(backtest)  # plain JSON
