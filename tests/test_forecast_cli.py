"""`leadline forecast when|how-many`: file plumbing, JSON shape, exact answers, clear errors,
and the database path agreeing with the API (teams, several teams, epics)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from leadline.cli import app
from tests.epic_data import AS_OF, END, build_epic_workspace
from tests.flow.test_forecast import exact_how_many, exact_when

QS = (50, 70, 85, 95)
DAILY = [0, 2, 1, 0, 0, 3, 1, 0, 2, 0, 1, 1, 0, 4, 0, 0, 1, 2, 0, 1, 0]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["forecast", *args])
    return result.exit_code, result.output


def _counts_file(tmp_path, header: bool = True):
    path = tmp_path / "throughput.csv"
    path.write_text(("count\n" if header else "") + "\n".join(map(str, DAILY)) + "\n")
    return path


def test_when_json_states_percentiles_and_inputs_and_matches_exact_convolution(tmp_path):
    path = _counts_file(tmp_path)
    # The exact answers are those of the independent-days method (the default corrects them).
    code, out = _run("when", "--items", "12", "--throughput", str(path), "--trials", "40000",
                     "--method", "independent_days", "--json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert list(data["percentiles"]) == ["50", "70", "85", "95"]
    assert data["items"] == 12
    assert data["inputs"]["trials"] == 40_000 and data["inputs"]["seed"] == 0
    assert data["inputs"]["window_days"] == len(DAILY)
    assert data["inputs"]["total_items"] == sum(DAILY)
    exact = exact_when(np.array(DAILY), 12, QS)
    assert all(abs(data["percentiles"][str(q)] - exact[q]) <= 1 for q in QS), (data, exact)


def test_how_many_reads_downward_and_matches_exact_convolution(tmp_path):
    # The requirement: within 1% (at least 1 item) of the exact answer at 100,000 trials. The
    # exact answer convolves the window's daily distribution 30 times: P(S_30 >= k) >= q.
    path = _counts_file(tmp_path, header=False)
    code, out = _run("how-many", "--days", "30", "--throughput", str(path), "--trials", "100000",
                     "--method", "independent_days", "--json")  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert data["inputs"]["trials"] == 100_000 and data["inputs"]["window_days"] == len(DAILY)
    got = [data["percentiles"][str(q)] for q in QS]
    assert got == sorted(got, reverse=True)
    exact = exact_how_many(np.array(DAILY), 30, QS)
    for q in QS:
        allowed = max(1, math.floor(0.01 * exact[q]))
        assert abs(data["percentiles"][str(q)] - exact[q]) <= allowed, (data, exact)


def test_finish_dates_are_counted_per_day_with_zero_days(tmp_path):
    path = tmp_path / "finished.csv"
    path.write_text("finished\n2024-03-01\n2024-03-01\n2024-03-04\n")
    code, out = _run("how-many", "--days", "10", "--throughput", str(path), "--window", "7",
                     "--json")  # fmt: skip
    assert code == 0, out
    inputs = json.loads(out)["inputs"]
    assert inputs["file_holds"] == "dates"
    assert (inputs["window_start"], inputs["window_end"]) == ("2024-02-27", "2024-03-04")
    assert inputs["total_items"] == 3 and inputs["zero_days"] == 5


def test_the_window_takes_the_latest_days(tmp_path):
    path = _counts_file(tmp_path)
    code, out = _run("when", "--items", "3", "--throughput", str(path), "--window", "5", "--json")
    assert code == 0
    assert json.loads(out)["inputs"]["total_items"] == sum(DAILY[-5:])


def test_same_seed_same_answer_and_a_table_without_json(tmp_path):
    path = _counts_file(tmp_path)
    a = _run("when", "--items", "9", "--throughput", str(path), "--seed", "3", "--json")[1]
    b = _run("when", "--items", "9", "--throughput", str(path), "--seed", "3", "--json")[1]
    assert a == b
    code, out = _run("when", "--items", "9", "--throughput", str(path))
    assert code == 0 and "85%" in out and "10,000 trials" in out


def test_no_throughput_never_finishes(tmp_path):
    path = tmp_path / "zeros.csv"
    path.write_text("0\n0\n0\n")
    code, out = _run("when", "--items", "2", "--throughput", str(path), "--json")
    assert code == 0
    assert json.loads(out)["percentiles"] == {"50": None, "70": None, "85": None, "95": None}


def test_a_non_number_line_is_named(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("count\n1\n2\nthree\n4\n")
    code, out = _run("when", "--items", "5", "--throughput", str(path))
    assert code == 2
    assert "bad.csv line 4" in _flat(out) and "'three' is not a number" in _flat(out)


def _flat(out: str) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(out.split())


def _error(tmp_path, text: str, *extra: str) -> str:
    (tmp_path / "in").mkdir(exist_ok=True)
    path = tmp_path / "in" / "data.csv"
    path.write_text(text)
    code, out = _run("how-many", "--days", "5", "--throughput", str(path), *extra, "--json")
    assert code == 2, out
    return _flat(out).replace(" ", "")  # rich may wrap anywhere, even inside the path


def test_a_bad_first_line_is_an_error_not_a_header(tmp_path):
    where = str(tmp_path / "in" / "data.csv").replace(" ", "")  # the path as given, not its name
    assert f"{where}line1:'3.5'isnotawholenumber" in _error(tmp_path, "3.5\n1\n2\n")
    assert f"{where}line1:'1;2;3'holds3values;expectedonevalueperline" in _error(
        tmp_path, "1;2;3\n"
    )
    assert f"{where}line3:'2,5'holds2values" in _error(tmp_path, "count\n1\n2,5\n")
    assert f"{where}line2:'7.25'isnotawholenumber" in _error(tmp_path, "4\n7.25\n")
    assert f"{where}line1:'-'isnotanumberoradate" in _error(tmp_path, "-\n1\n")


@pytest.mark.parametrize("header", ["count", "finished", "Done date", "items_per_day"])
def test_a_header_of_words_is_skipped(tmp_path, header):
    path = tmp_path / "h.csv"
    path.write_text(f"{header}\n3\n1\n2\n")
    code, out = _run("when", "--items", "4", "--throughput", str(path), "--json")
    assert code == 0, out
    assert json.loads(out)["inputs"]["window_days"] == 3
    assert json.loads(out)["inputs"]["total_items"] == 6


def test_as_of_needs_a_file_of_dates(tmp_path):
    out = _error(tmp_path, "1\n2\n3\n", "--as-of", "2024-03-01")
    assert "--as-ofneedsafileoffinishdates" in out and "holdsdailycounts" in out
    path = tmp_path / "dates.csv"
    path.write_text("2024-03-01\n2024-03-02\n2024-03-09\n")
    code, out = _run("how-many", "--days", "5", "--throughput", str(path), "--window", "7",
                     "--as-of", "2024-03-05", "--json")  # fmt: skip
    assert code == 0, out
    inputs = json.loads(out)["inputs"]
    assert (inputs["window_start"], inputs["window_end"]) == ("2024-02-28", "2024-03-05")
    assert inputs["total_items"] == 2  # the 9 March finish is after the as-of date


def test_a_negative_count_and_a_missing_file_are_errors(tmp_path):
    path = tmp_path / "neg.csv"
    path.write_text("1\n-2\n")
    code, out = _run("how-many", "--days", "5", "--throughput", str(path))
    assert code == 2 and "neg.csv line 2" in _flat(out)
    code, out = _run("how-many", "--days", "5", "--throughput", str(tmp_path / "nope.csv"))
    assert code == 2 and "no such file" in out


def test_a_source_is_required(tmp_path):
    code, out = _run("when", "--items", "5")
    assert code == 2 and "--throughput" in out
    code, out = _run("when", "--items", "5", "--team", "alpha")
    assert code == 2 and "--team needs --workspace" in _flat(out)
    code, out = _run("when", "--throughput", str(_counts_file(tmp_path)))
    assert code == 2 and "--items" in out


# --- the database: the same answers as the API ------------------------------------------------


@pytest.fixture
def epic_ws(make_user, make_workspace):
    return build_epic_workspace(make_user, make_workspace)


def _api(api_for, user, workspace, path: str, query: str) -> dict:
    url = f"/api/v1/workspaces/{workspace.slug}/metrics/forecast/{path}?{END}&{query}"
    response = api_for(user).get(url)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def _cli_json(*args: str) -> dict:
    code, out = _run(*args, "--as-of", AS_OF.isoformat(), "--json")
    assert code == 0, out
    return json.loads(out)


def _same_inputs(cli: dict, api: dict) -> None:
    for key in ("trials", "seed", "window_days", "window_start", "window_end", "total_items",
                "zero_days", "max_per_day"):  # fmt: skip
        assert cli["inputs"][key] == api["inputs"][key], key
    assert cli["inputs"]["mean_per_day"] == pytest.approx(api["inputs"]["mean_per_day"])


@pytest.mark.parametrize("team", ["alpha", "alpha,beta", None])
def test_the_cli_from_the_database_agrees_with_the_api(epic_ws, api_for, team):
    workspace, user = epic_ws
    who = ["--workspace", workspace.slug] + (["--team", team] if team else [])
    query = f"teams={team or ''}&trials=3000&seed=5&window_days=42"
    common = ["--trials", "3000", "--seed", "5", "--window", "42", *who]
    cli = _cli_json("when", "--items", "17", *common)
    api = _api(api_for, user, workspace, "when", f"{query}&items=17")
    assert cli["percentiles"] == {
        str(p["percentile"]): p["days"] for p in api["when"]["percentiles"]
    }
    assert api["inputs"]["total_items"] > 0 and api["inputs"]["window_end"] == AS_OF.isoformat()
    _same_inputs(cli, api)
    # The CLI lists the teams it read; the API names one team as "team", several as "teams".
    assert cli["inputs"]["teams"] == (team.split(",") if team else [])
    one, several = {"alpha": ("alpha", []), "alpha,beta": (None, ["alpha", "beta"])}.get(
        team or "", (None, [])
    )
    assert (api["team"], api["teams"]) == (one, several)
    cli = _cli_json("how-many", "--days", "20", *common)
    api = _api(api_for, user, workspace, "how-many", f"{query}&days=20")
    assert cli["percentiles"] == {
        str(p["percentile"]): p["items"] for p in api["how_many"]["percentiles"]
    }
    _same_inputs(cli, api)


def test_several_teams_add_up_and_an_unknown_team_is_named(epic_ws):
    workspace, _ = epic_ws
    ws = ["--workspace", workspace.slug, "--window", "84"]
    totals = {
        team: _cli_json("how-many", "--days", "7", "--team", team, *ws)["inputs"]["total_items"]
        for team in ("alpha", "beta", "alpha,beta")
    }
    assert totals["alpha,beta"] == totals["alpha"] + totals["beta"] > 0
    code, out = _run("when", "--items", "3", "--team", "alpha,nope", *ws)
    assert code == 2 and "no team 'nope'" in _flat(out)
    code, out = _run("when", "--items", "3", "--team", "alpha", "--workspace", "nowhere")
    assert code == 2 and "no workspace 'nowhere'" in _flat(out)


def test_epics_from_the_cli_agree_with_the_api(epic_ws, api_for):
    workspace, user = epic_ws
    cli = _cli_json("when", "--epic", "E-3,E-2,E-1", "--workspace", workspace.slug,
                    "--team", "alpha,beta", "--trials", "2000")  # fmt: skip
    api = _api(api_for, user, workspace, "when", "teams=alpha,beta&trials=2000&epics=E-3,E-2,E-1")
    assert [e["key"] for e in cli["epics"]] == ["E-3", "E-2", "E-1"]
    assert [e["remaining"] for e in cli["epics"]] == [3, 0, 3]
    assert [e["cumulative"] for e in cli["epics"]] == [3, 3, 6]
    for mine, theirs in zip(cli["epics"], api["epics"], strict=True):
        assert mine["title"] == theirs["title"]
        assert mine["percentiles"] == {
            str(p["percentile"]): p["days"] for p in theirs["percentiles"]
        }
        assert mine["dates"] == {str(p["percentile"]): p["date"] for p in theirs["percentiles"]}
    assert "in the order given" in cli["assumption"]
    _same_inputs(cli, api)
    code, out = _run("when", "--epic", "E-1,E-3", "--workspace", workspace.slug,
                     "--as-of", AS_OF.isoformat(), "--trials", "500")  # fmt: skip
    assert code == 0, out
    assert "Checkout revamp" in _flat(out) and "in the order given" in _flat(out)


def test_an_unknown_epic_and_epics_without_a_workspace_are_errors(epic_ws, tmp_path):
    workspace, _ = epic_ws
    code, out = _run("when", "--epic", "E-1,X-9", "--workspace", workspace.slug)
    assert code == 2 and "no epic 'X-9'" in _flat(out)
    code, out = _run("when", "--epic", "E-1", "--throughput", str(_counts_file(tmp_path)))
    assert code == 2 and "--epic reads the epics from the database" in _flat(out)
    code, out = _run("when", "--epic", "E-1", "--items", "3", "--workspace", workspace.slug)
    assert code == 2 and "not both" in out
