"""Build small git repositories in a test: commits with chosen authors, emails and dates."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._n = 0
        path.mkdir(parents=True, exist_ok=True)
        self._git("init", "-q", "-b", "main")

    def _git(self, *args: str, name: str = "Setup", email: str = "setup@example.com",
             when: str = "2026-01-05T10:00:00+00:00") -> None:  # fmt: skip
        env = dict(
            os.environ,
            GIT_AUTHOR_NAME=name,
            GIT_AUTHOR_EMAIL=email,
            GIT_AUTHOR_DATE=when,
            GIT_COMMITTER_NAME=name,
            GIT_COMMITTER_EMAIL=email,
            GIT_COMMITTER_DATE=when,
            GIT_CONFIG_NOSYSTEM="1",
            HOME=str(self.path),
        )
        subprocess.run(["git", "-C", str(self.path), *args], check=True, env=env,
                       capture_output=True)  # fmt: skip

    def commit(self, who: str, files: dict[str, str | None] | None = None, *,
               rename: tuple[str, str] | None = None, message: str = "",
               when: str | None = None) -> None:  # fmt: skip
        """Commit as ``who`` ("Name <email>"): write files (None deletes), maybe a rename."""
        name, _, email = who.partition(" <")
        self._n += 1
        if rename:
            (self.path / rename[1]).parent.mkdir(parents=True, exist_ok=True)
            self._git("mv", rename[0], rename[1])
        for path, text in (files or {}).items():
            target = self.path / path
            if text is None:
                self._git("rm", "-q", path)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            self._git("add", path)
        day = 5 + self._n // 24
        stamp = when or f"2026-01-{day:02d}T{self._n % 24:02d}:00:00+00:00"
        self._git("commit", "-q", "--allow-empty", "-m", message or f"change {self._n}",
                  name=name, email=email.rstrip(">"), when=stamp)  # fmt: skip

    def change(self, who: str, path: str, times: int = 1) -> None:
        """``times`` commits by ``who``, each appending a line to ``path``."""
        for _ in range(times):
            old = (self.path / path).read_text()
            self.commit(who, {path: old + f"line {self._n}\n"})

    def shas(self) -> list[str]:
        """Every commit's sha, oldest first."""
        out = subprocess.run(["git", "-C", str(self.path), "rev-list", "--reverse", "HEAD"],
                             check=True, capture_output=True, text=True)  # fmt: skip
        return out.stdout.split()


def body(tag: str) -> str:
    """A file's content, long enough that a rename of it is recognised as one."""
    return "".join(f"{tag} line {i}: some text that stays the same\n" for i in range(20))
