"""Jira JSON exports and jira-agile-metrics configs, read from the peer tool's real fixture."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadline.connectors.jira.export import JiraExportError, read_export
from leadline.connectors.jira.jam_config import JamConfigError, read_workflow
from leadline.connectors.jira.mapping import field_ids_from_fields, items_from_search_response

from .replay import JAM


def test_the_peer_fixture_list_of_issues_imports_all_20() -> None:
    items = list(read_export(JAM / "search_issues.json"))
    assert len(items) == 20
    first = items[0]
    assert first.key == "I-1"
    assert first.status == "Done"
    assert first.created == datetime(2021, 1, 1, 9, tzinfo=UTC)
    assert [(t.from_status, t.to_status) for t in first.transitions] == [
        (None, "Backlog"),
        ("Backlog", "Next"),
        ("Next", "Build"),
        ("Build", "Done"),
    ]


def test_search_response_object_and_json_lines_give_the_same_items(tmp_path: Path) -> None:
    issues = json.loads((JAM / "search_issues.json").read_text())
    wrapped = tmp_path / "search.json"
    wrapped.write_text(json.dumps({"startAt": 0, "total": 20, "issues": issues}))
    lines = tmp_path / "issues.jsonl"
    lines.write_text("\n".join(json.dumps(i) for i in issues) + "\n")
    keys = [i.key for i in read_export(JAM / "search_issues.json")]
    assert [i.key for i in read_export(wrapped)] == keys
    assert [i.key for i in read_export(lines)] == keys


def test_mapping_matches_the_export_reader_on_the_same_issues() -> None:
    issues = json.loads((JAM / "search_issues.json").read_text())
    fields = field_ids_from_fields(json.loads((JAM / "fields.json").read_text()))
    from_mapping = list(items_from_search_response({"issues": issues}, field_ids=fields))
    assert from_mapping == list(read_export(JAM / "search_issues.json", field_ids=fields))


def test_a_bad_timestamp_names_the_file_issue_and_field(tmp_path: Path) -> None:
    issues = json.loads((JAM / "search_issues.json").read_text())
    issues[2]["fields"]["created"] = "yesterday"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(issues))
    with pytest.raises(
        JiraExportError, match=r"export.json: issue #3 \(issue I-3, field 'created': 'yesterday'"
    ):
        list(read_export(path))


def test_a_broken_json_line_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "issues.jsonl"
    path.write_text('{"key": "A-1", "fields": {}}\n{"key": \n')
    with pytest.raises(JiraExportError, match="issues.jsonl"):
        list(read_export(path))


def test_an_issue_without_status_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(
        json.dumps(
            {"issues": [{"key": "A-1", "fields": {"created": "2021-01-01T00:00:00.000+0000"}}]}
        )
    )
    with pytest.raises(JiraExportError, match=r"issue #1 \(issue A-1, field 'status': missing"):
        list(read_export(path))


def test_the_peer_workflow_config_reads_as_ordered_columns() -> None:
    workflow = read_workflow(JAM / "config.yml")
    assert [c.name for c in workflow.columns] == ["Backlog", "Committed", "Build", "Test", "Done"]
    assert [c.statuses for c in workflow.columns] == [
        ["Backlog"],
        ["Next"],
        ["Build"],
        ["QA"],
        ["Done"],
    ]
    assert workflow.backlog_column == "Backlog"
    assert workflow.committed_column == "Committed"
    assert workflow.final_column == "Test"
    assert workflow.done_column == "Done"
    assert workflow.column_of("qa") == "Test"
    assert workflow.column_of("Nowhere") is None


def test_column_options_and_status_lists_are_honoured(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text(
        "Workflow:\n  Inbox: Open\n  Ready: [Selected, Ready]\n  Doing: In Progress\n"
        "  Review: [Code review, QA]\n  Done: [Done, Closed]\n"
        "Output:\n  Backlog column: Inbox\n  Committed column: Doing\n  Done column: Done\n"
    )
    workflow = read_workflow(path)
    assert workflow.committed_column == "Doing"
    assert workflow.columns[3].statuses == ["Code review", "QA"]


def test_a_committed_column_that_is_not_a_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text("Workflow:\n  A: a\n  B: b\n  C: c\nCommitted column: Z\n")
    with pytest.raises(
        JamConfigError, match="c.yml: Committed column 'Z' is not a Workflow column"
    ):
        read_workflow(path)
