"""CSV import: real exported data, every documented kind, and errors that name the spot."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from leadline.connectors.csv import (
    KINDS,
    CsvFormatError,
    CsvRowError,
    columns,
    columns_markdown,
    dated_statuses,
    read_csv,
    read_work_items,
    template,
)
from leadline.records import DeploymentRecord, IncidentRecord, StageCategory, WorkItemRecord

FIXTURES = Path(__file__).parents[2] / "fixtures"
RUEEDLINGER = FIXTURES / "rueedlinger" / "jira.csv"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rueedlinger_rejects_exactly_the_1662_impossible_rows_and_imports_the_rest() -> None:
    reader = read_work_items(RUEEDLINGER)
    items = [i for batch in reader.batches(1000) for i in batch]
    assert len(reader.rejected) == 1662
    assert len(items) == 4123 - 1662
    first = reader.rejected[0]
    assert first.file == "jira.csv" and first.line == 2
    assert first.reason.startswith("finished 2015-02-04 is before created 2015-02-05: impossible")
    assert first.row["key"] == "P0-T5052"


def test_rueedlinger_items_finish_on_their_finished_date() -> None:
    items = [i for i in read_work_items(RUEEDLINGER) if isinstance(i, WorkItemRecord)]
    item = next(i for i in items if i.key == "P0-T324")
    assert item.created == datetime(2013, 8, 13, tzinfo=UTC)
    assert item.resolved == datetime(2013, 8, 31, tzinfo=UTC)
    assert item.status == "Done"
    assert [t.to_status for t in item.transitions] == ["Backlog", "Done"]
    assert item.project == "0"
    assert item.title == "P0-T324"


def test_reading_streams_in_batches_of_the_requested_size() -> None:
    sizes = [len(b) for b in read_work_items(RUEEDLINGER).batches(500)]
    assert sizes[:-1] == [500] * (len(sizes) - 1)
    assert sum(sizes) == 2461


def test_tawos_headerless_finish_dates_read_as_throughput() -> None:
    reader = read_csv(FIXTURES / "peers" / "tawos" / "Apache_Usergrid.csv", "throughput")
    dates = list(reader)
    assert len(dates) == 811
    assert dates[0] == date(2019, 5, 31)
    assert not reader.rejected


def test_a_bad_date_names_file_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "jira.csv",
        "key,created,finished\nA-1,2019-01-01,2019-02-01\nA-2,2019-01-01,2019-13-01\n",
    )
    with pytest.raises(CsvRowError) as info:
        list(read_work_items(path))
    assert str(info.value) == (
        "jira.csv line 3, field 'finished': '2019-13-01' is not a date "
        "(expected YYYY-MM-DD or ISO 8601)"
    )


def test_lenient_mode_collects_unreadable_rows_and_goes_on(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "key,created\nA-1,2019-01-01\n,2019-01-02\nA-3,nope\n")
    reader = read_work_items(path, strict=False)
    assert [i.key for i in reader if isinstance(i, WorkItemRecord)] == ["A-1"]
    assert [r.line for r in reader.rejected] == [3, 4]
    assert "field 'key': is required but empty" in reader.rejected[0].reason


def test_a_missing_required_column_fails_before_any_row(tmp_path: Path) -> None:
    path = write(tmp_path, "d.csv", "id,service,status\n1,api,success\n")
    with pytest.raises(CsvFormatError, match="d.csv: missing required column.s. environment"):
        list(read_csv(path, "deployments"))


def test_dated_items_walk_backlog_active_done_and_removed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "i.csv",
        "Key,Title,Created,Started,Finished,Removed,Labels,Story_Points\n"
        "A-1,One,2024-03-01,2024-03-04T09:00:00+01:00,2024-03-08,,x;y,3\n"
        "A-2,Two,2024-03-01,,2024-03-02,yes,,\nA-3,Three,2024-03-01,,,,,\n",
    )
    a1, a2, a3 = list(read_work_items(path))
    assert isinstance(a1, WorkItemRecord) and isinstance(a2, WorkItemRecord)
    assert isinstance(a3, WorkItemRecord)
    assert [t.to_status for t in a1.transitions] == ["Backlog", "In Progress", "Done"]
    assert a1.transitions[1].at == datetime(2024, 3, 4, 8, tzinfo=UTC)
    assert a1.labels == ["x", "y"] and a1.story_points == 3.0
    assert a2.status == "Removed"
    assert a3.status == "Backlog" and a3.resolved is None
    categories = {s.name: s.category for s in dated_statuses()}
    assert categories[a2.status] is StageCategory.REMOVED


def test_naive_times_are_read_in_the_import_time_zone(tmp_path: Path) -> None:
    path = write(tmp_path, "i.csv", "key,created\nA-1,2024-03-01 10:00\n")
    [item] = list(read_work_items(path, tz=timezone(timedelta(hours=2))))
    assert isinstance(item, WorkItemRecord)
    assert item.created == datetime(2024, 3, 1, 8, tzinfo=UTC)


def test_transition_rows_group_into_items_in_time_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "t.csv",
        "key,title,type,created,status,at,category\n"
        "A-1,One,Story,2024-03-01,Done,2024-03-09,done\n"
        "A-1,One,Story,2024-03-01,To Do,2024-03-01,backlog\n"
        "A-2,Two,Bug,2024-03-02,To Do,2024-03-02,backlog\n"
        "A-1,One,Story,2024-03-01,Doing,2024-03-04,active\n"
        "A-1,One,Story,2024-03-01,To Do,2024-02-01,backlog\n",
    )
    reader = read_work_items(path)
    items = {i.key: i for i in reader if isinstance(i, WorkItemRecord)}
    a1 = items["A-1"]
    assert [(t.from_status, t.to_status) for t in a1.transitions] == [
        (None, "To Do"),
        ("To Do", "Doing"),
        ("Doing", "Done"),
    ]
    assert a1.status == "Done"
    assert reader.statuses["Doing"].category is StageCategory.ACTIVE
    assert len(reader.rejected) == 1
    assert reader.rejected[0].line == 6
    assert "at 2024-02-01 is before created 2024-03-01" in reader.rejected[0].reason


def test_deployments_normalise_status_and_production(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "deploys.csv",
        "id,service,environment,status,started,finished,changes\n"
        "d1,api,production,Succeeded,2024-03-08T10:00:00Z,2024-03-08T10:12:00Z,PR-1;PR-2\n"
        "d2,api,staging,failed,2024-03-08T11:00:00Z,,\n"
        "d3,api,prod,weird,2024-03-08T12:00:00Z,2024-03-08T11:00:00Z,\n",
    )
    reader = read_csv(path, "deployments")
    deploys = [d for d in reader if isinstance(d, DeploymentRecord)]
    assert [(d.status, d.raw_status, d.is_production) for d in deploys] == [
        ("success", "Succeeded", True),
        ("failure", "failed", False),
    ]
    assert deploys[0].change_ids == ["PR-1", "PR-2"]
    assert "finished 2024-03-08T11:00:00+00:00 is before started" in reader.rejected[0].reason


def test_incidents_resolved_before_they_started_are_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "inc.csv",
        "id,title,service,severity,started,resolved\n"
        "i1,Down,api,SEV1,2024-03-08T10:20:00Z,2024-03-08T11:05:00Z\n"
        "i2,Odd,api,SEV3,2024-03-08T10:20:00Z,2024-03-07T11:05:00Z\n",
    )
    reader = read_csv(path, "incidents")
    incidents = [i for i in reader if isinstance(i, IncidentRecord)]
    assert [i.external_id for i in incidents] == ["i1"]
    assert reader.rejected[0].line == 3


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_reads_back_through_its_own_reader(kind: str, tmp_path: Path) -> None:
    text = template(kind)
    header = next(csv.reader(io.StringIO(text)))
    assert header == [c.name for c in columns(kind)]
    reader = read_csv(write(tmp_path, f"{kind}.csv", text), kind)
    assert len(list(reader)) == 1
    assert not reader.rejected


@pytest.mark.parametrize("kind", KINDS)
def test_markdown_docs_list_every_column_with_its_type(kind: str) -> None:
    doc = columns_markdown(kind)
    for column in columns(kind):
        assert f"| `{column.name}` | {'yes' if column.required else 'no'} | {column.type}" in doc


def test_an_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="expected one of: work_items, transitions"):
        template("tickets")
