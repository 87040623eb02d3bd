"""Truck factor by degree of authorship (Avelino et al., ICPC 2016), with no Django.

Definitions, from the paper:

* **Degree of authorship** of developer *d* on file *f*:
  ``DOA = 3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC)``, where ``FA`` is 1 when *d* created
  *f* (made its first commit), ``DL`` the number of changes *d* made to *f* (the creating commit
  counts as one) and ``AC`` the number of changes everybody else made to *f*.
* *d* is an **author** of *f* when ``DOA / max DOA on f > 0.75`` and ``DOA ≥ 3.293``.
* The **truck factor** of a set of files: the authors are ordered by how many of the files they
  author (most first) and removed one by one until more than half of the files have no author
  left; the truck factor is how many were removed.

Choices this module makes, so results are reproducible:

* **Ties** in the removal order are broken by the author's display name (case-insensitively),
  then by the identity key; so two equal authors always leave in the same order.
* **Aliases** are merged: git applies ``.mailmap`` (the log is read with ``%aN``/``%aE``), then
  identities sharing an email (case-insensitively) or a name (case- and space-insensitively) are
  one person. The display name is the one used on most commits (ties: alphabetical).
* **Bots** (``[bot]``, dependabot, renovate, github-actions, ...) are left out: their commits
  still create, rename and delete files, but count as nobody's change.
* **Renames** are followed: ``git log -M`` reports ``R old → new`` and the file keeps its
  history (creator and changes) under its new path. A file deleted and added again is new.
* **Files** are those that exist at the end of the history (the last commit read).
* **Areas** are path prefixes matched on whole directory names (``src/app`` holds
  ``src/app/x.py``, not ``src/application.py``); the degree of authorship is always computed on
  the whole history, an area only restricts which files are counted.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

# The paper's coefficients.
DOA_BASE = 3.293
DOA_FA = 1.098
DOA_DL = 0.164
DOA_AC = 0.321
AUTHOR_SHARE = 0.75  # normalised DOA must be above this
AUTHOR_MIN = 3.293  # and the absolute DOA at least this

# Record separator, field separator (the subject is one line: neither occurs in it).
_RS, _FS = "\x1e", "\x1f"
LOG_FORMAT = "%x1e%H%x1f%aN%x1f%aE%x1f%aI%x1f%s"
_BOT = re.compile(
    r"\[bot\]|dependabot|renovate|github-actions|greenkeeper|pre-commit-ci|snyk-bot|"
    r"(?:^|[-_.\s])bot(?:$|[-_.@\s])"
)


class GitLogError(RuntimeError):
    """git could not read the repository; the message names it and git's own words."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file in one commit: status A (added), M, D, R (renamed from ``old_path``), ..."""

    status: str
    path: str
    old_path: str = ""


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    name: str
    email: str
    authored: datetime | None
    subject: str
    changes: tuple[FileChange, ...]


# --- reading git -----------------------------------------------------------------------------
def git_log_command(path: str | os.PathLike[str], git: str = "git") -> list[str]:
    """The one git command the history is read with (oldest commit first)."""
    return [
        git,
        "-C",
        str(path),
        "-c",
        "log.showSignature=false",
        "-c",
        "core.quotePath=false",
        "log",
        "--no-merges",
        "--reverse",
        "--name-status",
        "-M",
        "-z",
        f"--format={LOG_FORMAT}",
    ]


def parse_log(chunks: Iterable[str]) -> Iterator[Commit]:
    """Parse ``git log -z --name-status --format=LOG_FORMAT`` output given in text chunks."""
    pending = ""
    for chunk in chunks:
        pending += chunk
        records = pending.split(_RS)
        pending = records.pop()
        for record in records:
            if record:
                yield _parse_record(record)
    if pending:
        yield _parse_record(pending)


def _parse_record(record: str) -> Commit:
    header, _, rest = record.partition("\0")
    sha, name, email, authored, subject = header.split(_FS, 4)
    tokens = rest.lstrip("\n").split("\0")
    changes: list[FileChange] = []
    i, n = 0, len(tokens)
    while i < n:
        status = tokens[i].strip()
        if not status:
            i += 1
            continue
        kind = status[0]
        if kind in "RC" and i + 2 < n:
            changes.append(FileChange(kind, tokens[i + 2], tokens[i + 1]))
            i += 3
        elif i + 1 < n:
            changes.append(FileChange(kind, tokens[i + 1]))
            i += 2
        else:
            break
    return Commit(
        sha=sha,
        name=name,
        email=email,
        authored=datetime.fromisoformat(authored) if authored else None,
        subject=subject,
        changes=tuple(changes),
    )


def read_git(path: str | os.PathLike[str], git: str = "git") -> list[Commit]:
    """Read a repository's whole history (no merges), oldest first, with one git process."""
    if not Path(path).exists():
        raise GitLogError(f"{path}: no such directory")
    env = dict(os.environ, LC_ALL="C", GIT_PAGER="cat", GIT_TERMINAL_PROMPT="0")
    try:
        proc = subprocess.Popen(
            git_log_command(path, git),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as exc:
        raise GitLogError(f"cannot run git for {path}: {exc}") from exc
    assert proc.stdout is not None and proc.stderr is not None
    with proc:
        commits = list(parse_log(iter(lambda: proc.stdout.read(1 << 20), "")))  # type: ignore[union-attr]
        stderr = proc.stderr.read()
        code = proc.wait()
    if code != 0:
        if "does not have any commits" in stderr:
            return []
        raise GitLogError(f"git log failed in {path}: {stderr.strip()}")
    return commits


def read_tree(path: str | os.PathLike[str], git: str = "git") -> list[str] | None:
    """The files at HEAD (``git ls-tree -r``); None for a repository without commits."""
    env = dict(os.environ, LC_ALL="C", GIT_PAGER="cat", GIT_TERMINAL_PROMPT="0")
    command = [git, "-C", str(path), "ls-tree", "-r", "-z", "--name-only", "HEAD"]
    try:
        proc = subprocess.run(command, capture_output=True, env=env, check=False)
    except OSError as exc:
        raise GitLogError(f"cannot run git for {path}: {exc}") from exc
    if proc.returncode != 0:
        return None
    return [p for p in proc.stdout.decode("utf-8", "replace").split("\0") if p]


def read_repository(path: str | os.PathLike[str], git: str = "git") -> Authorship:
    """Who authors which file of a local repository: its history and its files at HEAD."""
    return authorship(read_git(path, git), files=read_tree(path, git))


# --- identities ------------------------------------------------------------------------------
def is_bot(name: str, email: str) -> bool:
    """True for automation accounts: [bot], dependabot, renovate, github-actions, ...-bot."""
    return bool(_BOT.search(name.lower()) or _BOT.search(email.lower()))


def _norm_name(name: str) -> str:
    return " ".join(name.split()).casefold()


class Identities:
    """Merges (name, email) pairs into people: same email or same name is the same person."""

    def __init__(self) -> None:
        self._parent: dict[tuple[str, str], tuple[str, str]] = {}
        self._uses: Counter[tuple[str, str]] = Counter()  # (display name, email) per commit
        self._by_key: dict[tuple[str, str], tuple[str, str]] = {}

    def _find(self, x: tuple[str, str]) -> tuple[str, str]:
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def _union(self, a: tuple[str, str], b: tuple[str, str]) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)

    def add(self, name: str, email: str, uses: int = 1) -> tuple[str, str]:
        """Record ``uses`` commits by (name, email); return that raw key."""
        raw = (name, email)
        self._uses[raw] += uses
        if raw not in self._by_key:
            nodes = []
            if email.strip():
                nodes.append(("e", email.strip().casefold()))
            if name.strip():
                nodes.append(("n", _norm_name(name)))
            if not nodes:
                nodes.append(("n", ""))
            for node in nodes:
                self._parent.setdefault(node, node)
            for node in nodes[1:]:
                self._union(nodes[0], node)
            self._by_key[raw] = nodes[0]
        return raw

    def groups(self) -> tuple[dict[tuple[str, str], str], dict[str, str], dict[str, list[str]]]:
        """(raw key → person id, person id → display name, person id → emails)."""
        members: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for raw, node in self._by_key.items():
            members[self._find(node)].append(raw)
        person_of: dict[tuple[str, str], str] = {}
        names: dict[str, str] = {}
        emails: dict[str, list[str]] = {}
        for root, raws in members.items():
            pid = f"{root[0]}:{root[1]}"
            count: Counter[str] = Counter()
            for raw in raws:
                count[raw[0]] += self._uses[raw]
            names[pid] = min(count, key=lambda n: (-count[n], n))
            emails[pid] = sorted({raw[1].strip().casefold() for raw in raws if raw[1].strip()})
            for raw in raws:
                person_of[raw] = pid
        return person_of, names, emails


# --- degree of authorship --------------------------------------------------------------------
def doa(created: bool, own: int, others: int) -> float:
    """The paper's degree of authorship."""
    return DOA_BASE + DOA_FA * (1 if created else 0) + DOA_DL * own - DOA_AC * math.log1p(others)


@dataclass(frozen=True)
class Authorship:
    """Who authors which file, over the whole history read."""

    file_authors: dict[str, frozenset[str]]  # path (at the end) → person ids
    names: dict[str, str]  # person id → display name
    emails: dict[str, list[str]]  # person id → emails seen
    doa: dict[str, dict[str, float]]  # path → person id → DOA (people who changed the file)

    def restrict(self, keep: Callable[[str], bool]) -> Authorship:
        """The same files, with only the authors ``keep`` accepts (others have left)."""
        return Authorship(
            {p: frozenset(a for a in s if keep(a)) for p, s in self.file_authors.items()},
            self.names,
            self.emails,
            self.doa,
        )


def authorship(
    commits: Iterable[Commit],
    *,
    files: Iterable[str] | None = None,
    bot: Callable[[str, str], bool] = is_bot,
) -> Authorship:
    """Follow every file through the commits (oldest first) and find each file's authors.

    ``files``: the files that exist at the end (``git ls-tree`` of HEAD, see :func:`read_tree`).
    Merges are not read, so where a merge renamed or deleted files the replayed history can end
    with paths that no longer exist; given ``files``, only those count, and one with no history
    (made by a merge) counts with no author. Without it, the files the replay ends with count."""
    ids = Identities()
    # (name, email) → a small number, or -1 for a bot; each file is [creator or -1, {who: n}].
    known: dict[tuple[str, str], int] = {}
    raws: list[tuple[str, str]] = []
    uses: list[int] = []
    live: dict[str, list[Any]] = {}
    for commit in commits:
        key = (commit.name, commit.email)
        who = known.get(key)
        if who is None:
            who = -1 if bot(*key) else len(raws)
            known[key] = who
            if who >= 0:
                raws.append(key)
                uses.append(0)
        if who >= 0:
            uses[who] += 1
        for ch in commit.changes:
            status = ch.status
            if status == "D":
                live.pop(ch.path, None)
                continue
            if status == "R":
                history = live.pop(ch.old_path, None) or [-1, {}]
                live[ch.path] = history
            elif status == "A" or status == "C" or ch.path not in live:
                # Created here (a copy, or a change to a file never seen, counts as a creation).
                history = [who, {}]
                live[ch.path] = history
            else:
                history = live[ch.path]
            if who >= 0:
                counts = history[1]
                counts[who] = counts.get(who, 0) + 1
    for raw, n in zip(raws, uses, strict=True):
        ids.add(*raw, uses=n)
    person_of_raw, names, emails = ids.groups()
    person_of = [person_of_raw[raw] for raw in raws]
    file_authors: dict[str, frozenset[str]] = {}
    all_doa: dict[str, dict[str, float]] = {}
    if files is not None:
        live = {path: live.get(path) or [-1, {}] for path in files}
    for path, (creator_raw, changes) in live.items():
        per: dict[str, int] = {}
        for raw, n in changes.items():
            pid = person_of[raw]
            per[pid] = per.get(pid, 0) + n
        creator = person_of[creator_raw] if creator_raw >= 0 else None
        total = sum(per.values())
        scores = {pid: doa(pid == creator, n, total - n) for pid, n in per.items()}
        if creator is not None and creator not in scores:
            scores[creator] = doa(True, 0, total)
        all_doa[path] = scores
        top = max(scores.values(), default=0.0)
        file_authors[path] = frozenset(
            pid for pid, sc in scores.items() if sc >= AUTHOR_MIN and sc / top > AUTHOR_SHARE
        )
    return Authorship(file_authors, names, emails, all_doa)


# --- truck factor ----------------------------------------------------------------------------
def in_area(path: str, area: str) -> bool:
    """True when ``path`` is ``area`` or inside it (whole directory names)."""
    prefix = area.strip().strip("/")
    if not prefix:
        return True
    return path == prefix or path.startswith(prefix + "/")


@dataclass(frozen=True)
class TruckFactor:
    truck_factor: int
    files: int
    authors: list[tuple[str, int]]  # (person id, files authored), removal order
    removed: list[str]  # the person ids whose leaving orphans more than half the files
    sole: dict[str, int]  # person id → files they alone author

    def authors_json(self, names: Mapping[str, str]) -> list[dict[str, object]]:
        return [{"name": names.get(pid, pid), "files": n} for pid, n in self.authors]


def truck_factor(
    file_authors: Mapping[str, frozenset[str]], names: Mapping[str, str]
) -> TruckFactor:
    """The truck factor of these files: removals of top authors until > half are orphans."""
    total = len(file_authors)
    counts: Counter[str] = Counter()
    sole: Counter[str] = Counter()
    for authors in file_authors.values():
        counts.update(authors)
        if len(authors) == 1:
            sole.update(authors)
    order = sorted(counts, key=lambda pid: (-counts[pid], names.get(pid, pid).casefold(), pid))
    remaining = {p: set(a) for p, a in file_authors.items()}
    by_author: dict[str, list[str]] = defaultdict(list)
    for path, authors in file_authors.items():
        for pid in authors:
            by_author[pid].append(path)
    orphans = sum(1 for a in remaining.values() if not a)
    removed: list[str] = []
    for pid in order:
        if orphans * 2 > total:
            break
        removed.append(pid)
        for path in by_author[pid]:
            left = remaining[path]
            left.discard(pid)
            if not left:
                orphans += 1
    return TruckFactor(
        truck_factor=len(removed),
        files=total,
        authors=[(pid, counts[pid]) for pid in order],
        removed=removed,
        sole={pid: sole[pid] for pid in order if sole[pid]},
    )


def analyse(
    authors: Authorship, areas: Sequence[str] = ()
) -> tuple[TruckFactor, list[tuple[str, TruckFactor]]]:
    """The truck factor of all files and of each area (path prefix)."""
    whole = truck_factor(authors.file_authors, authors.names)
    per_area = []
    for area in areas:
        files = {p: a for p, a in authors.file_authors.items() if in_area(p, area)}
        per_area.append((area.strip().strip("/"), truck_factor(files, authors.names)))
    return whole, per_area


def report(authors: Authorship, areas: Sequence[str] = ()) -> dict[str, object]:
    """The CLI's JSON: truck factor, files, authors, and the same per area."""
    whole, per_area = analyse(authors, areas)
    return {
        "truck_factor": whole.truck_factor,
        "files": whole.files,
        "authors": whole.authors_json(authors.names),
        "areas": [
            {
                "area": area,
                "truck_factor": tf.truck_factor,
                "files": tf.files,
                "authors": tf.authors_json(authors.names),
            }
            for area, tf in per_area
        ],
    }
