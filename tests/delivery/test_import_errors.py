"""Bad files get a message naming file, line (or issue) and field, and lose no valid row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from leadline.cli import app
from leadline.delivery.jobs import start_import
from leadline.delivery.models import ImportProblem, WorkItem
from leadline.jobs.models import Job
from leadline.jobs.services import run_job

HEADER = "key,title,created,finished\n"
GOOD = "A-2,Fine,2024-01-01,2024-01-05\n"


@pytest.fixture
def workspace(make_workspace):
    return make_workspace("Errors")


def _run(workspace, kind: str, path: Path, **options: Any) -> Job:
    job = start_import(workspace, kind, str(path), **options)
    run_job(str(job.pk))
    job.refresh_from_db()
    return job


def _keys(workspace) -> list[str]:
    return sorted(WorkItem.objects.filter(workspace=workspace).values_list("key", flat=True))


def _problems(workspace) -> list[tuple[str, str]]:
    return list(
        ImportProblem.objects.filter(workspace=workspace)
        .order_by("location")
        .values_list("location", "message")
    )


@pytest.mark.django_db
def test_a_latin1_csv_is_refused_naming_line_column_and_field_then_imports_when_named(
    workspace, tmp_path
):
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "A-1,Café,2024-01-01,2024-01-05\n" + GOOD).encode("latin-1"))
    job = _run(workspace, "csv", path)
    assert job.status == "failed"
    assert "latin.csv line 2, column 8, field 'title': byte 0xe9 is not UTF-8 text" in job.error
    assert "--encoding" in job.error and "UnicodeDecodeError" not in job.error
    assert _keys(workspace) == []
    job = _run(workspace, "csv", path, encoding="latin-1")
    assert job.status == "succeeded", job.error
    assert WorkItem.objects.get(workspace=workspace, key="A-1").title == "Café"


@pytest.mark.django_db
def test_a_utf16_csv_with_a_byte_order_mark_imports(workspace, tmp_path):
    path = tmp_path / "unicode.csv"
    path.write_bytes((HEADER + "A-1,Café,2024-01-01,2024-01-05\n" + GOOD).encode("utf-16"))
    assert _run(workspace, "csv", path).status == "succeeded"
    assert WorkItem.objects.get(workspace=workspace, key="A-1").title == "Café"


@pytest.mark.django_db
def test_a_binary_file_is_named_for_what_it_is(workspace, tmp_path):
    workbook = tmp_path / "book.csv"
    workbook.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    job = _run(workspace, "csv", workbook)
    assert job.status == "failed" and "book.csv is an Excel workbook or a zip file" in job.error
    noise = tmp_path / "noise.csv"
    noise.write_bytes(b"key,title\n\x80\xfe\xff\x00garbage")
    job = _run(workspace, "csv", noise)
    assert job.status == "failed" and "noise.csv line 2, column 1" in job.error


@pytest.mark.django_db
def test_a_ten_megabyte_field_rejects_its_row_naming_the_field_and_keeps_the_others(
    workspace, tmp_path
):
    path = tmp_path / "big.csv"
    path.write_text(HEADER + "A-1," + "x" * 10_000_000 + ",2024-01-01,2024-01-05\n" + GOOD)
    job = _run(workspace, "csv", path)
    assert job.status == "succeeded", job.error
    assert _keys(workspace) == ["A-2"]
    [(where, why)] = _problems(workspace)
    assert where == "big.csv line 2" and why.startswith("field 'title': a value longer than")


@pytest.mark.django_db
def test_a_nul_in_a_key_rejects_that_row_and_keeps_the_valid_one_beside_it(workspace, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text(HEADER + "A-\x001,Nul,2024-01-01,2024-01-05\n" + GOOD)
    job = _run(workspace, "csv", path)
    assert job.status == "succeeded", job.error
    assert _keys(workspace) == ["A-2"]
    [(where, why)] = _problems(workspace)
    assert where == "nul.csv line 2" and "key 'A-\\x001' contains a NUL character" in why


@pytest.mark.django_db
def test_dates_at_the_edge_of_the_range_with_a_zone_are_rejected_not_a_crash(workspace, tmp_path):
    path = tmp_path / "edge.csv"
    path.write_text(
        HEADER
        + "A-1,Old,0001-01-01T00:00:00+05:00,2024-01-05\n"
        + "A-3,Never,2024-01-01,9999-12-31T23:59:59-05:00\n"
        + "A-4,Ancient,1900-01-01,2024-01-05\n"
        + GOOD
    )
    job = _run(workspace, "csv", path)
    assert job.status == "succeeded", job.error
    assert _keys(workspace) == ["A-2"]
    problems = dict(_problems(workspace))
    assert problems["edge.csv line 2"].startswith("created 0001-01-01T00:00:00+05:00 is outside")
    assert "finished 9999-12-31T23:59:59-05:00 is outside" in problems["edge.csv line 3"]
    assert "(1970-01-01 to 2100-12-31)" in problems["edge.csv line 4"]


def _issue(key: str, created: str, *, done_at: str | None = None) -> dict[str, Any]:
    histories = []
    if done_at:
        histories.append(
            {"id": "1", "created": done_at,
             "items": [{"field": "status", "fromString": "To Do", "toString": "Done"}]}
        )  # fmt: skip
    return {
        "key": key,
        "fields": {
            "created": created,
            "summary": key,
            "status": {
                "name": "Done" if done_at else "To Do",
                "statusCategory": {"key": "done" if done_at else "new"},
            },
        },  # fmt: skip
        "changelog": {"histories": histories},
    }


@pytest.mark.django_db
def test_an_item_finished_before_it_was_created_is_rejected_by_jira_and_csv_alike(
    workspace, tmp_path
):
    export = tmp_path / "export.json"
    export.write_text(
        json.dumps(
            {
                "issues": [
                    _issue(
                        "J-1",
                        "2024-02-01T10:00:00.000+0000",
                        done_at="2024-01-05T10:00:00.000+0000",
                    ),
                    _issue(
                        "J-2",
                        "2024-01-01T10:00:00.000+0000",
                        done_at="2024-01-05T10:00:00.000+0000",
                    ),
                    _issue("J-3", "0001-01-01T00:00:00.000+0500"),
                ]
            }
        )  # fmt: skip
    )
    job = _run(workspace, "jira-json", export)
    assert job.status == "succeeded", job.error
    items = tmp_path / "items.csv"
    items.write_text(HEADER + "C-1,Late,2024-02-01,2024-01-05\nC-2,Fine,2024-01-01,2024-01-05\n")
    assert _run(workspace, "csv", items).status == "succeeded"
    assert _keys(workspace) == ["C-2", "J-2"]
    problems = dict(_problems(workspace))
    assert "is before created 2024-02-01" in problems["items.csv line 2"]
    assert "is before created 2024-02-01T10:00:00+00:00" in problems["export.json, item J-1"]
    assert "is outside the dates Leadline accepts" in problems["export.json, issue #3"]
    assert job.result["rejected"] == 2


@pytest.mark.django_db
def test_jira_json_nested_five_thousand_levels_deep_is_refused_with_where(workspace, tmp_path):
    deep = "[" * 5000 + "]" * 5000
    lines = tmp_path / "lines.json"
    lines.write_text(json.dumps(_issue("J-1", "2024-01-01T00:00:00.000+0000")) + "\n")
    lines.write_text(lines.read_text() + '{"key": "J-2", "fields": ' + deep + "}\n")
    job = _run(workspace, "jira-json", lines)
    assert job.status == "failed"
    assert "lines.json line 2" in job.error and "RecursionError" not in job.error
    document = tmp_path / "doc.json"
    document.write_text('{"issues": [' + deep + "]}")
    job = _run(workspace, "jira-json", document)
    assert job.status == "failed"
    assert "doc.json: issue #1 is a list, not a JSON object" in job.error


@pytest.mark.django_db
def test_a_truncated_jira_export_names_the_line_column_and_last_issue(workspace, tmp_path):
    whole = json.dumps(
        {
            "issues": [
                _issue("J-1", "2024-01-01T00:00:00.000+0000"),
                _issue("J-2", "2024-01-02T00:00:00.000+0000"),
            ]
        }  # fmt: skip
    )
    path = tmp_path / "cut.json"
    path.write_text(whole[: len(whole) - 60])
    job = _run(workspace, "jira-json", path)
    assert job.status == "failed"
    assert f"cut.json line 1, column {len(whole) - 60 + 1}" in job.error
    assert "in issue #2 (after issue #1" in job.error and "truncated" in job.error
    assert "right here" not in job.error


@pytest.mark.django_db
def test_a_key_repeated_in_one_file_is_warned_about_in_the_job_and_the_cli(workspace, tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text(HEADER + "A-1,First,2024-01-01,2024-01-05\nA-1,Second,2024-01-02,2024-01-06\n")
    result = CliRunner().invoke(app, ["import", "csv", str(path), "-w", workspace.slug])
    assert result.exit_code == 0, result.output
    assert "Warning: 1 key came more than once (A-1); the last one of each was kept" in (
        " ".join(result.output.split())
    )
    job = Job.objects.get(workspace=workspace, kind="delivery.import")  # the Radar run follows
    assert job.result["repeated"] == 1 and "A-1" in job.result["warnings"][0]
    assert "Warning: 1 key came more than once" in job.log
    assert WorkItem.objects.get(workspace=workspace, key="A-1").title == "Second"


@pytest.mark.django_db
def test_a_resumed_import_reports_the_whole_file(workspace, tmp_path):
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(f"A-{n},T,2024-01-01,2024-01-05\n" for n in range(120)))
    job = start_import(workspace, "csv", str(path), batch_size=50)

    crashed: list[bool] = []

    def crash_after_first_batch(running: Job) -> None:
        if running.checkpoint.get("batch") == 1 and not crashed:
            crashed.append(True)
            raise RuntimeError("the worker died")

    assert run_job(str(job.pk), listener=crash_after_first_batch) == "failed"
    assert WorkItem.objects.filter(workspace=workspace).count() == 50
    again = start_import(workspace, "csv", str(path), batch_size=50)
    assert again.pk == job.pk and again.checkpoint["batch"] == 1
    assert run_job(str(again.pk)) == "succeeded"
    again.refresh_from_db()
    assert again.result["work_items"] == 120 == WorkItem.objects.filter(workspace=workspace).count()
    assert again.result["transitions"] == 240 and again.result["skipped_batches"] == 1
