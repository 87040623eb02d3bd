"""Imports store a faithful history: real recordings, real files, idempotent and resumable."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.test import override_settings
from typer.testing import CliRunner

from leadline.cli import app
from leadline.delivery.imports import import_records
from leadline.delivery.jobs import start_import
from leadline.delivery.models import (
    Change,
    ImportProblem,
    Release,
    StatusMapping,
    Transition,
    WorkItem,
)
from leadline.jobs.services import run_job
from leadline.workspaces.models import Team
from tests.connectors.jira.replay import DEVLAKE, Recorder
from tests.connectors.jira.test_devlake_recordings import cloud, import_boards

FIXTURES = Path(__file__).parents[1] / "fixtures"
RUEEDLINGER = FIXTURES / "rueedlinger" / "jira.csv"
JAM = FIXTURES / "peers" / "jira-agile-metrics" / "search_issues.json"


def _snapshot(workspace) -> tuple:
    items = sorted(
        WorkItem.objects.filter(workspace=workspace).values_list(
            "key", "status", "created", "resolved", "type", "title"
        )
    )
    transitions = sorted(
        Transition.objects.filter(item__workspace=workspace).values_list(
            "item__key", "seq", "at", "from_status", "to_status"
        )
    )
    return items, transitions


@pytest.fixture
def workspace(make_workspace):
    return make_workspace("Imports")


@pytest.mark.django_db
def test_the_devlake_jira_recording_imports_all_33_issues_with_their_histories(workspace):
    records = import_boards(Recorder())
    with cloud(Recorder()) as jira:
        statuses = jira.statuses()
    stats = import_records(workspace, records, statuses=statuses)
    assert stats.items == 33 == WorkItem.objects.filter(workspace=workspace).count()
    expected = sum(len(r.transitions) for r in records)
    assert Transition.objects.filter(item__workspace=workspace).count() == expected
    # Localised statuses map by the tracker's category, not by their name.
    done = StatusMapping.objects.get(workspace=workspace, status="已完成")
    assert done.category == "done"
    # Reopen loops are kept as they happened.
    assert Transition.objects.filter(
        item__workspace=workspace, from_status="Resolved", to_status="To Do"
    ).exists()
    # Lead time (resolved − created) matches DevLake's own output for every resolved issue.
    with (DEVLAKE / "snapshot_issues.csv").open(newline="", encoding="utf-8") as handle:
        expected_rows = [r for r in csv.DictReader(handle) if r["resolution_date"]]
    stored = {i.key: i for i in WorkItem.objects.filter(workspace=workspace)}
    assert len(expected_rows) == 30
    for row in expected_rows:
        item = stored[row["issue_key"]]
        minutes = int((item.resolved - item.created).total_seconds() // 60)
        assert minutes == int(row["lead_time_minutes"]), row["issue_key"]


@pytest.mark.django_db
def test_importing_the_same_records_twice_changes_nothing(workspace):
    records = import_boards(Recorder())
    import_records(workspace, records)
    first = _snapshot(workspace)
    mappings = StatusMapping.objects.filter(workspace=workspace).count()
    import_records(workspace, records)
    assert _snapshot(workspace) == first
    assert StatusMapping.objects.filter(workspace=workspace).count() == mappings


@pytest.mark.django_db
def test_an_edited_status_mapping_survives_a_reimport(workspace):
    records = import_boards(Recorder())
    import_records(workspace, records)
    StatusMapping.objects.filter(workspace=workspace, status="To Do").update(
        category="backlog", waiting=True, edited=True
    )
    import_records(workspace, records)
    mapping = StatusMapping.objects.get(workspace=workspace, status="To Do")
    assert (mapping.category, mapping.waiting) == ("backlog", True)


@pytest.mark.django_db
def test_the_rueedlinger_csv_imports_and_reports_its_1662_impossible_rows(workspace):
    job = start_import(workspace, "csv", str(RUEEDLINGER))
    assert run_job(str(job.pk)) == "succeeded"
    job.refresh_from_db()
    assert job.result["rejected"] == 1662
    assert WorkItem.objects.filter(workspace=workspace).count() == 4123 - 1662
    problems = ImportProblem.objects.filter(workspace=workspace)
    assert problems.count() == 1662
    first = problems.order_by("id").first()
    assert first.location.startswith("jira.csv line ")
    assert "before" in first.message and "not imported" in first.message
    # Running it again neither duplicates items nor the problem list.
    again = start_import(workspace, "csv", str(RUEEDLINGER))
    assert run_job(str(again.pk)) == "succeeded"
    assert WorkItem.objects.filter(workspace=workspace).count() == 4123 - 1662
    assert ImportProblem.objects.filter(workspace=workspace).count() == 1662


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "where"),
    [
        ('{"issues": [{"key": "A-1", "fields": {"status": {"name": "Done"', "line 1, column 64"),
        ("not json at all", "line 1, column 1"),
    ],
)
def test_an_unreadable_jira_export_fails_naming_the_place_without_parser_dumps(
    workspace, tmp_path, content, where
):
    path = tmp_path / "export.json"
    path.write_text(content)
    job = start_import(workspace, "jira-json", str(path))
    assert run_job(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.error.startswith(f"export.json {where}")
    for shown in (job.error, job.log):
        assert "right here" not in shown and "^" not in shown  # the parser's ASCII art
        assert "Error" not in shown  # no exception class names
        assert str(tmp_path) not in shown  # no server paths


@pytest.mark.django_db
def test_an_import_of_a_missing_file_names_the_file_not_the_server_path(workspace, tmp_path):
    job = start_import(workspace, "csv", str(tmp_path / "gone.csv"))
    assert run_job(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.error == "gone.csv: no such file or directory"
    assert str(tmp_path) not in job.log


@pytest.mark.django_db
def test_an_import_logs_what_it_wrote_in_words(workspace, tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("key,title,created,finished\nA-1,One,2024-01-02,2024-01-05\n")
    job = start_import(workspace, "csv", str(path))
    assert run_job(str(job.pk)) == "succeeded"
    job.refresh_from_db()
    assert "Reading items.csv" in job.log and str(tmp_path) not in job.log
    assert "Imported: Work items 1" in job.log
    assert "{" not in job.log and "work_items" not in job.log


@pytest.mark.django_db
def test_a_malformed_row_fails_the_import_naming_the_line_and_keeps_earlier_batches(
    workspace, tmp_path
):
    rows = ["key,title,created,finished"]
    rows += [f"A-{n},Item {n},2024-01-{1 + n % 20:02d},2024-02-01" for n in range(600)]
    rows.append("A-bad,Broken,2024-13-45,2024-02-01")
    path = tmp_path / "items.csv"
    path.write_text("\n".join(rows) + "\n")
    job = start_import(workspace, "csv", str(path))
    assert run_job(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert "items.csv line 602" in job.error
    assert "'created'" in job.error
    # The first full batch (500 rows) was committed before the bad row's batch rolled back.
    assert WorkItem.objects.filter(workspace=workspace).count() == 500


@pytest.mark.django_db
def test_import_jira_json_from_the_cli_into_a_team(workspace):
    result = CliRunner().invoke(
        app, ["import", "jira-json", str(JAM), "--workspace", workspace.slug, "--team", "jam"]
    )
    assert result.exit_code == 0, result.output
    assert "Job succeeded" in result.output
    team = Team.objects.get(workspace=workspace, slug="jam")
    assert WorkItem.objects.filter(team=team).count() == 20


@pytest.mark.django_db
def test_import_git_reads_commits_merges_and_tags(workspace, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@x", "GIT_AUTHOR_DATE": "2024-01-02T10:00:00Z",
           "GIT_COMMITTER_DATE": "2024-01-02T10:00:00Z"}  # fmt: skip

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    for n in range(3):
        (repo / f"f{n}").write_text(str(n))
        git("add", ".")
        git("commit", "-q", "-m", f"change {n}")
    git("tag", "v1.0")
    job = start_import(workspace, "git", str(repo))
    assert run_job(str(job.pk)) == "succeeded"
    assert Change.objects.filter(workspace=workspace, kind="commit").count() == 3
    assert Release.objects.filter(workspace=workspace, tag="v1.0").exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@override_settings(JOB_STALE_SECONDS=3)
def test_an_import_killed_midway_and_run_again_ends_with_the_same_data(make_workspace, tmp_path):
    from leadline.synth import simple_spec
    from leadline.synth.items import iter_items
    from leadline.synth.writers import write_csv
    from tests.jobs.test_jobs import _database_url, _kill, _wait, _worker

    path = tmp_path / "items.csv"
    write_csv(iter_items(simple_spec(teams=2, items_per_team=2000, end=date(2025, 6, 1))), path)
    interrupted, clean = make_workspace("Interrupted"), make_workspace("Clean")
    env = {
        "DATABASE_URL": _database_url(),
        "LEADLINE_JOB_STALE_SECONDS": "3",
        "LEADLINE_HOME": str(tmp_path),
        "PYTHONPATH": os.getcwd(),
    }
    job = start_import(interrupted, "csv", str(path), batch_size=50)
    worker = _worker(env)
    try:
        _wait(job, lambda j: j.done >= 600)
    finally:
        _kill(worker)
    job.refresh_from_db()
    assert job.status == "running" and job.done < job.total
    partial = WorkItem.objects.filter(workspace=interrupted).count()
    assert 0 < partial < 4000
    # Running the same import again picks up the interrupted job and resumes it.
    again = _worker(env)
    try:
        job = _wait(job, lambda j: j.status in {"succeeded", "failed"}, timeout=120)
    finally:
        _kill(again, signal.SIGTERM)
    assert job.status == "succeeded", job.error
    assert job.attempts == 2
    reference = start_import(clean, "csv", str(path))
    assert run_job(str(reference.pk)) == "succeeded"
    got, want = _snapshot(interrupted), _snapshot(clean)
    assert len(got[0]) == len(want[0]) > 3000
    assert got == want


@pytest.mark.django_db
def test_new_statuses_take_the_order_items_move_through_them(workspace):
    # Trackers do not say in which order their columns come; the histories do. The workflow
    # (and the cumulative flow's bands) must read Backlog → Ready → Selected → … → Done.
    from datetime import UTC, datetime, timedelta

    from leadline.delivery.services import workflow_for
    from leadline.records import StageCategory, StatusRecord, TransitionRecord, WorkItemRecord

    flow = [
        ("Backlog", StageCategory.BACKLOG),
        ("Ready", StageCategory.BACKLOG),
        ("Selected for Development", StageCategory.BACKLOG),
        ("In Progress", StageCategory.ACTIVE),
        ("Blocked", StageCategory.ACTIVE),
        ("In Review", StageCategory.ACTIVE),
        ("QA", StageCategory.ACTIVE),
        ("Done", StageCategory.DONE),
    ]
    names = [n for n, _ in flow]
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)

    def item(n: int, path: list[str]) -> WorkItemRecord:
        moves = [
            TransitionRecord(f"P-{n}", start + timedelta(days=d), a, b)
            for d, (a, b) in enumerate(zip(path, path[1:], strict=False), start=1)
        ]
        return WorkItemRecord(
            "jira", f"P-{n}", f"Item {n}", start, path[-1], project="P", transitions=moves
        )

    records = [
        item(1, ["Backlog", "In Progress", "Done"]),  # skips most columns
        item(2, ["Backlog"]),  # never moved
        *[item(n, names) for n in range(3, 9)],
        item(9, ["Backlog", "Ready", "Selected for Development", "In Progress", "In Review"]),
    ]
    statuses = [StatusRecord("jira", "", name, category) for name, category in flow]
    import_records(workspace, records, statuses=statuses)
    assert [s.name for s in workflow_for(workspace).stages] == names


@pytest.mark.django_db
def test_an_import_runs_without_full_collections_and_gives_the_collector_back(workspace):
    import gc

    records = import_boards(Recorder())
    seen: list[bool] = []

    def reading():
        for record in records:
            seen.append(gc.isenabled())
            yield record

    assert gc.isenabled()
    import_records(workspace, reading(), batch_size=10)
    assert seen and not any(seen)  # no automatic collection while records are read and written
    assert gc.isenabled()

    def failing():
        yield from records[:12]
        raise OSError("the file went away")

    with pytest.raises(OSError):
        import_records(workspace, failing(), batch_size=10)
    assert gc.isenabled()  # given back when the import fails too
