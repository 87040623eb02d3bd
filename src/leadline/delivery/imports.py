"""The import service: normalized records in, idempotent upserts out, one transaction a batch.

Connectors yield records; this module is the only one that writes them. Every record passes
``leadline.records.check_record`` first (the one rule of every importer): one that cannot be
stored is left out and listed with where and why, and a key seen twice is reported (the last
one wins). Each batch commits on its own, and the job's checkpoint records how many batches are
in and what they wrote, so an interrupted import resumes after the last committed batch and its
result still counts the whole file. Because every write is an upsert on a natural key (and
an item's history is replaced as a whole), running an import again changes nothing, and a batch
redone after a crash leaves the same rows as if it had run once.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from leadline.records import (
    AccountRecord,
    ChangeRecord,
    DeploymentRecord,
    Impossible,
    IncidentRecord,
    ReleaseRecord,
    ReviewRecord,
    SprintRecord,
    StageCategory,
    StatusRecord,
    WorkItemRecord,
    check_record,
)
from leadline.workspaces.models import Team, Workspace

from .models import (
    Change,
    CodeAccount,
    CodeReview,
    Deployment,
    FlagPeriod,
    Incident,
    RankChange,
    Release,
    Sprint,
    SprintChange,
    StatusMapping,
    Transition,
    WorkItem,
)
from .record_fields import (
    account_fields,
    change_fields,
    deployment_fields,
    incident_fields,
    release_fields,
    review_fields,
    sprint_fields,
)

BATCH_SIZE = 500
Record = (
    WorkItemRecord
    | DeploymentRecord
    | ChangeRecord
    | ReleaseRecord
    | IncidentRecord
    | SprintRecord
    | ReviewRecord
    | AccountRecord
)

ITEM_FIELDS = [
    "team", "project", "url", "type", "title", "parent_key", "epic_key", "labels", "components",
    "assignees", "priority", "rank", "story_points", "created", "status", "resolution", "resolved",
    "updated", "sprints", "imported_at",
]  # fmt: skip
# Counts a checkpoint carries, so a resumed import reports the whole file, not the rest of it.
COUNTS = ("items", "transitions", "changes", "reviews", "accounts", "deployments", "releases",
          "incidents", "sprints")  # fmt: skip
MAX_LISTED = 20  # repeated keys named in a warning; the count is always complete


@dataclass
class ImportStats:
    """What an import wrote (counts are of records received, upserted idempotently).

    ``rejected`` lists (where, why) for records ``check_record`` refused; ``repeated`` counts
    keys that came more than once (the last one is stored) and ``repeated_keys`` names the first
    few.
    """

    items: int = 0
    transitions: int = 0
    changes: int = 0
    reviews: int = 0
    accounts: int = 0
    deployments: int = 0
    releases: int = 0
    incidents: int = 0
    sprints: int = 0
    batches: int = 0
    skipped_batches: int = 0
    new_statuses: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    repeated: int = 0
    repeated_keys: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        hidden = {"rejected", "repeated_keys"}
        return {k: v for k, v in self.__dict__.items() if v and k not in hidden}

    def counts(self) -> dict[str, int]:
        """Return what was written so far (for a checkpoint)."""
        return {name: getattr(self, name) for name in COUNTS if getattr(self, name)}

    def warnings(self) -> list[str]:
        """Return what a person should know about the import besides its counts."""
        if not self.repeated:
            return []
        names = ", ".join(self.repeated_keys)
        more = self.repeated - len(self.repeated_keys)
        return [
            f"{self.repeated} key{'s' if self.repeated != 1 else ''} came more than once "
            f"({names}{f' and {more} more' if more > 0 else ''}); the last one of each was kept"
        ]


Progress = Callable[[int, dict[str, Any]], None]


def _t(value: Any) -> Any:
    """Drop NUL characters from text (PostgreSQL rejects them; they carry no meaning)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [_t(v) for v in value]
    return value


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """Collect only young garbage while a long import runs (the caller collects per batch).

    A file's records are read whole before the first batch (a CSV's rows are grouped by item),
    so the heap grows by millions of objects that all stay alive to the end; each automatic
    full collection scans them all again (a fifth of a 100k-item import). Cycles are collected
    with ``gc.collect(1)`` after each batch; what survives is released by reference counting
    when the import ends, and the collector is back as it was.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _identity(record: Record) -> tuple[str, str, str]:
    if isinstance(record, WorkItemRecord):
        return ("item", record.source, record.key)
    return (type(record).__name__, record.source, record.external_id)


def where(record: Record) -> str:
    """Name a record the way a person would look for it (``item PROJ-12``, ``deployment 42``)."""
    kind, _source, ident = _identity(record)
    noun = {"DeploymentRecord": "deployment", "IncidentRecord": "incident",
            "ChangeRecord": "change", "ReleaseRecord": "release", "SprintRecord": "sprint",
            "ReviewRecord": "review", "AccountRecord": "account"}  # fmt: skip
    return f"{noun.get(kind, kind)} {ident.replace(chr(0), '<NUL>')}"


def _admit(
    batch: list[Record], stats: ImportStats, seen: set[tuple[str, str, str]]
) -> list[Record]:
    """Keep the records that can be stored; note the rest and any key seen before."""
    kept: list[Record] = []
    for record in batch:
        try:
            check_record(record)
        except Impossible as why:
            stats.rejected.append((where(record), str(why)))
            continue
        identity = _identity(record)
        if identity in seen:
            stats.repeated += 1
            if len(stats.repeated_keys) < MAX_LISTED:
                stats.repeated_keys.append(identity[2])
        else:
            seen.add(identity)
        kept.append(record)
    return kept


def import_records(
    workspace: Workspace,
    records: Iterable[Record],
    *,
    team: Team | None = None,
    statuses: Iterable[StatusRecord] = (),
    start_batch: int = 0,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    counted: dict[str, int] | None = None,
) -> ImportStats:
    """Upsert ``records`` in batches; skip the first ``start_batch`` batches (already stored).

    ``progress(batches_done, checkpoint)`` is called after each committed batch; the checkpoint
    carries the counts so far, which a resumed run passes back as ``counted``. Skipped batches
    are still read and checked, so rejected records and repeated keys cover the whole source.
    A database error inside a batch rolls back that batch only; earlier batches stay stored.
    """
    stats = ImportStats()
    for name, value in (counted or {}).items():
        if name in COUNTS:
            setattr(stats, name, int(value))
    known = {(s.source, s.name): s for s in statuses}
    seen: set[tuple[str, str, str]] = set()
    with _young_collections_only():
        for number, raw in enumerate(_batches(records, batch_size)):
            batch = _admit(raw, stats, seen)
            gc.collect(1)
            if number < start_batch:
                stats.skipped_batches += 1
                continue
            if batch:
                with transaction.atomic():
                    _write_batch(workspace, team, batch, known, stats)
            stats.batches = number + 1
            if progress is not None:
                progress(number + 1, {"batch": number + 1, "counts": stats.counts()})
    if stats.transitions + stats.items >= REFRESH_STATISTICS_ROWS:
        refresh_statistics()
    return stats


REFRESH_STATISTICS_ROWS = 1_000


def refresh_statistics() -> None:
    """Let the database's query planner see what a large import changed.

    Without it PostgreSQL plans a team's history read for the empty tables it last analysed
    (a nested loop and a sort spilling to disk: measured 2x slower on 10k items). SQLite's
    ``PRAGMA optimize`` analyses only where its planner would benefit.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE delivery_workitem, delivery_transition")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")


def _write_batch(
    workspace: Workspace,
    team: Team | None,
    batch: list[Record],
    known: dict[tuple[str, str], StatusRecord],
    stats: ImportStats,
) -> None:
    items = [r for r in batch if isinstance(r, WorkItemRecord)]
    if items:
        _upsert_items(workspace, team, items, known, stats)
    simple: list[tuple[type, Any, Callable[[Any], dict[str, Any]], str]] = [
        (ChangeRecord, Change, change_fields, "changes"),
        (ReviewRecord, CodeReview, review_fields, "reviews"),
        (AccountRecord, CodeAccount, account_fields, "accounts"),
        (DeploymentRecord, Deployment, deployment_fields, "deployments"),
        (ReleaseRecord, Release, release_fields, "releases"),
        (IncidentRecord, Incident, incident_fields, "incidents"),
        (SprintRecord, Sprint, sprint_fields, "sprints"),
    ]
    described = [s for item in items for s in item.sprint_details]  # sprints items describe
    now = timezone.now()
    for record_type, model, to_fields, counter in simple:
        rows: list[Any] = [r for r in batch if isinstance(r, record_type)]
        if record_type is SprintRecord:
            rows = [*described, *rows]  # a sprint record of its own wins over a description
        if not rows:
            continue
        # Last one wins when a batch holds the same record twice (a source repeating itself).
        by_id = {r.external_id: r for r in rows}
        objs = [
            model(
                workspace=workspace,
                team=team,
                source=r.source,
                external_id=_t(i),
                imported_at=now,
                **{k: _t(v) for k, v in to_fields(r).items()},
            )
            for i, r in by_id.items()
        ]
        update = ["team", "imported_at", *to_fields(rows[0]).keys()]
        model.objects.bulk_create(
            objs,
            update_conflicts=True,
            unique_fields=["workspace", "source", "external_id"],
            update_fields=update,
        )
        setattr(stats, counter, getattr(stats, counter) + len(objs))


def _upsert_items(
    workspace: Workspace,
    team: Team | None,
    records: list[WorkItemRecord],
    known: dict[tuple[str, str], StatusRecord],
    stats: ImportStats,
) -> None:
    by_key = {(r.source, r.key): r for r in records}
    objs = [
        WorkItem(
            workspace=workspace,
            team=team,
            source=_t(r.source),
            key=_t(r.key),
            project=_t(r.project),
            url=_t(r.url),
            type=_t(r.type),
            title=_t(r.title[:500]),
            parent_key=_t(r.parent_key),
            epic_key=_t(r.epic_key),
            labels=_t(list(r.labels)),
            components=_t(list(r.components)),
            assignees=_t(list(r.assignees)),
            priority=_t(r.priority),
            rank=_t(r.rank),
            story_points=r.story_points,
            created=r.created,
            status=_t(r.status),
            resolution=_t(r.resolution),
            resolved=r.resolved,
            updated=r.updated,
            sprints=_t(list(r.sprints)),
        )
        for r in by_key.values()
    ]
    WorkItem.objects.bulk_create(
        objs,
        update_conflicts=True,
        unique_fields=["workspace", "source", "key"],
        update_fields=ITEM_FIELDS,
    )
    ids: dict[tuple[str, str], int] = {}
    for source in {s for s, _ in by_key}:
        keys = [k for s, k in by_key if s == source]
        for key, pk in WorkItem.objects.filter(
            workspace=workspace, source=source, key__in=keys
        ).values_list("key", "id"):
            ids[(source, key)] = pk
    item_ids = list(ids.values())
    # An item's history is replaced whole: a changed history in the source shows up as is.
    Transition.objects.filter(item_id__in=item_ids).delete()
    FlagPeriod.objects.filter(item_id__in=item_ids).delete()
    SprintChange.objects.filter(item_id__in=item_ids).delete()
    RankChange.objects.filter(item_id__in=item_ids).delete()
    transitions: list[tuple[Any, ...]] = []
    flags: list[tuple[Any, ...]] = []
    sprint_changes: list[tuple[Any, ...]] = []
    rank_changes: list[tuple[Any, ...]] = []
    at = connection.ops.adapt_datetimefield_value
    for ident, r in by_key.items():
        pk = ids[ident]
        for seq, t in enumerate(sorted(r.transitions, key=lambda t: t.at)):
            transitions.append(
                (
                    pk,
                    seq,
                    at(t.at),
                    _t(t.from_status),
                    _t(t.to_status),
                    _t(t.by[:200]),
                    _t(t.external_id[:100]),
                )
            )
        flags += [(pk, at(f.start), at(f.end), _t(f.reason[:300])) for f in r.flags]
        sprint_changes += [(pk, _t(s.sprint[:200]), at(s.at), s.added) for s in r.sprint_changes]
        rank_changes += [
            (pk, at(c.at), c.kind, _t(c.from_value[:200]), _t(c.to_value[:200]))
            for c in r.rank_changes
        ]
    # History rows are the bulk of an import: plain parameterised INSERTs, no model instances.
    _insert(
        Transition,
        ["item_id", "seq", "at", "from_status", "to_status", "by", "external_id"],
        transitions,
    )
    _insert(FlagPeriod, ["item_id", "start", "end", "reason"], flags)
    _insert(SprintChange, ["item_id", "sprint", "at", "added"], sprint_changes)
    _insert(RankChange, ["item_id", "at", "kind", "from_value", "to_value"], rank_changes)
    stats.items += len(objs)
    stats.transitions += len(transitions)
    seen: dict[tuple[str, str, str], StageCategory | None] = {}
    for r in by_key.values():
        for status in {r.status, *(t.to_status for t in r.transitions)}:
            record = known.get((r.source, status))
            seen[(r.source, r.project, status)] = record.category if record else None
    # New statuses get their positions in flow order: within a category the stages of a
    # workflow (and the bands of the cumulative flow) follow how items move through them.
    order = flow_order(by_key.values())
    ranked = sorted(seen.items(), key=lambda kv: (order[(kv[0][0], kv[0][2])], kv[0]))
    stats.new_statuses += ensure_statuses(workspace, dict(ranked), known)


def flow_order(records: Iterable[WorkItemRecord]) -> dict[tuple[str, str], float]:
    """Return, per (source, status), where it usually comes in an item's history: the mean
    position of its first appearance (the status an item was created in counts as the first).

    Trackers do not tell their board's column order; the histories do. A status that some items
    skip or return to still ranks by where most items meet it.
    """
    total: dict[tuple[str, str], float] = {}
    count: dict[tuple[str, str], int] = {}
    for r in records:
        first = r.transitions[0].from_status if r.transitions else None
        path = [first] if first else []
        path += [t.to_status for t in r.transitions] + [r.status]
        for i, status in enumerate(dict.fromkeys(path)):
            total[(r.source, status)] = total.get((r.source, status), 0.0) + i
            count[(r.source, status)] = count.get((r.source, status), 0) + 1
    return {k: total[k] / count[k] for k in total}


def _insert(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert ``rows`` into ``model``'s table with one parameterised statement per row batch."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def ensure_statuses(
    workspace: Workspace,
    seen: dict[tuple[str, str, str], StageCategory | None],
    known: dict[tuple[str, str], StatusRecord] | None = None,
) -> list[str]:
    """Create a mapping row for every status not yet known (unmapped when its category is).

    Statuses are mapped per source (``project`` left blank) unless a project-specific row
    exists. A mapping a person edited is never overwritten; an unmapped default is filled in
    once the tracker tells its category. Returns the statuses that were new.
    """
    known = known or {}
    existing = {
        (m.source, m.status): m
        for m in StatusMapping.objects.filter(
            workspace=workspace, source__in={s for s, _, _ in seen}
        )
    }
    new: list[str] = []
    created: list[StatusMapping] = []
    for (source, _project, status), category in seen.items():
        mapping = existing.get((source, status))
        if mapping is None:
            waiting = bool(known.get((source, status)) and known[(source, status)].waiting)
            row = StatusMapping(
                workspace=workspace,
                source=source,
                project="",
                status=status,
                category=category.value if category else None,
                source_category=category.value if category else "",
                waiting=waiting,
                position=len(existing) + len(created),
            )
            existing[(source, status)] = row
            created.append(row)
            new.append(status)
        elif mapping.category is None and category is not None and not mapping.edited:
            StatusMapping.objects.filter(pk=mapping.pk).update(
                category=category.value, source_category=category.value
            )
            mapping.category = category.value
    StatusMapping.objects.bulk_create(created, ignore_conflicts=True)
    return new
