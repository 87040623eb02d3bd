"""Where an import reads from: files (Jira JSON, CSV), a local git repository, a connection.

Each source turns into (records, statuses, problems) for the import service. Files and git
repositories are read in a fixed order, which is what lets an interrupted import skip the
batches it already committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from leadline.connectors.git.repository import DEFAULT_DEPLOY_TAGS
from leadline.connectors.jira.statuses import jira_status_categories
from leadline.records import StatusRecord

from .models import Connection

FILE_KINDS = {
    "jira-json": "Jira JSON export (REST search response format)",
    "csv": "CSV of work items (one row per item or per transition)",
    "csv-deployments": "CSV of deployments",
    "csv-incidents": "CSV of incidents",
    "git": "Local git repository (commits, merges, tags as releases and deployments)",
}


class SourceProblem(ValueError):
    """The source can't be read; the message says where and why."""


@dataclass
class Source:
    """Records to import with the statuses the source declared, and rows it rejected."""

    records: Iterable[Any]
    statuses: list[StatusRecord] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (location, reason)
    total: int | None = None
    reader: Any = None

    def collect_rejected(self) -> list[tuple[str, str]]:
        """Return rejected rows, including those a streaming reader found while being read."""
        rows = list(self.rejected)
        for row in getattr(self.reader, "rejected", []):
            if isinstance(row, tuple):  # a Jira export's (where, why)
                rows.append(row)
            else:
                rows.append((f"{row.file} line {row.line}", row.reason))
        return rows


def file_source(
    kind: str,
    path: str | Path,
    *,
    source: str | None = None,
    deploy_tags: str = DEFAULT_DEPLOY_TAGS,
    encoding: str | None = None,
) -> Source:
    """Open a file or repository source of ``kind`` (see FILE_KINDS); for git, tags matching
    ``deploy_tags`` (a glob; empty: none) are production deployments too.

    A CSV file is decoded whole before anything is imported (UTF-8, UTF-16 with a BOM, or the
    ``encoding`` named), so a file in another encoding is refused with the line and column of
    its first foreign byte instead of failing halfway.
    """
    path = Path(path)
    if kind not in FILE_KINDS:
        raise SourceProblem(f"Unknown import kind {kind!r}; use one of {', '.join(FILE_KINDS)}")
    if not path.exists():
        raise SourceProblem(f"{path.name}: no such file or directory")
    if kind == "jira-json":
        from leadline.connectors.jira.export import JiraExportReader

        statuses, total = jira_status_categories(path, source or "jira")
        export = JiraExportReader(path, source=source or "jira")
        return Source(export, statuses, total=total, reader=export)
    if kind == "git":
        return _git_source(path, deploy_tags)
    from leadline.connectors import textfile
    from leadline.connectors.csv import CsvFormatError, read_csv, read_work_items
    from leadline.connectors.csv.rows import field_at, header_of

    try:
        total = max(
            0,
            textfile.count_lines(
                path, encoding, lambda before: field_at(header_of(path, encoding), before)
            )
            - 1,
        )
        if kind == "csv":
            reader = read_work_items(path, source=source or "csv", encoding=encoding)
        else:
            reader = read_csv(
                path, kind.removeprefix("csv-"), source=source or "csv", encoding=encoding
            )
    except (textfile.EncodingProblem, CsvFormatError) as error:
        raise SourceProblem(str(error)) from None
    return Source(_with_statuses(reader), total=total, reader=reader)


def _with_statuses(reader: Any) -> Iterator[Any]:
    # The CSV reader learns statuses (with their category column) while it reads.
    yield from reader


def learned_statuses(source: Source) -> list[StatusRecord]:
    """Return the statuses a CSV reader learned while reading, plus its dated-shape ones."""
    from leadline.connectors.csv import CsvReader, dated_statuses

    if not isinstance(source.reader, CsvReader):
        return []

    return list(source.reader.statuses.values()) + dated_statuses(source.reader.source)


def _git_source(path: Path, tag_pattern: str = "") -> Source:
    from leadline.connectors.git import GitRepository

    repo = GitRepository(path)

    def records() -> Iterator[Any]:
        yield from repo.commits()
        yield from repo.merges()
        yield from repo.releases()
        if tag_pattern:
            yield from repo.deployments(tag_pattern)

    return Source(records())


def connection_source(connection: Connection, secret: str, since: datetime | None) -> Source:
    """Open a connection's client and return everything it yields since ``since``."""
    kind, target = connection.kind, connection.target
    if kind == Connection.Kind.JIRA:
        from leadline.connectors.jira.client import JiraClient

        jira = JiraClient(connection.base_url, secret, email=connection.username or None)
        statuses = jira.statuses()

        def jira_items() -> Iterator[Any]:
            for batch in jira.iter_item_batches(target, since=since):
                yield from batch

        return Source(jira_items(), statuses, reader=jira)
    if kind == Connection.Kind.GITHUB:
        from leadline.connectors.github.client import GitHubClient

        gh = GitHubClient(target, secret, **_base(connection))

        def github() -> Iterator[Any]:
            yield from gh.issues(since)
            yield from gh.reviewed_pull_requests(since)
            yield from gh.deployments(since)
            yield from gh.releases(since)

        return Source(github())
    if kind == Connection.Kind.GITLAB:
        from leadline.connectors.gitlab.client import GitLabClient

        gl = GitLabClient(target, secret, **_base(connection))

        def gitlab() -> Iterator[Any]:
            yield from gl.issues(since)
            yield from gl.reviewed_merge_requests(since)
            yield from gl.deployments(since)
            yield from gl.releases(since)
            yield from gl.incidents(since)

        return Source(gitlab())
    if kind == Connection.Kind.GIT:
        return _git_source(Path(target), connection.deploy_tags.strip())
    if kind == Connection.Kind.PAGERDUTY:
        from leadline.connectors.pagerduty.client import PagerDutyClient

        services = [s.strip() for s in target.split(",") if s.strip()]
        return Source(
            PagerDutyClient(secret, service_ids=services, **_base(connection)).incidents(since)
        )
    if kind == Connection.Kind.OPSGENIE:
        from leadline.connectors.opsgenie.client import OpsgenieClient

        return Source(
            OpsgenieClient(secret, service_id=target.strip(), **_base(connection)).incidents(since)
        )
    raise SourceProblem(f"Connection kind {kind!r} cannot be synced")


def _base(connection: Connection) -> dict[str, Any]:
    return {"base_url": connection.base_url} if connection.base_url else {}
