"""A real history: Leadline's own (``git log`` saved in tests/fixtures/concentration).

The engine's answer is checked against a second, deliberately plain implementation written
here (a regular expression over the raw log, full recomputation at every step) and against
counts read from the log by hand.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from pathlib import Path

from leadline.concentration.truckfactor import authorship, parse_log, report

FIXTURES = Path(__file__).parents[1] / "fixtures" / "concentration"
LOG = FIXTURES / "leadline-history.gitlog"  # git log --no-merges --reverse --name-status -M -z
TREE = FIXTURES / "leadline-tree.txt"  # git ls-tree -r --name-only of the same commit (f882184)


def plain_truck_factor(raw: str, prefix: str = "") -> tuple[int, int, dict[str, int]]:
    """Files, authors per file, truck factor: nothing shared with the engine."""
    tree = TREE.read_text().splitlines()
    files: dict[str, dict] = {}
    for record in raw.split("\x1e")[1:]:
        header, _, rest = record.partition("\0")
        email = header.split("\x1f")[2].lower()
        tokens = [t for t in rest.strip("\n").split("\0") if t != ""]
        while tokens:
            status = tokens.pop(0)
            if status.startswith("R"):
                old, new = tokens.pop(0), tokens.pop(0)
                files[new] = files.pop(old)
                files[new]["n"][email] += 1
            elif status == "D":
                files.pop(tokens.pop(0))
            else:
                path = tokens.pop(0)
                if status == "A" or path not in files:
                    files[path] = {"first": email, "n": Counter()}
                files[path]["n"][email] += 1
    authors: dict[str, set[str]] = {}
    for path in tree:
        if not (path == prefix or path.startswith(prefix + "/") or not prefix):
            continue
        f = files.get(path, {"first": None, "n": Counter()})
        if not f["n"]:
            authors[path] = set()
            continue
        total = sum(f["n"].values())
        score = {
            e: 3.293 + 1.098 * (e == f["first"]) + 0.164 * n - 0.321 * math.log(1 + total - n)
            for e, n in f["n"].items()
        }
        best = max(score.values())
        authors[path] = {e for e, s in score.items() if s >= 3.293 and s / best > 0.75}
    count: Counter[str] = Counter(e for s in authors.values() for e in s)
    gone: set[str] = set()
    while True:
        orphaned = sum(1 for s in authors.values() if not (s - gone))
        if orphaned * 2 > len(authors) or len(gone) == len(count):
            break
        left = [e for e in count if e not in gone]
        gone.add(min(left, key=lambda e: (-count[e], e)))
    return len(authors), len(gone), dict(count)


def test_the_engine_agrees_with_a_plain_implementation_on_a_real_history() -> None:
    raw = LOG.read_text(encoding="utf-8")
    commits = list(parse_log([raw]))
    # The log holds 249 commits; `grep -c` of record separators says the same.
    assert len(commits) == raw.count("\x1e") == 249
    found = authorship(commits, files=TREE.read_text().splitlines())
    areas = ["src/leadline/flow", "src/leadline/radar", "docs", "tests"]
    result = report(found, areas)
    files, tf, per_author = plain_truck_factor(raw)
    assert (result["files"], result["truck_factor"]) == (files, tf)
    emails = {pid: found.emails[pid][0] for pid in found.names}
    by_email = {emails[pid]: n for pid, n in
                Counter(a for s in found.file_authors.values() for a in s).items()}  # fmt: skip
    assert by_email == per_author
    for area, row in zip(areas, result["areas"], strict=True):
        assert (row["files"], row["truck_factor"]) == plain_truck_factor(raw, area)[:2], area


def test_the_real_history_in_figures() -> None:
    # Read from the log by hand (`git log --no-merges --format=%aN | sort | uniq -c`): 192
    # commits by the seed maintainers, 57 by the session helper; `git ls-tree` lists 788 files.
    raw = LOG.read_text(encoding="utf-8")
    tree = TREE.read_text().splitlines()
    commits = list(parse_log([raw]))
    assert Counter(c.name for c in commits) == {"Seed 39f5116f maintainers": 192,
                                                "leadline-helper": 57}  # fmt: skip
    found = authorship(commits, files=tree)
    result = report(found)
    assert result["files"] == len(tree) == 788
    assert sorted(found.names.values()) == ["Seed 39f5116f maintainers", "leadline-helper"]
    assert result["truck_factor"] == 1
    # Merges are not replayed: where a merge moved files (metrics/ became dashboards/ in one),
    # the replay alone ends with 16 paths that no longer exist and misses 5 made by merges.
    # The files at HEAD are the ones counted; those 5 count with no author.
    replayed = set(authorship(commits).file_authors)
    assert (len(replayed - set(tree)), len(set(tree) - replayed)) == (16, 5)
    assert all(not found.file_authors[p] for p in set(tree) - replayed)
    # Every commit is counted once per file it touches: the totals agree with the raw log.
    touched: defaultdict[str, int] = defaultdict(int)
    for c in commits:
        touched[c.email] += len(c.changes)
    assert sum(touched.values()) == len(re.findall(r"\0\n?[AMDRTC]\d*\0", raw))
