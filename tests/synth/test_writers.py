"""Generated items written as Jira JSON and CSV are valid and read back unchanged."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest

from leadline.records import WorkItemRecord
from leadline.synth import SynthData, generate, iter_items, simple_spec, write_csv, write_jira_json

JIRA_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")


@pytest.fixture(scope="module")
def data() -> SynthData:
    return generate(simple_spec(2, 300, end=date(2025, 3, 3), seed=5))


def test_jira_json_is_a_valid_search_response_written_from_a_generator(
    data: SynthData, tmp_path: Path
) -> None:
    path = tmp_path / "issues.json"
    n = write_jira_json(iter(data.items), path)
    doc = json.loads(path.read_text())
    assert n == len(data.items) == doc["total"] == doc["maxResults"] == len(doc["issues"])
    assert doc["startAt"] == 0
    issue = next(i for i in doc["issues"] if i["fields"]["status"]["name"] == "Done")
    assert issue["fields"]["status"]["statusCategory"]["key"] == "done"
    assert JIRA_TIME.match(issue["fields"]["created"]) and JIRA_TIME.match(
        issue["fields"]["resolutiondate"]
    )
    for issue in doc["issues"]:
        stamps = [h["created"] for h in issue["changelog"]["histories"]]
        assert all(JIRA_TIME.match(s) for s in stamps) and stamps == sorted(stamps)
        status_items = [
            it
            for h in issue["changelog"]["histories"]
            for it in h["items"]
            if it["field"] == "status"
        ]
        for a, b in zip(status_items, status_items[1:], strict=False):
            assert a["toString"] == b["fromString"]
        if status_items:
            assert status_items[-1]["toString"] == issue["fields"]["status"]["name"]


def test_jira_json_records_flags_and_sprint_moves(data: SynthData, tmp_path: Path) -> None:
    path = tmp_path / "issues.json"
    write_jira_json(data.items, path)
    fields = {
        it["field"]
        for i in json.loads(path.read_text())["issues"]
        for h in i["changelog"]["histories"]
        for it in h["items"]
    }
    assert fields == {"status", "Flagged", "Sprint"}


def test_jira_json_round_trips_through_the_jira_mapping(data: SynthData, tmp_path: Path) -> None:
    mapping = pytest.importorskip("leadline.connectors.jira.mapping")
    path = tmp_path / "issues.json"
    write_jira_json(data.items, path)
    back = list(mapping.items_from_search_response(json.loads(path.read_text())))
    original = {i.key: i for i in data.items}
    assert [b.key for b in back] == [i.key for i in data.items]
    for b in back:
        o = original[b.key]
        assert (b.title, b.type, b.created, b.status, b.project) == (
            o.title,
            o.type,
            o.created,
            o.status,
            o.project,
        )
        assert (b.resolved, b.resolution, b.updated) == (o.resolved, o.resolution, o.updated)
        assert [t for t in b.transitions if t.from_status is not None] == o.transitions
        assert (b.epic_key or b.parent_key) == o.epic_key
        assert (b.story_points, b.assignees, b.labels, b.components) == (
            o.story_points,
            o.assignees,
            o.labels,
            o.components,
        )
        assert [(f.start, f.end) for f in b.flags] == [(f.start, f.end) for f in o.flags]
        assert b.sprints == o.sprints


def _seconds(item: WorkItemRecord) -> list[tuple[str, str]]:
    first = item.transitions[0].from_status if item.transitions else item.status
    return [(str(first), item.created.strftime("%Y-%m-%d %H:%M:%S"))] + [
        (t.to_status, t.at.strftime("%Y-%m-%d %H:%M:%S")) for t in item.transitions
    ]


def test_csv_has_one_row_per_status_entered(data: SynthData, tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    rows = write_csv(iter(data.items), path)
    with path.open(newline="") as f:
        table = list(csv.DictReader(f))
    assert list(table[0])[:6] == ["key", "title", "type", "created", "status", "at"]
    assert rows == len(table) == sum(len(i.transitions) + 1 for i in data.items)
    assert {r["category"] for r in table} == {"backlog", "active", "done", "removed"}


def test_csv_round_trips_through_the_csv_connector(data: SynthData, tmp_path: Path) -> None:
    reader_module = pytest.importorskip("leadline.connectors.csv.reader")
    path = tmp_path / "items.csv"
    write_csv(data.items, path)
    reader = reader_module.read_work_items(path)
    back = {i.key: i for i in reader}
    assert not reader.rejected and set(back) == {i.key for i in data.items}
    for item in data.items:
        b = back[item.key]
        got = [(t.to_status, t.at.strftime("%Y-%m-%d %H:%M:%S")) for t in b.transitions]
        assert got == _seconds(item) and b.status == item.status


def test_streaming_a_large_team_writes_every_item(tmp_path: Path) -> None:
    spec = simple_spec(1, 3000, end=date(2025, 3, 3), seed=2)
    n = write_jira_json(iter_items(spec, epics=False), tmp_path / "big.json")
    assert n == 3000


def test_sprint_moves_and_re_ranks_round_trip_through_the_jira_mapping(tmp_path: Path) -> None:
    from leadline.synth import demo_spec, generate

    mapping = pytest.importorskip("leadline.connectors.jira.mapping")
    items = generate(demo_spec(date(2025, 3, 3), items_per_team=120)).items
    assert any(i.rank_changes for i in items)
    assert any(not c.added for i in items for c in i.sprint_changes)  # taken out of a sprint
    path = tmp_path / "issues.json"
    write_jira_json(items, path)
    back = {b.key: b for b in mapping.items_from_search_response(json.loads(path.read_text()))}
    for item in items:
        assert back[item.key].rank_changes == item.rank_changes, item.key
        moves = [(c.sprint, c.at, c.added) for c in back[item.key].sprint_changes]
        assert moves == [(c.sprint, c.at, c.added) for c in item.sprint_changes], item.key
