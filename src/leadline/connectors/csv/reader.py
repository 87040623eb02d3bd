"""Stream records out of the documented CSV formats, with precise errors and rejected rows.

A row that cannot be read (a bad date, a missing required value) raises :class:`CsvRowError`
naming the file, line and field, or, with ``strict=False``, is kept in ``rejected``. A row that
reads fine but cannot be stored (``leadline.records.check_record``: finished before created, a
date outside ``leadline.bounds``, a NUL in its key) or that holds a cell too large to be a value
is always kept in ``rejected`` with its reason and never yielded: the caller decides whether to
import the rest. A file that is not text in its encoding raises :class:`CsvFormatError` naming
the line, column and field (``leadline.connectors.textfile``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from pathlib import Path
from typing import Any, TextIO

from leadline.bounds import OutOfRange, to_utc
from leadline.connectors import textfile
from leadline.connectors.csv.rows import (
    MAX_CELL,
    RowLines,
    field_at,
    header_of,
    too_long,
    unreadable,
)
from leadline.connectors.csv.spec import Column, columns
from leadline.csvsafe import restore
from leadline.records import (
    DeploymentRecord,
    Impossible,
    IncidentRecord,
    StageCategory,
    StatusRecord,
    TransitionRecord,
    WorkItemRecord,
    check_order,
    check_record,
)

Record = WorkItemRecord | DeploymentRecord | IncidentRecord | date

# The statuses the dated work-item shape produces, so its items map without configuration.
BACKLOG, ACTIVE, DONE, REMOVED = "Backlog", "In Progress", "Done", "Removed"
_DEPLOY_STATUS = {
    "success": ("success", "succeeded", "successful", "ok", "passed", "completed", "deployed"),
    "failure": ("failure", "failed", "error", "errored"),
    "cancelled": ("cancelled", "canceled", "aborted", "skipped"),
    "in_progress": ("in_progress", "in progress", "running", "deploying", "started"),
    "queued": ("queued", "pending", "waiting", "created"),
    "rolled_back": ("rolled_back", "rolled back", "rollback", "reverted"),
}
_STATUS_WORD = {word: status for status, words in _DEPLOY_STATUS.items() for word in words}
_TRUE, _FALSE = {"true", "yes", "y", "1"}, {"false", "no", "n", "0", ""}


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing...)."""


class CsvRowError(ValueError):
    """One row cannot be read; the message names the file, line and field."""

    def __init__(self, file: str, line: int, field: str, problem: str) -> None:
        super().__init__(f"{file} line {line}, field {field!r}: {problem}")
        self.file, self.line, self.field = file, line, field


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row left out of the import, with the reason a person can act on."""

    file: str
    line: int
    reason: str
    row: dict[str, str] = field(default_factory=dict)


def dated_statuses(source: str = "csv", project: str = "") -> list[StatusRecord]:
    """Return the statuses (and categories) items from the dated shape move through."""
    return [
        StatusRecord(source, project, BACKLOG, StageCategory.BACKLOG),
        StatusRecord(source, project, ACTIVE, StageCategory.ACTIVE),
        StatusRecord(source, project, DONE, StageCategory.DONE),
        StatusRecord(source, project, REMOVED, StageCategory.REMOVED),
    ]


class CsvReader:
    """Read one CSV file of a kind; iterate ``batches()``, then look at ``rejected``."""

    def __init__(
        self,
        path: str | Path,
        kind: str,
        *,
        source: str = "csv",
        tz: tzinfo = UTC,
        strict: bool = True,
        encoding: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.encoding = encoding
        self.name = self.path.name
        self.kind = kind
        self.spec = columns(kind)
        self.source = source
        self.tz = tz
        self.strict = strict
        self.rejected: list[RejectedRow] = []
        self._header: list[str] | None = None
        self.statuses: dict[str, StatusRecord] = {}
        self.rows_read = 0

    def batches(self, size: int = 500) -> Iterator[list[Record]]:
        """Yield records in lists of at most ``size``, reading the file once, row by row."""
        batch: list[Record] = []
        for record in self:
            batch.append(record)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def __iter__(self) -> Iterator[Record]:
        codec = textfile.codec_for(self.path, self.encoding)
        try:
            yield from self._read(codec)
        except UnicodeDecodeError:
            raise CsvFormatError(textfile.describe(self.path, codec, self._field_at)) from None

    def _field_at(self, before: str) -> str:
        return field_at(self._header or header_of(self.path, self.encoding), before)

    def _read(self, codec: str) -> Iterator[Record]:
        with self.path.open(newline="", encoding=codec) as handle:
            if self.kind == "transitions":
                yield from self._transitions(handle)
                return
            convert: Callable[[int, dict[str, str]], Record]
            if self.kind == "work_items":
                convert = self._work_item
            elif self.kind == "deployments":
                convert = self._deployment
            elif self.kind == "incidents":
                convert = self._incident
            else:
                convert = self._finish_date
            for line, row in self._rows(handle):
                try:
                    record = convert(line, row)
                    if not isinstance(record, date):
                        check_record(record)
                    yield record
                except Impossible as why:
                    self.rejected.append(RejectedRow(self.name, line, str(why), row))
                except CsvRowError as error:
                    if self.strict:
                        raise
                    self.rejected.append(RejectedRow(self.name, line, str(error), row))

    # -- rows ---------------------------------------------------------------------------------

    def _rows(self, handle: TextIO) -> Iterator[tuple[int, dict[str, str]]]:
        lines = RowLines(handle)
        reader = csv.reader(lines)
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise CsvFormatError(
                f"{self.name} line 1: the header is not readable ({error})"
            ) from None
        if header is None:
            raise CsvFormatError(f"{self.name}: the file is empty")
        self._header = header
        lookup = self._header_map(header)
        if lookup is None:  # a headerless throughput file: the first line is data
            lookup = {"finished": 0}
            yield 1, {"finished": header[0].strip() if header else ""}
        while True:
            lines.text.clear()
            try:
                raw = next(reader)
            except StopIteration:
                return
            except csv.Error as error:  # one unreadable row; the rows around it still count
                self.rows_read += 1
                reason = unreadable(header, "".join(lines.text), error)
                self.rejected.append(RejectedRow(self.name, reader.line_num, reason))
                continue
            line = reader.line_num
            if not any(cell.strip() for cell in raw):
                continue
            self.rows_read += 1
            # Our own limit: the csv module's is process-wide and another library may raise it.
            long = next((i for i, cell in enumerate(raw) if len(cell) > MAX_CELL), None)
            if long is not None:
                name = header[long].strip() if long < len(header) else f"column {long + 1}"
                self.rejected.append(RejectedRow(self.name, line, too_long(name)))
                continue
            # A quote Leadline's own export put before a formula-like cell comes off (csvsafe).
            yield (
                line,
                {
                    name: restore(raw[i].strip()) if i < len(raw) else ""
                    for name, i in lookup.items()
                },
            )

    def _header_map(self, header: list[str]) -> dict[str, int] | None:
        cells = [h.strip().lower() for h in header]
        if self.kind == "throughput" and len(cells) == 1 and _looks_like_date(cells[0]):
            return None
        found: dict[str, int] = {}
        for column in self.spec:
            for name in (column.name, *column.aliases):
                if name in cells:
                    found[column.name] = cells.index(name)
                    break
        missing = [c.name for c in self.spec if c.required and c.name not in found]
        if self.kind == "throughput" and missing and len(cells) == 1:
            found, missing = {"finished": 0}, []
        if missing:
            raise CsvFormatError(
                f"{self.name}: missing required column(s) {', '.join(missing)} "
                f"(found: {', '.join(header)}); see the {self.kind} template"
            )
        return found

    # -- typed cells --------------------------------------------------------------------------

    def _text(self, line: int, row: dict[str, str], name: str) -> str:
        value = row.get(name, "")
        if not value and self._column(name).required:
            raise CsvRowError(self.name, line, name, "is required but empty")
        return value

    def _date(self, line: int, row: dict[str, str], name: str) -> datetime | None:
        value = self._text(line, row, name)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if " " in value else value)
        except ValueError:
            raise CsvRowError(
                self.name,
                line,
                name,
                f"{value!r} is not a date (expected YYYY-MM-DD or ISO 8601)",
            ) from None
        if len(value) == 10:  # a plain date: midnight in the import's zone
            parsed = datetime.combine(parsed.date(), time(), self.tz)
        elif parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.tz)
        try:
            return to_utc(parsed)
        except OutOfRange as error:  # year 0001, 9999-12-31 as "never": the row is rejected
            raise Impossible(name, f"{name} {error}; not imported") from None

    def _number(self, line: int, row: dict[str, str], name: str) -> float | None:
        value = self._text(line, row, name)
        if not value:
            return None
        try:
            return float(value)
        except ValueError:
            raise CsvRowError(self.name, line, name, f"{value!r} is not a number") from None

    def _bool(self, line: int, row: dict[str, str], name: str) -> bool | None:
        value = self._text(line, row, name).lower()
        if name not in row:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise CsvRowError(self.name, line, name, f"{value!r} is not true/false")

    def _column(self, name: str) -> Column:
        return next(c for c in self.spec if c.name == name)

    # -- kinds --------------------------------------------------------------------------------

    def _item_base(self, line: int, row: dict[str, str]) -> WorkItemRecord:
        key = self._text(line, row, "key")
        created = self._date(line, row, "created")
        assert created is not None  # required
        assignee = row.get("assignee", "")
        return WorkItemRecord(
            source=self.source,
            key=key,
            title=row.get("title") or key,
            created=created,
            status="",
            project=row.get("project", ""),
            url=row.get("url", ""),
            type=row.get("type", ""),
            parent_key=row.get("parent", ""),
            epic_key=row.get("epic", ""),
            labels=[s.strip() for s in row.get("labels", "").split(";") if s.strip()],
            assignees=[assignee] if assignee else [],
            story_points=self._number(line, row, "story_points"),
        )

    def _work_item(self, line: int, row: dict[str, str]) -> WorkItemRecord:
        item = self._item_base(line, row)
        started = self._date(line, row, "started")
        finished = self._date(line, row, "finished")
        removed = bool(self._bool(line, row, "removed"))
        check_order(("created", item.created), ("started", started), ("finished", finished))
        item.transitions.append(TransitionRecord(item.key, item.created, None, BACKLOG))
        last = BACKLOG
        if started:
            item.transitions.append(TransitionRecord(item.key, started, last, ACTIVE))
            last = ACTIVE
        if finished:
            end = REMOVED if removed else DONE
            item.transitions.append(TransitionRecord(item.key, finished, last, end))
            last = end
            item.resolved = finished
        item.status = row.get("status") or last
        return item

    def _transitions(self, handle: TextIO) -> Iterator[WorkItemRecord]:
        items: dict[str, WorkItemRecord] = {}
        for line, row in self._rows(handle):
            try:
                item = self._item_base(line, row)
                status = self._text(line, row, "status")
                at = self._date(line, row, "at")
                assert at is not None  # required
                category = row.get("category", "").lower()
                if category and category not in StageCategory._value2member_map_:
                    raise CsvRowError(
                        self.name,
                        line,
                        "category",
                        f"{category!r} is not one of backlog, active, done, removed",
                    )
                check_order(("created", item.created), ("at", at))
                check_record(item)
            except Impossible as why:
                self.rejected.append(RejectedRow(self.name, line, str(why), row))
                continue
            except CsvRowError as error:
                if self.strict:
                    raise
                self.rejected.append(RejectedRow(self.name, line, str(error), row))
                continue
            if category:
                self.statuses[status] = StatusRecord(
                    self.source, item.project, status, StageCategory(category)
                )
            current = items.setdefault(item.key, item)
            current.transitions.append(TransitionRecord(item.key, at, None, status))
        for item in items.values():
            item.transitions.sort(key=lambda t: t.at)
            # The first row is the first status known; nothing is invented before it.
            chained = [item.transitions[0]]
            previous = item.transitions[0].to_status
            for t in item.transitions[1:]:
                chained.append(TransitionRecord(item.key, t.at, previous, t.to_status))
                previous = t.to_status
            item.transitions = chained
            item.status = previous
            yield item

    def _deployment(self, line: int, row: dict[str, str]) -> DeploymentRecord:
        raw = self._text(line, row, "status")
        status = _STATUS_WORD.get(raw.lower(), "other")
        started = self._date(line, row, "started")
        finished = self._date(line, row, "finished")
        if started is None and finished is None:
            raise CsvRowError(self.name, line, "finished", "started or finished must be given")
        check_order(("started", started), ("finished", finished))
        environment = self._text(line, row, "environment")
        production = self._bool(line, row, "production")
        return DeploymentRecord(
            source=self.source,
            external_id=self._text(line, row, "id"),
            service=self._text(line, row, "service"),
            environment=environment,
            status=status,
            raw_status=raw,
            started=started,
            finished=finished,
            sha=row.get("sha", ""),
            ref=row.get("ref", ""),
            url=row.get("url", ""),
            is_production=production
            if production is not None
            else environment.lower() in ("prod", "production", "live", "prd"),
            change_ids=[s.strip() for s in row.get("changes", "").split(";") if s.strip()],
        )

    def _incident(self, line: int, row: dict[str, str]) -> IncidentRecord:
        started = self._date(line, row, "started")
        assert started is not None  # required
        detected = self._date(line, row, "detected")
        resolved = self._date(line, row, "resolved")
        check_order(("started", started), ("detected", detected))
        check_order(("started", started), ("resolved", resolved))
        return IncidentRecord(
            source=self.source,
            external_id=self._text(line, row, "id"),
            title=row.get("title", ""),
            service=self._text(line, row, "service"),
            severity=row.get("severity", ""),
            started=started,
            detected=detected,
            resolved=resolved,
            status=row.get("status", ""),
            url=row.get("url", ""),
            deployment_id=row.get("deployment", ""),
            change_id=row.get("change", ""),
        )

    def _finish_date(self, line: int, row: dict[str, str]) -> date:
        finished = self._date(line, row, "finished")
        assert finished is not None  # required
        return finished.date()


def _looks_like_date(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def read_csv(path: str | Path, kind: str, **options: Any) -> CsvReader:
    """Open a CSV file of a kind for reading; iterate it or its ``batches()``."""
    return CsvReader(path, kind, **options)


def read_work_items(path: str | Path, **options: Any) -> CsvReader:
    """Open a work-item CSV, choosing the transitions shape when it has an ``at`` column."""
    path = Path(path)
    try:
        with textfile.open_text(path, options.get("encoding")) as handle:
            header = [h.strip().lower() for h in next(csv.reader(handle), [])]
    except UnicodeDecodeError:
        encoding = options.get("encoding")
        codec = textfile.codec_for(path, encoding)
        header = header_of(path, encoding)
        raise CsvFormatError(
            textfile.describe(path, codec, lambda before: field_at(header, before))
        ) from None
    except (csv.Error, textfile.EncodingProblem) as error:
        raise CsvFormatError(
            f"{path.name}: {error}" if path.name not in str(error) else str(error)
        ) from None
    at = next(c for c in columns("transitions") if c.name == "at")
    kind = "transitions" if any(n in header for n in (at.name, *at.aliases)) else "work_items"
    return CsvReader(path, kind, **options)
