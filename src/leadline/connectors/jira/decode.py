"""Decode a Jira search-response export into plain column lists (no Polars; no NumPy but in
the parent receiving a prefetch).

``frames`` turns the lists into engine frames. Decoding is the slowest step of
``leadline analyze``, so the CLI can ``prefetch`` a file: a forked child decodes it while the
parent imports Polars and NumPy, then hands the lists over a pipe (msgpack, string columns
NUL-joined, the change index as raw int64). A large search response is split at a comma between two issues near its middle and
two children decode one half each. The children touch no Polars state (they fork before Polars
is imported) and any failure of theirs simply means the parent decodes the file itself.
"""

from __future__ import annotations

import gc
import mmap
import os
import re
import sys
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec


class _Category(msgspec.Struct, gc=False):
    key: str | None = None


class _Status(msgspec.Struct, gc=False):
    name: str | None = None
    statusCategory: _Category | None = None  # noqa: N815 (Jira's field name)


class _Named(msgspec.Struct, gc=False):
    name: str | None = None


class _Project(msgspec.Struct, gc=False):
    key: str | None = None


class _Fields(msgspec.Struct, gc=False):
    created: str | None = None
    status: _Status | None = None
    issuetype: _Named | None = None
    project: _Project | None = None


class _Change(msgspec.Struct, gc=False):
    field: str | None = None
    fieldId: str | None = None  # noqa: N815
    fromString: str | None = None  # noqa: N815
    toString: str | None = None  # noqa: N815


class _History(msgspec.Struct, gc=False):
    created: str | None = None
    id: str | None = None
    items: list[_Change] | None = None


class _Changelog(msgspec.Struct, gc=False):
    histories: list[_History] | None = None


class _Issue(msgspec.Struct, gc=False):
    key: str | None = None
    fields: _Fields | None = None
    changelog: _Changelog | None = None


class _Response(msgspec.Struct, gc=False):
    issues: list[_Issue]


_DECODER = msgspec.json.Decoder(_Response)
_LIST_DECODER = msgspec.json.Decoder(list[_Issue])

# keys, teams, types, created, current, categories, t_idx, t_at, t_hid, t_from, t_to
Columns = tuple[
    list[str],
    list[str],
    list[str],
    list[str],
    list[str],
    dict[str, str],
    list[int],
    list[str],
    list[str],
    list[str],
    list[str],
]


def decode_file(path: str | Path) -> Columns | None:
    """Return the column lists of a search response or a list of issues; None if unusual."""
    data = Path(path).read_bytes()
    enabled = gc.isenabled()
    # Millions of small containers would trigger the cyclic collector over and over.
    gc.disable()
    try:
        try:
            issues = _DECODER.decode(data).issues
        except (msgspec.ValidationError, msgspec.DecodeError):
            try:
                issues = _LIST_DECODER.decode(data)
            except (msgspec.ValidationError, msgspec.DecodeError):
                return None
        del data
        return columns(issues)
    finally:
        if enabled:
            gc.enable()


def columns(issues: list[_Issue]) -> Columns | None:
    """Return per-issue and per-status-change columns; None when a required field is missing."""
    keys: list[str] = []
    teams: list[str] = []
    types: list[str] = []
    created: list[str] = []
    current: list[str] = []
    categories: dict[str, str] = {}
    t_idx: list[int] = []
    t_at: list[str] = []
    # A missing history id, from- or to-status reads as "": the frames' rules treat both alike
    # (ids sort as numbers, others as 0; an empty from-status is none; a missing to-status is
    # ""), and columns without None need no null scan when sent.
    t_hid: list[str] = []
    t_from: list[str] = []
    t_to: list[str] = []
    # Bound methods: this loop runs once per changelog entry (millions at 100k issues).
    add_idx, add_at, add_hid = t_idx.append, t_at.append, t_hid.append
    add_from, add_to = t_from.append, t_to.append
    for n, issue in enumerate(issues):
        f = issue.fields
        if not issue.key or f is None or not f.created or f.status is None or not f.status.name:
            return None
        status = f.status
        keys.append(issue.key)
        teams.append((f.project.key or "") if f.project else "")
        types.append((f.issuetype.name or "") if f.issuetype else "")
        created.append(f.created)
        current.append(status.name)  # type: ignore[arg-type]
        if status.statusCategory is not None and status.statusCategory.key:
            categories.setdefault(status.name, status.statusCategory.key)  # type: ignore[arg-type]
        log = issue.changelog
        if log is None or not log.histories:
            continue
        for h in log.histories:
            for c in h.items or ():
                fid, name = c.fieldId, c.field
                # Only a 6-character name can lower to "status": most fields skip the lower().
                if (
                    fid == "status"
                    or name == "status"
                    or (name is not None and len(name) == 6 and name.lower() == "status")
                    or (fid is not None and len(fid) == 6 and fid.lower() == "status")
                ):
                    if not h.created:
                        return None
                    add_idx(n)
                    add_at(h.created)
                    add_hid(h.id or "")
                    add_from(c.fromString or "")
                    add_to(c.toString or "")
    return keys, teams, types, created, current, categories, t_idx, t_at, t_hid, t_from, t_to


# Files at least this large are decoded in two halves by two children (2+ cores).
_SPLIT_MIN_BYTES = 16 << 20
_HEAD_BYTES = 1 << 20
_WINDOW_BYTES = 4 << 20
_ISSUES = b'"issues"'
_FIRST_KEY = re.compile(rb'"issues"\s*:\s*\[\s*\{\s*("(?:[^"\\]|\\.)*")')


class _OnlyIssues(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    issues: list[_Issue]


_ONLY_DECODER = msgspec.json.Decoder(_OnlyIssues)

# A half of a search response: (offset of the root "issues" key, offset of the separating comma).
Split = tuple[int, int]


def split_point(path: str | Path, min_bytes: int = _SPLIT_MIN_BYTES) -> Split | None:
    """Guess a comma between two issues near the middle of the root ``issues`` array.

    Only a guess (the next ``}, {"<first key of the first issue>"`` after the middle):
    ``decode_part`` checks that the halves are exactly the array's two parts, else fails.
    """
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size < min_bytes:
            return None
        head = f.read(_HEAD_BYTES)
        start = head.find(_ISSUES)
        if start <= 0:
            return None
        m = _FIRST_KEY.match(head, start)
        if m is None:
            return None
        mid = start + (size - start) // 2
        f.seek(mid)
        window = f.read(_WINDOW_BYTES)
    found = re.search(rb"\}\s*(,)\s*\{\s*" + re.escape(m.group(1)), window)
    if found is None:
        return None
    return start, mid + found.start(1)


def decode_part(path: str | Path, split: Split, second: bool) -> Columns | None:
    """Return the columns of one half of the issues; None unless ``split`` really splits them.

    The first half is checked to hold the root's only ``"issues"`` key (its head, the bytes
    before that key, must be valid JSON as a root object) with the split comma directly inside
    that key's array; the second half must continue and close that array and the root object.
    So both halves decoding means the whole file decodes to their issues in order.
    """
    start, comma = split
    lead = b'{"issues":['
    if start < 1 or comma < start + len(lead):
        return None
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_COPY) as mm:
            # A private mapping: the brackets written below never reach the file.
            if len(mm) < comma + 2:
                return None
            if not second:
                if mm.find(_ISSUES, start + 1, comma) != -1 or mm.find(_ISSUES, 0, start) != -1:
                    return None
                _DECODER.decode(mm[:start] + b'"issues":[]}')
                mm[start - 1 : start] = b"{"
                mm[comma : comma + 2] = b"]}"
                with memoryview(mm) as view:
                    issues = _ONLY_DECODER.decode(view[start - 1 : comma + 2]).issues
            else:
                if mm.find(_ISSUES, comma + 1) != -1:
                    return None
                begin = comma + 1 - len(lead)
                mm[begin : comma + 1] = lead
                with memoryview(mm) as view:
                    issues = _DECODER.decode(view[begin:]).issues
        return columns(issues)
    except (msgspec.ValidationError, msgspec.DecodeError, OSError, ValueError):
        return None
    finally:
        if enabled:
            gc.enable()


def merge(first: Any, second: Any) -> Any:
    """Return the columns (lists or Packed) of two consecutive halves' issues as one."""
    categories = dict(first[5])
    for status, key in second[5].items():
        categories.setdefault(status, key)
    offset = _length(first[0])
    out = [_concat(a, b) for a, b in zip(first, second, strict=True)]
    out[5] = categories
    if isinstance(first[6], list):
        out[6] = first[6] + [i + offset for i in second[6]]
    else:  # int64 arrays (``_unwire``'s)
        import numpy as np

        out[6] = np.concatenate([first[6], second[6] + offset])
    return tuple(out)


_SEP = "\x00"
_STRING_COLUMNS = (0, 1, 2, 3, 4, 7, 8, 9, 10)
_INDEX_COLUMN = 6


@dataclass(slots=True)
class Packed:
    """A string column as one NUL-joined string.

    The children send columns this way: the parent then never builds a Python string per
    value (Polars splits the joined string itself, timestamps are parsed from its bytes).
    """

    joined: str
    n: int

    def values(self) -> list[str]:
        """Return the column as a list."""
        return self.joined.split(_SEP) if self.n else []


def _pack(values: list[str]) -> Any:
    """Return ``values`` as a wire dict of a Packed, or the list as it is."""
    if not values:
        return values
    joined = _SEP.join(values)
    if joined.count(_SEP) != len(values) - 1:  # a value holds the separator itself
        return values
    return {"j": joined, "n": len(values)}


def _wire(cols: Columns | None) -> Any:
    if cols is None:
        return None
    out: list[Any] = list(cols)
    for i in _STRING_COLUMNS:
        out[i] = _pack(out[i])
    # The issue index of each change as raw int64 (no int object per value on either side).
    out[_INDEX_COLUMN] = {"q": array("q", out[_INDEX_COLUMN]).tobytes()}
    return out


def _unwire(cols: Any) -> Any:
    """Return received columns: packed string columns as Packed, the index as an int64 array.

    Only the parent calls this, after importing NumPy (the children never load it).
    """
    if cols is None:
        return None
    import numpy as np

    out = list(cols)
    for i in _STRING_COLUMNS:
        if isinstance(out[i], dict):
            out[i] = Packed(out[i]["j"], out[i]["n"])
    if isinstance(out[_INDEX_COLUMN], dict):
        out[_INDEX_COLUMN] = np.frombuffer(out[_INDEX_COLUMN]["q"], dtype=np.int64)
    return tuple(out)


def _length(col: Any) -> int:
    return col.n if isinstance(col, Packed) else len(col)


def _concat(a: Any, b: Any) -> Any:
    if isinstance(a, Packed) and isinstance(b, Packed):
        if not a.n or not b.n:
            return a if b.n == 0 else b
        return Packed(a.joined + _SEP + b.joined, a.n + b.n)
    return plain(a) + plain(b)


def plain(col: Any) -> list[Any]:
    """Return a column (a list, a Packed or an array) as a list."""
    if isinstance(col, Packed):
        return col.values()
    return col.tolist() if hasattr(col, "tolist") else list(col)


def plain_columns(cols: Any) -> Columns | None:
    """Return columns with every Packed column as a list (for comparisons)."""
    if cols is None:
        return None
    out = [
        plain(c) if isinstance(c, Packed) else c.tolist() if hasattr(c, "tolist") else c
        for c in cols
    ]
    return tuple(out)  # type: ignore[return-value]


# The pending prefetch: (file identity, [(child pid, read end of its pipe)], split or None).
_pending: tuple[tuple[str, int, int], list[tuple[int, int]], Split | None] | None = None
_MISSING: Any = object()


def _identity(path: str | Path) -> tuple[str, int, int]:
    st = os.stat(path)
    return (os.path.realpath(path), st.st_size, st.st_mtime_ns)


def _fork(work: Any) -> tuple[int, int] | None:
    """Run ``work()`` in a forked child that sends its msgpack-encoded result over a pipe."""
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: decode, send, and leave without running any cleanup
        code = 1
        try:
            os.close(read_fd)
            payload = msgspec.msgpack.encode([_wire(work())])
            view = memoryview(payload)
            while view:
                view = view[os.write(write_fd, view) :]
            code = 0
        except BaseException:  # noqa: S110 (the parent decodes itself then)
            pass
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def prefetch(path: str | Path) -> None:
    """Start decoding ``path`` in forked children; ``take`` collects the result.

    Only in a process that has not imported Polars yet (forking a process with Polars threads
    is unsafe), and only on POSIX. Does nothing when the file cannot be read. A large search
    response is split in two halves decoded by two children at once.
    """
    global _pending
    if _pending is not None or "polars" in sys.modules or not hasattr(os, "fork"):
        return
    try:
        ident = _identity(path)
        split = split_point(path) if (os.cpu_count() or 1) > 1 else None
    except OSError:
        return
    children: list[tuple[int, int]] = []
    works = (
        [lambda: decode_file(path)]
        if split is None
        else [lambda: decode_part(path, split, False), lambda: decode_part(path, split, True)]
    )
    for work in works:
        child = _fork(work)
        if child is None:
            break
        children.append(child)
    _pending = (ident, children, split)
    if len(children) < len(works):
        cancel()


def _collect(pid: int, read_fd: int) -> Any:
    with os.fdopen(read_fd, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return _MISSING
    enabled = gc.isenabled()
    gc.disable()
    try:
        return msgspec.msgpack.decode(data)[0]
    finally:
        if enabled:
            gc.enable()


def take(path: str | Path) -> Columns | None:
    """Return the prefetched columns of ``path``, or ``_MISSING`` when there are none."""
    global _pending
    if _pending is None:
        return _MISSING  # type: ignore[no-any-return]
    ident, children, split = _pending
    _pending = None
    got: list[Any] = []
    try:
        for n, (pid, read_fd) in enumerate(children):
            try:
                got.append(_collect(pid, read_fd))
            except BaseException:
                _reap(children[n + 1 :])
                raise
        if _identity(path) != ident:
            return _MISSING  # type: ignore[no-any-return]
    except OSError:
        return _MISSING  # type: ignore[no-any-return]
    if any(value is _MISSING for value in got):
        return _MISSING  # type: ignore[no-any-return]
    if split is None:
        return _unwire(got[0])  # type: ignore[no-any-return]
    if got[0] is None or got[1] is None:  # not split as guessed: decode the whole file
        return _MISSING  # type: ignore[no-any-return]
    return merge(_unwire(got[0]), _unwire(got[1]))  # type: ignore[no-any-return]


def is_missing(value: object) -> bool:
    """True when ``take`` found no prefetched result."""
    return value is _MISSING


def _reap(children: list[tuple[int, int]]) -> None:
    for pid, read_fd in children:
        try:
            os.close(read_fd)
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except OSError:
            pass


def cancel() -> None:
    """Stop and reap a prefetch that will not be collected (the run failed before reading)."""
    global _pending
    if _pending is None:
        return
    children = _pending[1]
    _pending = None
    _reap(children)
