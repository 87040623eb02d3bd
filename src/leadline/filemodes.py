"""Data files Leadline keeps in ``LEADLINE_HOME`` are readable by their owner only (0600).

The SQLite database holds every workspace's data (and session keys); uploads hold imported
exports. The process umask is left alone (files a user asks the CLI to write keep the modes
they expect); instead each data file is created with an explicit mode. SQLite gives its -wal,
-shm and -journal files the mode of the database file, so a private database keeps them private.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, BinaryIO

FILE_MODE = 0o600
FOLDER_MODE = 0o700
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def private_folder(path: Path, *, tighten_existing: bool = True) -> Path:
    """Create ``path`` owner-only (0700) and return it.

    An existing folder loses group and other permissions too, unless ``tighten_existing`` is
    False (for a folder the user chose, such as ``LEADLINE_HOME`` itself).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=FOLDER_MODE)
        os.chmod(path, FOLDER_MODE)  # mkdir's mode is masked by the umask
    except FileExistsError:
        if tighten_existing:
            tighten(path)
    return path


def open_private(path: Path) -> BinaryIO:
    """Create ``path`` (it must not exist) with mode 0600, whatever the umask, for writing."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # O_CREAT's mode is masked by the umask, which may be stricter
    return os.fdopen(fd, "wb")


def tighten(path: str | Path) -> None:
    """Drop group and other permissions from ``path`` if it exists.

    A file this user may not change (owned by another account) is left as it is, with a warning.
    """
    try:
        mode = os.stat(path).st_mode & 0o777
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except FileNotFoundError:
        pass
    except PermissionError as exc:
        warnings.warn(f"could not make {path} owner-only: {exc}", RuntimeWarning, stacklevel=2)


def private_sqlite(name: str | Path) -> None:
    """Make the SQLite database ``name`` owner-only before it is opened.

    A missing database is created empty with mode 0600 (SQLite would create it 0644);
    an existing one (and its side files) loses group and other permissions.
    """
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass
    for file in (str(path), *(f"{path}{suffix}" for suffix in SQLITE_SIDE_FILES)):
        tighten(file)


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Keep a SQLite database private when it was made by something else (the test runner,
    a restore that copied a backup in place) since the process started."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    if name and name != ":memory:" and not name.startswith("file:"):
        for file in (name, *(name + suffix for suffix in SQLITE_SIDE_FILES)):
            tighten(file)
