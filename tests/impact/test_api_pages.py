"""The before/after API and page: the same figures as the CLI, confounders, access and errors."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from typer.testing import CliRunner

from leadline.cli.main import app
from leadline.impact import series, services
from leadline.impact.models import Change

from .conftest import CHANGE

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
URL = "/api/v1/workspaces/{}/before-after"
SHARED = ("at", "detected_at", "split_at", "before", "after", "test", "shift", "regression",
          "detection", "segments", "n")  # fmt: skip


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_cli_and_the_api_agree_on_the_same_data(world, api_for, tmp_path):
    got = api_for(world.member).get(
        URL.format(world.workspace.slug),
        {"metric": "release_interval_days", "at": CHANGE.isoformat(), "team": "checkout"},
    )
    assert got.status_code == 200, got.content
    api = got.json()
    assert api["before"]["median"] == 105 and api["after"]["median"] == 14
    assert api["metric"]["kind"] == "events" and api["team"] == "checkout"
    csv = tmp_path / "intervals.csv"
    csv.write_text(
        "date,value\n" + "".join(f"{p['date']},{p['value']}\n" for p in api["observations"])
    )
    out = CliRunner().invoke(
        app, ["before-after", str(csv), "--at", CHANGE.isoformat(), "--kind", "events", "--json"]
    )
    assert out.exit_code == 0, out.output
    cli = json.loads(out.output)
    assert {k: cli[k] for k in SHARED} == {k: api[k] for k in SHARED}


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_downtime_per_release_falls_and_the_change_is_detected_near_its_announcement(
    world, api_for
):
    got = (
        api_for(world.viewer)
        .get(
            URL.format(world.workspace.slug),
            {"metric": "downtime_per_release_hours", "at": CHANGE.isoformat(), "detect": "true"},
        )
        .json()
    )
    # Overlapping incidents count once: 6.5, 7, 8, 6, 7.5 hours before; 0.5 or 0 after.
    assert got["before"]["median"] == 7.0 and got["after"]["median"] == 0.0
    assert got["split_by"] == "detected" and got["detected_at"] == "2025-06-09"
    assert got["detection"]["lag_days"] == 7
    assert got["shift"]["estimate"] == pytest.approx(-7.0) and got["shift"]["high"] < 0


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_fix_release_is_not_a_release(world):
    pts = series.get(world.workspace, "release_interval_days").read(
        series.SeriesScope(world.workspace, None, date(2024, 1, 1), date(2025, 12, 31))
    )
    # 2024-09-16 is 98 days after 2024-06-10; the fix v1.3.1 on 2024-09-17 adds no interval.
    assert (date(2024, 9, 17), 1.0) not in pts and (date(2025, 1, 6), 112.0) in pts


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_decision_or_recorded_change_sets_the_date_and_other_changes_are_listed(world, api_for):
    from leadline.decisions.models import Decision
    from leadline.delivery.models import Connection

    change = Change.objects.create(workspace=world.workspace, title="Fortnightly", date=CHANGE)
    decided = datetime(2025, 6, 20, 9, tzinfo=UTC)
    d = Decision.objects.create(
        workspace=world.workspace, title="Drop the CAB", routed_kind="person", routed_name="x",
        due_at=decided, status="decided", decided_at=decided,
    )  # fmt: skip
    from leadline.workspaces.models import Person

    joined = Person.objects.create(workspace=world.workspace, name="Noor",
                                   created_at=datetime(2025, 6, 10, tzinfo=UTC))  # fmt: skip
    joined.teams.set([world.team])
    Person.objects.create(workspace=world.workspace, name="Long ago",
                          created_at=datetime(2023, 1, 1, tzinfo=UTC))  # fmt: skip
    Connection.objects.create(workspace=world.workspace, kind="github", name="GitHub",
                              target="acme/shop", created_at=datetime(2025, 5, 1, tzinfo=UTC))  # fmt: skip
    got = (
        api_for(world.member)
        .get(
            URL.format(world.workspace.slug),
            {"metric": "release_interval_days", "change": f"change:{change.pk}"},
        )
        .json()
    )
    assert got["at"] == CHANGE.isoformat() and got["change"]["title"] == "Fortnightly"
    kinds = {(c["kind"], c["title"]) for c in got["confounders"]}
    assert ("decision", "Decided: Drop the CAB") in kinds
    assert ("connection", "Data connection created: GitHub (GitHub)") in kinds
    assert ("person", "Person added: Noor") in kinds
    assert not any("Long ago" in title for _, title in kinds)  # outside the window
    assert got["confounder_window"] == ["2025-03-11", "2025-09-07"]  # 90 days either side
    by_decision = (
        api_for(world.member)
        .get(
            URL.format(world.workspace.slug),
            {"metric": "release_interval_days", "change": f"decision:{d.pk}"},
        )
        .json()
    )
    assert by_decision["at"] == "2025-06-20" and by_decision["change"]["source"] == "decision"
    assert ("change", "Fortnightly") in {
        (c["kind"], c["title"]) for c in by_decision["confounders"]
    }


@pytest.mark.django_db
def test_bad_requests_name_the_field_and_other_workspaces_are_not_found(world, api_for):
    client = api_for(world.member)
    url = URL.format(world.workspace.slug)
    bad = client.get(url, {"metric": "nope", "detect": "true"})
    assert bad.status_code == 422 and "metric" in bad.content.decode()
    bad = client.get(url, {"metric": "release_interval_days"})
    assert bad.status_code == 422 and "at" in bad.content.decode()
    bad = client.get(url, {"metric": "release_interval_days", "change": "decision:999"})
    assert bad.status_code == 422 and "change" in bad.content.decode()
    assert client.get(URL.format(world.other.slug), {"metric": "release_interval_days",
                                                     "detect": "true"}).status_code == 404  # fmt: skip


@pytest.mark.django_db
def test_members_record_changes_and_viewers_cannot(world, api_for):
    url = URL.format(world.workspace.slug) + "/changes"
    body = {"title": "Shared KPIs", "date": "2025-06-02", "team": "checkout"}
    made = api_for(world.member).post(url, body, content_type="application/json")
    assert made.status_code == 201 and made.json()["team"] == "checkout"
    assert api_for(world.viewer).post(url, body, content_type="application/json").status_code == 403
    listed = api_for(world.viewer).get(url).json()
    assert [c["title"] for c in listed] == ["Shared KPIs"]
    keys = [
        m["key"]
        for m in api_for(world.viewer).get(URL.format(world.workspace.slug) + "/metrics").json()
    ]
    assert {"release_interval_days", "downtime_per_release_hours", "cycle_time_days",
            "throughput_per_week", "lead_time_for_changes_hours", "deployment_days_per_week"} <= set(keys)  # fmt: skip


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_page_shows_the_chart_figures_and_json_twin_and_records_a_change(world, client_for):
    Change.objects.create(workspace=world.workspace, title="Fortnightly", date=CHANGE)
    page = client_for(world.viewer).get(f"/w/{world.workspace.slug}/before-after/?team=checkout")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-chart="before-after"' in html and 'data-detected-at="2025-06-09"' in html
    twin = page.headers["Link"].split(">")[0].lstrip("<")
    assert twin.startswith("/api/v1/workspaces/northwind/before-after?team=checkout")
    same = client_for(world.viewer).get(twin).json()  # the page's default: the newest change
    assert same["change"]["title"] == "Fortnightly" and same["detected_at"] == "2025-06-09"
    assert "<span data-n>4</span>" in html  # before: four intervals
    assert "Record a change" not in html  # a viewer
    post = client_for(world.member).post(
        f"/w/{world.workspace.slug}/before-after/", {"title": "New CI", "date": "2025-09-01"}
    )
    assert post.status_code == 302 and Change.objects.filter(title="New CI").exists()
    assert (
        client_for(world.viewer)
        .post(f"/w/{world.workspace.slug}/before-after/", {"title": "X", "date": "2025-09-01"})
        .status_code
        == 403
    )
    err = client_for(world.viewer).get(f"/w/{world.workspace.slug}/before-after/?at=2030-01-01")
    assert err.status_code == 200 and "nothing to compare" in err.content.decode()


@pytest.mark.django_db
def test_another_app_registers_series_and_families(world):
    def kpi_choices(ws):
        return [("probe:7", "Adoption")]

    def kpi_values(scope, key):
        return [(date(2025, 1, d), float(d < 15)) for d in range(1, 31)]

    series.register_family("probe:", choices=kpi_choices, fn=kpi_values, unit="share")
    series.register(
        "const", "A constant", kind="series", fn=lambda scope: [(date(2025, 1, 1), 1.0)]
    )
    try:
        keys = [m["key"] for m in services.metrics(world.workspace)]
        assert "probe:7" in keys and "const" in keys
        got = services.before_after(world.workspace, metric="probe:7", detect=True,
                                    end=date(2025, 12, 31))  # fmt: skip
        assert got["detected_at"] == "2025-01-15" and got["metric"]["label"] == "Adoption"
        assert series.get(world.workspace, "probe:8") is None
    finally:
        series.unregister("probe:")
        series.unregister("const")
