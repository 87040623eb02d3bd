"""Read a local git repository by shelling out to the ``git`` binary, streaming its output.

Commits and merges come from ``git log`` read line by line, tags from ``git for-each-ref``.
No shell is involved: every command is an explicit argument list.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from leadline.records import ChangeRecord, DeploymentRecord, ReleaseRecord

SOURCE = "git"
# Tags matching this glob count as successful production deployments unless told otherwise:
# release tags are the one deployment record most repositories have (v1.2, v2024.05.1 ...).
DEFAULT_DEPLOY_TAGS = "v*"
_FS = "\x1f"  # field separator; cannot occur in a one-line subject
# sha, parents, author name, author email, author date, committer date, subject
_LOG_FORMAT = "%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%s"
_REF_FORMAT = _FS.join(
    [
        "%(refname:strip=2)",
        "%(objecttype)",
        "%(objectname)",
        "%(*objecttype)",
        "%(*objectname)",
        "%(taggerdate:iso-strict)",
        "%(*committerdate:iso-strict)",
        "%(committerdate:iso-strict)",
    ]
)


class GitError(RuntimeError):
    """A git command failed; the message names the repository and git's own words."""


@dataclass(frozen=True, slots=True)
class _Commit:
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    authored: datetime
    committed: datetime
    subject: str


@dataclass(frozen=True, slots=True)
class _Tag:
    name: str
    sha: str  # the commit the tag points at, peeled through an annotated tag
    date: datetime  # annotated tag date, or the commit date for a lightweight tag
    annotated: bool


def _parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


class GitRepository:
    """A local git repository read with the git binary; ``name`` is its repository label."""

    def __init__(self, path: str | os.PathLike[str], name: str = "", git: str = "git") -> None:
        self.path = Path(path)
        self.name = name or self.path.resolve().name
        self._git = git

    # -- process plumbing -------------------------------------------------------------------

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        # Stable, machine-readable output whatever the user's configuration says.
        env.update({"LC_ALL": "C", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0"})
        return env

    def _lines(self, args: Sequence[str]) -> Iterator[str]:
        """Yield the output lines of one git command as they arrive; raise GitError on failure."""
        command = [self._git, "-C", str(self.path), "-c", "log.showSignature=false", *args]
        try:
            proc = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=self._env(),
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            raise GitError(f"cannot run git for {self.path}: {exc}") from exc
        assert proc.stdout is not None and proc.stderr is not None
        finished = False
        try:
            for line in proc.stdout:
                yield line.rstrip("\n")
            stderr = proc.stderr.read()
            code = proc.wait()
            finished = True
            if code != 0:
                raise GitError(f"git {args[0]} failed in {self.path}: {stderr.strip()}")
        finally:
            if not finished:  # the consumer stopped early: do not leave git running
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()

    def _log(self, args: Sequence[str]) -> Iterator[_Commit]:
        for line in self._lines(["log", f"--format={_LOG_FORMAT}", *args]):
            if not line:
                continue
            sha, parents, author, email, authored, committed, subject = line.split(_FS, 6)
            yield _Commit(
                sha=sha,
                parents=tuple(parents.split()),
                author=author,
                email=email,
                authored=_parse_time(authored),
                committed=_parse_time(committed),
                subject=subject,
            )

    def _range(self, rev: str, since_commit: str | None, since: datetime | None) -> list[str]:
        args = [f"{since_commit}..{rev}" if since_commit else rev]
        if since is not None:
            args.insert(0, f"--since={since.astimezone(UTC).isoformat()}")
        return args

    # -- commits and merges -----------------------------------------------------------------

    def commits(
        self, rev: str = "HEAD", *, since_commit: str | None = None, since: datetime | None = None
    ) -> Iterator[ChangeRecord]:
        """Yield every commit reachable from ``rev`` (merges included), newest first.

        ``since_commit`` limits to commits not reachable from it; ``since`` to commits
        committed after that time. An empty repository raises GitError (no HEAD).
        """
        for c in self._log(self._range(rev, since_commit, since)):
            yield self._commit_record(c)

    def _commit_record(self, c: _Commit) -> ChangeRecord:
        return ChangeRecord(
            source=SOURCE,
            external_id=c.sha,
            kind="commit",
            repository=self.name,
            title=c.subject,
            author=c.email or c.author,
            created=c.authored,
            first_commit_at=c.authored,
            sha=c.sha,
        )

    def merges(
        self, rev: str = "HEAD", *, since_commit: str | None = None, since: datetime | None = None
    ) -> Iterator[ChangeRecord]:
        """Yield one pull_request change per merge commit, with the merged branch's first commit.

        The merged branch is what the second parent brought in (``first-parent..second-parent``);
        its earliest authored time is ``first_commit_at``. Octopus merges count every merged
        parent. ``external_id`` is ``merge:<sha>`` so it never collides with the commit itself.
        """
        args = ["--merges", *self._range(rev, since_commit, since)]
        for c in self._log(args):
            first = self._first_commit_time(c.parents[0], c.parents[1:])
            yield ChangeRecord(
                source=SOURCE,
                external_id=f"merge:{c.sha}",
                kind="pull_request",
                repository=self.name,
                title=c.subject,
                author=c.email or c.author,
                created=first or c.authored,
                first_commit_at=first,
                merged=c.committed,
                sha=c.sha,
            )

    def _first_commit_time(self, base: str, merged: Sequence[str]) -> datetime | None:
        earliest: datetime | None = None
        for line in self._lines(["log", "--format=%aI", *merged, f"^{base}"]):
            if line:
                t = _parse_time(line)
                earliest = t if earliest is None or t < earliest else earliest
        return earliest

    # -- tags -------------------------------------------------------------------------------

    def _tags(self, pattern: str | None) -> list[_Tag]:
        tags: list[_Tag] = []
        for line in self._lines(["for-each-ref", f"--format={_REF_FORMAT}", "refs/tags"]):
            if not line:
                continue
            name, otype, oid, ptype, pid, tagger, pdate, cdate = line.split(_FS)
            if pattern is not None and not fnmatch.fnmatchcase(name, pattern):
                continue
            if otype == "tag":
                if ptype != "commit":  # a tag of a tree, a blob or another tag: not a release
                    continue
                tags.append(_Tag(name, pid, _parse_time(tagger or pdate), annotated=True))
            elif otype == "commit":
                tags.append(_Tag(name, oid, _parse_time(cdate), annotated=False))
        tags.sort(key=lambda t: (t.date, t.name))
        return tags

    def releases(
        self, pattern: str | None = None, *, since: datetime | None = None
    ) -> Iterator[ReleaseRecord]:
        """Yield tags (optionally matching a glob such as ``v*``) as releases, oldest first.

        An annotated tag is published at its tag date, a lightweight tag at its commit's date.
        Tags of trees or blobs are skipped; ``since`` keeps tags published after it.
        """
        for tag in self._tags(pattern):
            if since is not None and tag.date <= since:
                continue
            yield ReleaseRecord(
                source=SOURCE,
                external_id=f"{self.name}@{tag.name}",
                repository=self.name,
                name=tag.name,
                tag=tag.name,
                published=tag.date,
                sha=tag.sha,
            )

    def deployments(
        self,
        pattern: str,
        *,
        since: datetime | None = None,
        environment: str = "production",
        service: str = "",
    ) -> Iterator[DeploymentRecord]:
        """Yield tags matching the glob ``pattern`` as successful production deployments.

        Each carries ``change_ids``: the commits since the previous matching tag (all reachable
        commits for the first). ``since`` drops earlier tags but still uses them as the
        previous tag, so an incremental sync attributes exactly the same commits.
        """
        previous: _Tag | None = None
        for tag in self._tags(pattern):
            if since is None or tag.date > since:
                yield self._deployment(tag, previous, environment, service or self.name)
            previous = tag

    def _deployment(
        self, tag: _Tag, previous: _Tag | None, environment: str, service: str
    ) -> DeploymentRecord:
        args = ["rev-list", tag.sha] + ([f"^{previous.sha}"] if previous else [])
        change_ids = [line for line in self._lines(args) if line]
        return DeploymentRecord(
            source=SOURCE,
            external_id=f"{self.name}@{tag.name}",
            service=service,
            environment=environment,
            status="success",
            raw_status="tag",
            started=tag.date,
            finished=tag.date,
            sha=tag.sha,
            ref=tag.name,
            is_production=environment == "production",
            change_ids=change_ids,
        )
