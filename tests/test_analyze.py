"""`leadline analyze`: every output from a file, no database, peer-exact cycle times, clean errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadline.analyze.sources import read_jira_reference
from leadline.cli import app
from leadline.connectors.jira.frames import read_jira_frames

ROOT = Path(__file__).resolve().parent
PEER = ROOT / "fixtures" / "peers" / "jira-agile-metrics"
JAM = ROOT / "fixtures" / "peers" / "jira-agile-metrics"
OUTPUTS = [
    "cycle_times.csv",
    "cfd.csv",
    "throughput_daily.csv",
    "throughput_weekly.csv",
    "percentiles.csv",
    "percentiles.json",
    "aging_wip.csv",
    "forecasts.json",
    "forecasts.csv",
    "summary.json",
    "report.html",
    *[f"charts/{c}.vl.json" for c in ("cfd", "throughput", "scatter", "histogram", "aging")],
    "charts/forecast.vl.json",
]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _peer(out: Path, *extra: str) -> tuple[int, str]:
    return _run(
        "analyze", str(PEER / "search_issues.json"), "--source", "jira-json", "--workflow",
        str(PEER / "config.yml"), "--preset", "jira-agile-metrics", "--out", str(out),
        "--as-of", "2021-04-02", *extra,
    )  # fmt: skip


def _issue(key: str, status: str, category: str, changes: list[tuple[str, str, str]]) -> dict:
    return {
        "key": key,
        "fields": {
            "created": "2024-01-01T09:00:00.000+0000",
            "status": {"name": status, "statusCategory": {"key": category}},
            "issuetype": {"name": "Story"},
            "project": {"key": "P"},
        },
        "changelog": {
            "histories": [
                {
                    "id": str(n),
                    "created": at,
                    "items": [{"field": "status", "fromString": a, "toString": b}],
                }
                for n, (at, a, b) in enumerate(changes, start=1)
            ]
        },
    }


@pytest.mark.parametrize("path", [PEER / "search_issues.json", JAM / "search_issues.json"])
def test_fast_jira_reader_gives_the_same_frames_as_the_connector(path):
    fast = read_jira_frames(path)
    items, transitions, _ = read_jira_reference(path)
    assert fast is not None
    assert fast.items.equals(items)
    assert fast.transitions.equals(transitions)


def test_fast_jira_reader_follows_the_connector_on_reopen_ties_and_offsets(tmp_path):
    issue = _issue(
        "P-1",
        "Done",
        "done",
        [
            ("2024-01-03T10:00:00.000+0200", "To Do", "Doing"),
            ("2024-01-02T10:00:00.000+0000", "Backlog", "To Do"),
            ("2024-01-05T10:00:00.000+0000", "Doing", "Done"),
            ("2024-01-05T10:00:00.000+0000", "Done", "Doing"),
            ("2024-01-06T10:00:00.000Z", "Doing", "Done"),
        ],
    )
    path = tmp_path / "issues.json"
    path.write_text(json.dumps({"issues": [issue, _issue("P-2", "To Do", "new", [])]}))
    fast = read_jira_frames(path)
    items, transitions, _ = read_jira_reference(path)
    assert fast is not None
    assert fast.items.equals(items)
    assert fast.transitions.equals(transitions)


def test_analyze_writes_every_output(tmp_path):
    code, output = _peer(tmp_path / "out")
    assert code == 0, output
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).is_file(), name
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["items"]["total"] == 20
    forecasts = json.loads((tmp_path / "out" / "forecasts.json").read_text())
    assert set(forecasts["when"]["percentiles"]) == {"50", "70", "85", "95"}
    assert forecasts["inputs"]["trials"] == 10_000


def test_cycle_times_equal_the_jira_agile_metrics_outputs(tmp_path):
    assert _peer(tmp_path / "out")[0] == 0
    ours = {r["key"]: r for r in csv.DictReader((tmp_path / "out" / "cycle_times.csv").open())}
    upstream = list(
        csv.DictReader(io.StringIO((PEER / "upstream_output/cycletime.csv").read_text()))
    )
    assert len(ours) == len(upstream)
    for row in upstream:
        for column in ("Backlog", "Committed", "Build", "Test", "Done"):
            assert ours[row["ID"]][column] == row[column], (row["ID"], column)
        assert ours[row["ID"]]["type"] == row["Type"]
    scatter = csv.DictReader(io.StringIO((PEER / "upstream_output/scatterplot.csv").read_text()))
    expected = {r["key"]: float(r["cycle_time"]) for r in scatter}
    got = {k: float(r["cycle_time_days"]) for k, r in ours.items() if r["cycle_time_days"]}
    assert got == expected


def test_report_is_self_contained_and_captions_every_chart(tmp_path):
    assert _peer(tmp_path / "out")[0] == 0
    page = (tmp_path / "out" / "report.html").read_text()
    assert "<script src" not in page and "cdn" not in page.lower()
    assert "vegaEmbed" in page and page.count("<figcaption>") == 6
    assert "Cycle time = finished - started" in page
    spec = json.loads((tmp_path / "out" / "charts" / "cfd.vl.json").read_text())
    assert spec["$schema"].endswith("vega-lite/v5.json") and spec["description"]


def test_without_a_workflow_statuses_map_by_jira_status_category(tmp_path):
    issues = [
        _issue("P-1", "Closed", "done", [("2024-01-02T10:00:00.000+0000", "Open", "Doing"),
                                         ("2024-01-04T10:00:00.000+0000", "Doing", "Closed")]),
        _issue("P-2", "Doing", "indeterminate", [("2024-01-03T10:00:00.000+0000", "Open", "Doing")]),
        _issue("P-3", "Open", "new", []),
    ]  # fmt: skip
    path = tmp_path / "issues.json"
    path.write_text(json.dumps({"issues": issues}))
    code, output = _run("analyze", str(path), "--out", str(tmp_path / "o"), "--as-of", "2024-01-10")
    assert code == 0, output
    rows = {r["key"]: r for r in csv.DictReader((tmp_path / "o" / "cycle_times.csv").open())}
    assert rows["P-1"]["started"] == "2024-01-02" and rows["P-1"]["cycle_time_days"] == "3"
    assert rows["P-2"]["cycle_time_days"] == "" and rows["P-3"]["started"] == ""
    aging = list(csv.DictReader((tmp_path / "o" / "aging_wip.csv").open()))
    assert [(r["key"], r["age_days"]) for r in aging] == [("P-2", "8")]


def test_csv_work_items_are_analysed(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(
        "key,created,started,finished\n"
        "A-1,2024-01-01,2024-01-02,2024-01-04\n"
        "A-2,2024-01-01,2024-01-03,\n"
    )
    code, output = _run("analyze", str(path), "--source", "csv", "--out", str(tmp_path / "o"),
                        "--as-of", "2024-01-05")  # fmt: skip
    assert code == 0, output
    rows = {r["key"]: r for r in csv.DictReader((tmp_path / "o" / "cycle_times.csv").open())}
    assert rows["A-1"]["cycle_time_days"] == "3"
    assert rows["A-2"]["finished"] == ""


def test_a_bad_csv_date_names_file_line_and_field_and_writes_nothing(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("key,created,started,finished\nA-1,2024-01-01,soon,2024-01-04\n")
    code, output = _run("analyze", str(path), "--source", "csv", "--out", str(tmp_path / "o"))
    assert code == 2
    assert "items.csv line 2" in output and "started" in output
    assert not (tmp_path / "o").exists()
    assert not list(tmp_path.glob(".o.*"))


def test_a_bad_jira_issue_names_the_issue_and_field_and_exits_2(tmp_path):
    bad = _issue("P-9", "Open", "new", [])
    bad["fields"]["created"] = "yesterday"
    path = tmp_path / "issues.json"
    path.write_text(json.dumps({"issues": [_issue("P-1", "Open", "new", []), bad]}))
    code, output = _run("analyze", str(path), "--out", str(tmp_path / "o"))
    assert code == 2
    assert "issues.json" in output and "P-9" in output and "created" in output
    assert not (tmp_path / "o").exists()


def test_broken_json_names_the_line(tmp_path):
    path = tmp_path / "issues.json"
    path.write_text('{"issues": [\n{"key": }\n]}')
    code, output = _run("analyze", str(path), "--out", str(tmp_path / "o"))
    assert code == 2 and "issues.json line 2" in output


def test_analyze_imports_neither_django_nor_pandas(tmp_path):
    script = (
        "import sys\n"
        "from leadline.cli import app\n"
        "try:\n"
        f"    app(['analyze', {str(PEER / 'search_issues.json')!r}, '--out', {str(tmp_path / 'o')!r}])\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "bad = [m for m in ('django', 'pandas') if m in sys.modules]\n"
        "print('loaded:', bad)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout


def test_the_standalone_command_decodes_in_a_child_and_writes_the_same_outputs(tmp_path):
    # `leadline analyze` as its own process prefetches the export in a forked child and leaves
    # with os._exit; its outputs must equal those of the in-process run.
    code, output = _peer(tmp_path / "inproc")
    assert code == 0, output
    exe = Path(sys.executable).with_name("leadline")
    args = [
        "analyze", str(PEER / "search_issues.json"), "--source", "jira-json", "--workflow",
        str(PEER / "config.yml"), "--preset", "jira-agile-metrics", "--out",
        str(tmp_path / "standalone"), "--as-of", "2021-04-02",
    ]  # fmt: skip
    done = subprocess.run([str(exe), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Analysed" in done.stderr
    for name in OUTPUTS:
        a = (tmp_path / "inproc" / name).read_text().replace("inproc", "X")
        b = (tmp_path / "standalone" / name).read_text().replace("standalone", "X")
        assert a == b, name


@pytest.mark.parametrize("split", [False, True])
def test_a_prefetched_decode_equals_the_in_process_one(tmp_path, split):
    from leadline.connectors.jira import decode as jira_decode

    path = _search_response(tmp_path) if split else PEER / "search_issues.json"
    script = (
        "import sys\n"
        "from leadline.connectors.jira import decode as d\n"
        f"d._SPLIT_MIN_BYTES = {0 if split else 1 << 40}\n"
        f"d.prefetch({str(path)!r})\n"
        "assert d._pending is not None\n"
        f"got = d.plain_columns(d.take({str(path)!r}))\n"
        "import msgspec\n"
        "sys.stdout.buffer.write(msgspec.json.encode(got))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert done.returncode == 0, done.stderr
    import msgspec

    expected = jira_decode.decode_file(path)
    assert expected is not None
    assert msgspec.json.decode(done.stdout) == msgspec.json.decode(msgspec.json.encode(expected))


def _search_response(tmp_path: Path, *, copies: int = 3, indent: int | None = None) -> Path:
    issues = json.loads((PEER / "search_issues.json").read_text())
    many = []
    for n in range(copies):
        for issue in issues:
            many.append({**issue, "key": f"{issue['key']}-{n}"})
    body = {"expand": "names", "startAt": 0, "total": len(many), "issues": many, "x": [1]}
    path = tmp_path / f"search-{copies}-{indent}.json"
    path.write_text(json.dumps(body, indent=indent))
    return path


@pytest.mark.parametrize("indent", [None, 2])
def test_a_split_decode_equals_the_whole_one(tmp_path, indent):
    from leadline.connectors.jira import decode as d

    path = _search_response(tmp_path, indent=indent)
    split = d.split_point(path, min_bytes=0)
    assert split is not None
    first = d.decode_part(path, split, False)
    second = d.decode_part(path, split, True)
    assert first is not None and second is not None
    assert 0 < len(first[0]) < len(first[0]) + len(second[0])
    wired = [d._unwire(msgspec_roundtrip(d._wire(c))) for c in (first, second)]
    expected = d.decode_file(path)
    assert d.merge(first, second) == expected
    assert d.plain_columns(d.merge(*wired)) == expected


def msgspec_roundtrip(value):
    import msgspec

    return msgspec.msgpack.decode(msgspec.msgpack.encode(value))


def test_any_split_comma_gives_the_whole_decode_or_fails(tmp_path):
    from leadline.connectors.jira import decode as d

    path = _search_response(tmp_path, copies=1)
    path.write_bytes(path.read_bytes().replace(b'"x": [1]', b'"x": [{"key": "K"}, {"a": 1}]'))
    data = path.read_bytes()
    start = data.index(b'"issues"')
    expected = d.decode_file(path)
    commas = [i for i in range(start, len(data)) if data[i : i + 1] == b","]
    ok = 0
    for comma in commas:
        first = d.decode_part(path, (start, comma), False)
        second = d.decode_part(path, (start, comma), True)
        if first is not None and second is not None:
            assert d.merge(first, second) == expected, comma
            ok += 1
    # Exactly the commas between two issues split the array.
    assert ok == len(json.loads(data)["issues"]) - 1


def test_packed_columns_give_the_same_frames(tmp_path):
    import numpy as np
    from polars.testing import assert_frame_equal

    from leadline.connectors.jira import decode as d
    from leadline.connectors.jira import frames as jira_fast

    cols = d.decode_file(_search_response(tmp_path))
    assert cols is not None
    packed = d._unwire(msgspec_roundtrip(d._wire(cols)))
    assert all(isinstance(packed[i], d.Packed) for i in d._STRING_COLUMNS)
    assert isinstance(packed[6], np.ndarray) and packed[6].tolist() == cols[6]
    a, b = jira_fast._frames(*cols), jira_fast._frames(*packed)
    assert a is not None and b is not None
    assert_frame_equal(a.items, b.items)
    assert_frame_equal(a.transitions, b.transitions)
    # A value holding the separator stays a list; odd timestamps take the general parser.
    assert d._pack(["a\x00b", "c"]) == ["a\x00b", "c"]
    odd = d.Packed("2021-01-01T09:00:00Z\x002021-01-01T09:00:00.000+0000", 2)
    assert jira_fast._timestamps(odd) is not None


def test_as_of_a_past_date_leaves_out_later_finishes_and_moves(tmp_path):
    # The fixture's items finish until 25 March; as of 1 March only earlier finishes count,
    # and items then in progress show the stage they were in on that day.
    code, output = _run(
        "analyze", str(PEER / "search_issues.json"), "--source", "jira-json", "--workflow",
        str(PEER / "config.yml"), "--out", str(tmp_path / "past"), "--as-of", "2021-03-01",
    )  # fmt: skip
    assert code == 0, output
    rows = list(csv.DictReader((tmp_path / "past" / "cycle_times.csv").open()))
    finished = [r["finished"] for r in rows if r["finished"]]
    assert finished and max(finished) <= "2021-03-01T23:59:59"
    cfd = list(csv.DictReader((tmp_path / "past" / "cfd.csv").open()))
    summary = json.loads((tmp_path / "past" / "summary.json").read_text())
    assert summary["items"]["finished"] == len(finished) == int(float(cfd[-1]["Done"]))
    aging = list(csv.DictReader((tmp_path / "past" / "aging_wip.csv").open()))
    assert aging and all(r["stage"] != "Done" for r in aging)


def test_impossible_csv_rows_are_left_out_and_listed_like_the_import_does(tmp_path):
    source = Path(__file__).parent / "fixtures" / "rueedlinger" / "jira.csv"
    code, output = _run("analyze", str(source), "--source", "csv", "--out", str(tmp_path / "o"))
    assert code == 0, output
    rows = list(csv.DictReader((tmp_path / "o" / "rejected_rows.csv").open()))
    assert len(rows) == 1_662  # the same rows `leadline import` reports as impossible
    assert rows[0]["line"] == "2" and "before created" in rows[0]["reason"]
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["rejected_rows"] == 1_662 and "rejected_rows.csv" in summary["outputs"]
    assert summary["items"]["total"] == 2_461


def test_an_item_in_two_overlapping_files_counts_once(tmp_path):
    source = PEER / "search_issues.json"
    code, output = _run(
        "analyze", str(source), str(source), "--source", "jira-json", "--workflow",
        str(PEER / "config.yml"), "--out", str(tmp_path / "o"), "--as-of", "2021-04-02",
    )  # fmt: skip
    assert code == 0, output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["items"]["total"] == 20
    rows = list(csv.DictReader((tmp_path / "o" / "cycle_times.csv").open()))
    assert len(rows) == len({r["key"] for r in rows}) == 20
