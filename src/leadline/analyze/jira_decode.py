"""Decode a Jira search-response export into plain column lists (no Polars, no NumPy).

``jira_fast`` turns the lists into engine frames. Decoding is the slowest step of
``leadline analyze``, so the CLI can ``prefetch`` a file: a forked child decodes it while the
parent imports Polars and NumPy, then hands the lists over a pipe (msgpack). The child touches
no Polars state (it forks before Polars is imported) and any failure of it simply means the
parent decodes the file itself.
"""

from __future__ import annotations

import gc
import os
import sys
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
    list[str | None],
    list[str | None],
    list[str | None],
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
    t_hid: list[str | None] = []
    t_from: list[str | None] = []
    t_to: list[str | None] = []
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
                fid = c.fieldId
                if (
                    fid == "status"
                    or c.field == "status"
                    or (c.field is not None and c.field.lower() == "status")
                    or (fid is not None and fid.lower() == "status")
                ):
                    if not h.created:
                        return None
                    add_idx(n)
                    add_at(h.created)
                    add_hid(h.id)
                    add_from(c.fromString)
                    add_to(c.toString)
    return keys, teams, types, created, current, categories, t_idx, t_at, t_hid, t_from, t_to


# The pending prefetch: (file identity, child pid, read end of the pipe).
_pending: tuple[tuple[str, int, int], int, int] | None = None
_MISSING: Any = object()


def _identity(path: str | Path) -> tuple[str, int, int]:
    st = os.stat(path)
    return (os.path.realpath(path), st.st_size, st.st_mtime_ns)


def prefetch(path: str | Path) -> None:
    """Start decoding ``path`` in a forked child; ``take`` collects the result.

    Only in a process that has not imported Polars yet (forking a process with Polars threads
    is unsafe), and only on POSIX. Does nothing when the file cannot be read.
    """
    global _pending
    if _pending is not None or "polars" in sys.modules or not hasattr(os, "fork"):
        return
    try:
        ident = _identity(path)
        read_fd, write_fd = os.pipe()
    except OSError:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: decode, send, and leave without running any cleanup
        code = 1
        try:
            os.close(read_fd)
            payload = msgspec.msgpack.encode([decode_file(path)])
            view = memoryview(payload)
            while view:
                view = view[os.write(write_fd, view) :]
            code = 0
        except BaseException:  # noqa: S110 (the parent decodes itself then)
            pass
        finally:
            os._exit(code)
    os.close(write_fd)
    _pending = (ident, pid, read_fd)


def take(path: str | Path) -> Columns | None:
    """Return the prefetched columns of ``path``, or ``_MISSING`` when there are none."""
    global _pending
    if _pending is None:
        return _MISSING  # type: ignore[no-any-return]
    ident, pid, read_fd = _pending
    _pending = None
    chunks: list[bytes] = []
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            chunks.append(pipe.read())
        _, status = os.waitpid(pid, 0)
        if status != 0 or not chunks[0] or _identity(path) != ident:
            return _MISSING  # type: ignore[no-any-return]
    except OSError:
        return _MISSING  # type: ignore[no-any-return]
    enabled = gc.isenabled()
    gc.disable()
    try:
        got = msgspec.msgpack.decode(chunks[0])[0]
    finally:
        if enabled:
            gc.enable()
    if got is None:
        return None
    return tuple(got)  # type: ignore[return-value]


def is_missing(value: object) -> bool:
    """True when ``take`` found no prefetched result."""
    return value is _MISSING


def cancel() -> None:
    """Stop and reap a prefetch that will not be collected (the run failed before reading)."""
    global _pending
    if _pending is None:
        return
    _, pid, read_fd = _pending
    _pending = None
    try:
        os.close(read_fd)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except OSError:
        pass
