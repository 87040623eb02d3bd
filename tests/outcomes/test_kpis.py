"""KPIs, their values (page, CSV import, API push), scorecards and status against target."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from leadline.outcomes import services, values
from leadline.outcomes.models import KpiValue
from leadline.outcomes.sources import SOURCES, SourceQuery, computed_source

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(date(2026, 6, 15), tick=False):
        yield


def test_a_kpi_owned_by_two_functions_is_shared(ow):
    kpi = ow.kpi("Time to delivery", [ow.product, ow.it], unit="days", direction="lower")
    solo = ow.kpi("Spec completeness", [ow.product])
    assert services.kpi_out(kpi, TODAY)["shared"] is True
    assert services.kpi_out(solo, TODAY)["shared"] is False


def test_a_contribution_closing_a_cycle_is_refused_naming_the_chain(ow):
    a = ow.kpi("Outcome")
    b = ow.kpi("Progress", contributes_to=a.pk)
    with pytest.raises(ValidationError) as err:
        values.save_kpi(ow.access, {"contributes_to": b.pk}, a)
    assert "cycle: Outcome → Progress → Outcome" in err.value.message_dict["contributes_to"][0]
    with pytest.raises(ValidationError):
        values.save_kpi(ow.access, {"contributes_to": a.pk}, a)


def test_an_unknown_source_or_another_workspaces_function_is_refused(ow):
    from leadline.workspaces.models import Function

    with pytest.raises(ValidationError) as err:
        ow.kpi("X", source="nonsense")
    assert "source" in err.value.message_dict
    stranger = Function.objects.create(workspace=ow.other, name="Sales")
    with pytest.raises(ValidationError) as err:
        ow.kpi("Y", [stranger])
    assert "functions" in err.value.message_dict


def test_csv_import_names_line_and_field_and_keeps_stored_rows(ow):
    kpi = ow.kpi("Adoption", unit="%")
    values.record_values(ow.access, kpi, [("2026-01-31", 10)])
    bad = ("kpi,date,value\nAdoption,2026-02-28,12\nAdoption,2026-13-01,13\n"
           "Nope,2026-03-31,14\nAdoption,2026-04-30,lots\n")  # fmt: skip
    out = values.import_csv(ow.access, bad)
    assert out["stored"] is False
    assert [(e["line"], e["field"]) for e in out["errors"]] == [
        (3, "date"),
        (4, "kpi"),
        (5, "value"),
    ]
    assert "'lots' is not a number" in out["errors"][2]["message"]
    assert list(KpiValue.objects.filter(kpi=kpi).values_list("day", "value")) == [
        (date(2026, 1, 31), 10.0)
    ]


def test_csv_import_is_idempotent_and_a_changed_value_replaces_the_day(ow):
    kpi = ow.kpi("Adoption")
    text = f"kpi,date,value\n{kpi.pk},2026-02-28,12\nadoption,2026-03-31,14\n"
    assert values.import_csv(ow.access, text)["created"] == 2
    again = values.import_csv(ow.access, text)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    changed = values.import_csv(ow.access, text.replace(",14", ",15"))
    assert (changed["updated"], changed["unchanged"]) == (1, 1)
    assert services.kpi_series(ow.workspace, kpi.pk) == [(date(2026, 2, 28), 12.0),
                                                         (date(2026, 3, 31), 15.0)]  # fmt: skip


def test_a_missing_column_is_reported_on_the_header_line(ow):
    out = values.import_csv(ow.access, "date,value\n2026-01-01,3\n")
    assert out["errors"] == [{"line": 1, "field": "kpi",
                              "message": "no 'kpi' column (the header needs kpi, date, value)"}]  # fmt: skip


def test_a_computed_kpi_takes_no_entered_values(ow):
    kpi = ow.kpi("Decisions", source="decision_latency")
    with pytest.raises(ValidationError):
        values.record_values(ow.access, kpi, [("2026-01-01", 3)])


def test_status_against_target_follows_the_straight_path_to_the_target(ow):
    kpi = ow.kpi("Adoption", target_value=100, target_date="2026-12-31")
    values.record_values(ow.access, kpi, [("2026-01-01", 0), ("2026-06-01", 45)])
    row = services.score(kpi, TODAY)
    # The path asks for 100 * 165/364 ≈ 45.3 by today: 45 is behind but above half of it.
    assert row["status"] == "at_risk" and row["current"] == 45
    values.record_values(ow.access, kpi, [("2026-06-10", 50)])
    assert services.score(kpi, TODAY)["status"] == "on_track"
    values.record_values(ow.access, kpi, [("2026-06-12", 10)])
    assert services.score(kpi, TODAY)["status"] == "off_track"
    lower = ow.kpi("Downtime", direction="lower", target_value=1, target_date="2026-03-01")
    values.record_values(ow.access, lower, [("2026-01-01", 7), ("2026-06-01", 2)])
    assert services.score(lower, TODAY)["status"] == "off_track"  # the date passed unmet
    values.record_values(ow.access, lower, [("2026-06-14", 0.5)])
    assert services.score(lower, TODAY)["status"] == "on_track"


def test_scorecards_per_workspace_team_and_function(ow):
    shared = ow.kpi("Time to delivery", [ow.product, ow.it])
    mine = ow.kpi("Spec completeness", [ow.product], teams=["checkout"])
    ow.kpi("Retired", [ow.it], active_until="2026-01-01", active_from="2025-01-01")
    names = lambda card: [r["kpi"]["name"] for r in card["rows"]]  # noqa: E731
    assert names(services.scorecard(ow.workspace, TODAY)) == [mine.name, shared.name]
    assert names(services.scorecard(ow.workspace, TODAY, function=ow.it)) == [shared.name]
    assert names(services.scorecard(ow.workspace, TODAY, team=ow.checkout)) == [mine.name]


def test_a_source_other_apps_register_feeds_a_kpi(ow):
    @computed_source("test_constant", label="Constant", unit="x", direction="higher",
                     definition="Always 3.")  # fmt: skip
    def constant(q: SourceQuery) -> list[tuple[date, float]]:
        return [(q.end - timedelta(days=1), 3.0), (q.end + timedelta(days=5), 9.0)]

    try:
        kpi = ow.kpi("Constant", source="test_constant")
        assert services.kpi_series(ow.workspace, kpi.pk) == [(TODAY - timedelta(days=1), 3.0)]
    finally:
        SOURCES.pop("test_constant")


def test_decision_latency_is_computed_from_the_decision_log(ow):
    from datetime import UTC, datetime

    from leadline.decisions.models import Decision

    for hours in (10, 30, 50):
        created = datetime(2026, 5, 2, 9, tzinfo=UTC)
        Decision.objects.create(workspace=ow.workspace, title=f"D{hours}", routed_kind="person",
                                routed_name="x", due_at=created, created_at=created,
                                decided_at=created + timedelta(hours=hours), status="decided")  # fmt: skip
    kpi = ow.kpi("Decision latency", source="decision_latency")
    assert services.kpi_series(ow.workspace, kpi.pk) == [(date(2026, 5, 1), 30.0)]
