"""The truck factor on small repositories built here, each case computed by hand.

DOA = 3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC); author when DOA/max > 0.75 and DOA ≥ 3.293.
Values used below (ln 2 = 0.6931, ln 4 = 1.3863, ln 21 = 3.0445):
  creator alone, 1 change:            3.293 + 1.098 + 0.164            = 4.555
  creator alone, 2 changes:           3.293 + 1.098 + 0.328            = 4.719
  creator 1 change, others 1:         4.555 − 0.321·0.6931             = 4.3325
  other 1 change, creator 1 change:   3.293 + 0.164 − 0.2225           = 3.2345  (< 3.293: no)
  other 3 changes, creator 1:         3.293 + 0.492 − 0.2225           = 3.5625
  creator 1, others 3:                4.555 − 0.321·1.3863             = 4.1100  (3.5625/4.11 = 0.867)
  creator 1, other 20:                4.555 − 0.321·3.0445             = 3.5777
  other 20, creator 1:                3.293 + 3.280 − 0.2225           = 6.3505  (3.5777/6.3505 = 0.563)
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadline.concentration.truckfactor import (
    authorship,
    doa,
    in_area,
    is_bot,
    parse_log,
    read_git,
    report,
    truck_factor,
)

from .gitrepo import Repo, body

ALICE = "Alice Smith <alice@corp.example>"
BOB = "Bob Jones <bob@corp.example>"
CAROL = "Carol White <carol@corp.example>"


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def names(result: dict) -> list[tuple[str, int]]:
    return [(a["name"], a["files"]) for a in result["authors"]]


def test_the_formula_matches_the_hand_computed_values() -> None:
    assert doa(True, 1, 0) == pytest.approx(4.555)
    assert doa(False, 1, 1) == pytest.approx(3.293 + 0.164 - 0.321 * math.log(2))
    assert doa(False, 20, 1) == pytest.approx(6.3505, abs=1e-4)
    assert doa(True, 1, 20) == pytest.approx(3.5777, abs=1e-4)


def test_a_single_author_is_a_truck_factor_of_one(repo: Repo) -> None:
    # a.txt, b.txt created by Alice; a.txt changed again: DOA 4.719 and 4.555, sole author of
    # both. Removing Alice orphans 2 of 2 files (> half): truck factor 1.
    repo.commit(ALICE, {"a.txt": "a\n", "b.txt": "b\n"})
    repo.change(ALICE, "a.txt")
    result = report(authorship(read_git(repo.path)))
    assert result == {"truck_factor": 1, "files": 2,
                      "authors": [{"name": "Alice Smith", "files": 2}], "areas": []}  # fmt: skip


def test_two_authors_sharing_files(repo: Repo) -> None:
    # a: Alice alone (4.555). b: Bob alone. s: Alice created (1 change), Bob 3 changes:
    # Alice 4.110, Bob 3.5625; 3.5625/4.110 = 0.867 > 0.75 and ≥ 3.293: both author s.
    # Alice 2 files, Bob 2: a tie, broken by name, so Alice leaves first: orphans {a} = 1 of 3,
    # not more than half; Bob leaves: 3 of 3. Truck factor 2.
    repo.commit(ALICE, {"a.py": "a\n", "s.py": "s\n"})
    repo.commit(BOB, {"b.py": "b\n"})
    repo.change(BOB, "s.py", 3)
    found = authorship(read_git(repo.path))
    assert {p: sorted(found.names[a] for a in s) for p, s in found.file_authors.items()} == {
        "a.py": ["Alice Smith"], "b.py": ["Bob Jones"], "s.py": ["Alice Smith", "Bob Jones"]}  # fmt: skip
    result = report(found)
    assert result["truck_factor"] == 2
    assert names(result) == [("Alice Smith", 2), ("Bob Jones", 2)]


def test_one_change_by_another_does_not_make_an_author(repo: Repo) -> None:
    # Alice creates s, Bob changes it once: Bob's DOA 3.2345 < 3.293, not an author.
    repo.commit(ALICE, {"s.py": "s\n"})
    repo.change(BOB, "s.py")
    found = authorship(read_git(repo.path))
    assert [found.names[a] for a in found.file_authors["s.py"]] == ["Alice Smith"]


def test_a_file_created_by_one_and_mostly_changed_by_another(repo: Repo) -> None:
    # Alice creates f (FA=1, DL=1), Bob changes it 20 times: Alice 3.5777, Bob 6.3505;
    # 3.5777/6.3505 = 0.563 ≤ 0.75: only Bob authors f, although Alice created it.
    repo.commit(ALICE, {"f.py": "f\n"})
    repo.change(BOB, "f.py", 20)
    found = authorship(read_git(repo.path))
    scores = {found.names[p]: round(v, 4) for p, v in found.doa["f.py"].items()}
    assert scores == {"Alice Smith": 3.5777, "Bob Jones": 6.3505}
    result = report(found)
    assert result["truck_factor"] == 1 and names(result) == [("Bob Jones", 1)]


def test_aliases_are_one_person_by_mailmap_email_and_name(repo: Repo) -> None:
    # .mailmap maps <ali@home.example> to Alice Smith <alice@corp.example>; "A. Smith" shares
    # Alice's email; "alice  SMITH" shares her name (case and spaces aside). So f has one
    # author with FA=1, DL=4, AC=0 (DOA 3.293+1.098+0.656 = 5.047); Bob alone authors g.
    # Alice also authors .mailmap: 3 files, Alice 2, Bob 1; Alice leaves: 2 of 3 orphaned.
    repo.commit(ALICE, {".mailmap": "Alice Smith <alice@corp.example> <ali@home.example>\n"})
    repo.commit(ALICE, {"f.py": "f\n"})
    repo.change("ali <ali@home.example>", "f.py")
    repo.change("A. Smith <alice@corp.example>", "f.py")
    repo.change("alice  SMITH <alice@gmail.example>", "f.py")
    repo.commit(BOB, {"g.py": "g\n"})
    found = authorship(read_git(repo.path))
    alice = next(iter(found.file_authors["f.py"]))
    assert found.names[alice] == "Alice Smith"  # the name on most of her commits
    assert found.doa["f.py"][alice] == pytest.approx(3.293 + 1.098 + 0.164 * 4)
    assert found.emails[alice] == ["alice@corp.example", "alice@gmail.example"]
    result = report(found)
    assert names(result) == [("Alice Smith", 2), ("Bob Jones", 1)]  # .mailmap is hers too
    assert result["truck_factor"] == 1  # 3 files: Alice leaves, 2 orphaned > 1.5


def test_bots_are_left_out(repo: Repo) -> None:
    # Alice creates a; dependabot changes it 5 times: ignored, so Alice DL=1, AC=0 (4.555).
    # lock.json is created by github-actions and changed by renovate only: no author at all.
    # 2 files, 1 orphan from the start (not > half); Alice leaves: 2 orphans. Truck factor 1.
    bot = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
    repo.commit(ALICE, {"a.py": "a\n"})
    repo.change(bot, "a.py", 5)
    repo.commit("github-actions <41898282+github-actions[bot]@users.noreply.github.com>",
                {"lock.json": "{}\n"})  # fmt: skip
    repo.change("Renovate Bot <bot@renovateapp.com>", "lock.json")
    found = authorship(read_git(repo.path))
    assert found.doa["a.py"] == {next(iter(found.file_authors["a.py"])): pytest.approx(4.555)}
    assert found.file_authors["lock.json"] == frozenset()
    result = report(found)
    assert result["truck_factor"] == 1 and names(result) == [("Alice Smith", 1)]


def test_bot_patterns() -> None:
    assert is_bot("dependabot[bot]", "x@users.noreply.github.com")
    assert is_bot("ci-bot", "ci@example.com")
    assert is_bot("Jenkins", "bot@example.com")
    assert not is_bot("Abbott Costello", "abbott@example.com")
    assert not is_bot("Bottomley", "robot.arm@example.com")  # "robot": not the word "bot"
    assert not is_bot("Ann", "ann@users.noreply.github.com")


def test_a_renamed_file_keeps_its_history(repo: Repo) -> None:
    # Alice creates old/x.py; Bob renames it to new/x.py (his one change). Followed, new/x.py
    # was created by Alice: Alice 4.3325, Bob 3.2345 (< 3.293): Alice alone authors it.
    # Without following the rename Bob would have created it and be its author.
    # old/ holds no file any more: its truck factor is 0 of 0 files.
    repo.commit(ALICE, {"old/x.py": body("x")})
    repo.commit(BOB, rename=("old/x.py", "new/x.py"))
    commits = read_git(repo.path)
    assert [c.status for c in commits[-1].changes] == ["R"]
    found = authorship(commits)
    assert list(found.file_authors) == ["new/x.py"]
    assert [found.names[a] for a in found.file_authors["new/x.py"]] == ["Alice Smith"]
    result = report(found, ["new", "old/"])
    assert result["areas"] == [
        {"area": "new", "truck_factor": 1, "files": 1,
         "authors": [{"name": "Alice Smith", "files": 1}]},
        {"area": "old", "truck_factor": 0, "files": 0, "authors": []},
    ]  # fmt: skip


def test_a_deleted_file_is_not_counted_and_a_re_added_one_is_new(repo: Repo) -> None:
    repo.commit(ALICE, {"a.py": "a\n", "b.py": "b\n"})
    repo.commit(BOB, {"a.py": None})
    repo.commit(CAROL, {"a.py": "again\n"})
    found = authorship(read_git(repo.path))
    assert sorted(found.file_authors) == ["a.py", "b.py"]
    assert [found.names[a] for a in found.file_authors["a.py"]] == ["Carol White"]


def test_areas_match_whole_directory_names(repo: Repo) -> None:
    assert in_area("src/app/x.py", "src/app") and in_area("src/app/x.py", "src/app/")
    assert not in_area("src/application.py", "src/app")
    assert in_area("anything", "")


def test_more_than_half_orphaned_stops_the_count() -> None:
    # 3 files: a {A}, b {A}, c {B}. Alice leaves first (2 files): 2 of 3 orphaned > 1.5: TF 1.
    tf = truck_factor({"a": frozenset("A"), "b": frozenset("A"), "c": frozenset("B")},
                      {"A": "Alice", "B": "Bob"})  # fmt: skip
    assert (tf.truck_factor, tf.removed, tf.sole) == (1, ["A"], {"A": 2, "B": 1})
    # 4 files, each by a different person: ties broken by name (case-insensitively).
    four = {str(i): frozenset([p]) for i, p in enumerate("dcba")}
    tf = truck_factor(four, {"a": "ann", "b": "Ben", "c": "cat", "d": "Dan"})
    assert tf.removed == ["a", "b", "c"] and tf.truck_factor == 3
    assert truck_factor({}, {}).truck_factor == 0


def test_an_empty_repository_has_no_files(tmp_path: Path) -> None:
    Repo(tmp_path / "empty")
    assert report(authorship(read_git(tmp_path / "empty")))["files"] == 0


def test_the_cli_prints_the_json_and_a_table(repo: Repo) -> None:
    from leadline.cli.main import app

    repo.commit(ALICE, {"src/api/a.py": "a\n", "docs/d.md": "d\n"})
    repo.commit(BOB, {"src/api/b.py": "b\n"})
    runner = CliRunner()
    out = runner.invoke(app, ["concentration", str(repo.path), "--area", "src/api", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    # Alice authors 2 of 3 files: her leaving orphans 2 (> 1.5); in src/api each has 1 of 2.
    assert data["truck_factor"] == 1 and data["files"] == 3
    assert data["areas"] == [{"area": "src/api", "truck_factor": 2, "files": 2, "authors": [
        {"name": "Alice Smith", "files": 1}, {"name": "Bob Jones", "files": 1}]}]  # fmt: skip
    table = runner.invoke(app, ["concentration", str(repo.path), "-a", "docs"])
    assert table.exit_code == 0 and "Alice Smith (2)" in table.stdout
    bad = runner.invoke(app, ["concentration", str(repo.path / "nope")])
    assert bad.exit_code == 1 and "repository" in bad.output


def test_parse_log_handles_split_chunks_and_empty_commits() -> None:
    raw = (
        "\x1eaaa\x1fA\x1fa@x\x1f2026-01-01T10:00:00+02:00\x1ffirst KEY-1\0\nA\0x.py\0"
        "\x1ebbb\x1fB\x1fb@x\x1f2026-01-02T10:00:00+00:00\x1fempty\0"
        "\x1eccc\x1fB\x1fb@x\x1f2026-01-03T10:00:00+00:00\x1fmove\0\nR091\0x.py\0y.py\0M\0z\0"
    )
    whole = list(parse_log([raw]))
    pieces = list(parse_log([raw[i : i + 7] for i in range(0, len(raw), 7)]))
    assert whole == pieces
    assert [c.sha for c in whole] == ["aaa", "bbb", "ccc"]
    assert whole[0].subject == "first KEY-1" and whole[0].authored.utcoffset().seconds == 7200
    assert whole[1].changes == ()
    assert [(c.status, c.old_path, c.path) for c in whole[2].changes] == [
        ("R", "x.py", "y.py"), ("M", "", "z")]  # fmt: skip
