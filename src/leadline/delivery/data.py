"""Services behind the delivery data pages and API: uploads, connections, status mappings.

Pages and API handlers are a few lines over these functions, so both apply the same checks.
A connection's credential goes in through :func:`save_connection` only, is encrypted there, and
never comes back out except to the sync job (``leadline.delivery.jobs``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from leadline.connectors import outbound
from leadline.crypto import encrypt
from leadline.filemodes import open_private, private_folder
from leadline.jobs.models import FINISHED, Job
from leadline.jobs.services import start_job
from leadline.records import StageCategory
from leadline.workspaces.models import Role, Team
from leadline.workspaces.services import Access, audit

from .jobs import start_import
from .models import Connection, StatusMapping, WorkItem
from .sources import FILE_KINDS

# Kinds a person may upload (a git repository is read from a path, by a connection or the CLI).
UPLOAD_KINDS = {k: v for k, v in FILE_KINDS.items() if k != "git"}
UPLOAD_SUFFIX = {"jira-json": ".json", "csv": ".csv", "csv-deployments": ".csv"}
# The CSV formats documented on the page, per upload kind (connectors.csv.spec kinds).
CSV_DOCS = {"work_items": "csv", "transitions": "csv", "deployments": "csv-deployments",
            "incidents": "csv-incidents"}  # fmt: skip
CATEGORIES = [c.value for c in StageCategory]
CONNECTION_FIELDS = [
    "kind", "name", "team", "base_url", "target", "username", "schedule", "deploy_tags",
]  # fmt: skip
SYNC_KIND = "delivery.sync"


def upload_limit() -> int:
    """Return the largest accepted upload in bytes (``LEADLINE_UPLOAD_MAX_MB``)."""
    return int(settings.UPLOAD_MAX_MB) * 1024 * 1024


def uploads_dir(access: Access) -> Path:
    """Return (creating it) the folder a workspace's uploads are kept in."""
    private_folder(Path(settings.HOME) / "uploads")
    return private_folder(Path(settings.HOME) / "uploads" / access.workspace.slug)


def save_upload(access: Access, kind: str, name: str, size: int | None, chunks: Any) -> Path:
    """Store an uploaded file under a generated name and return its path.

    The client's file name only contributes a slugified hint to the generated name, never a
    directory or an extension. A file over the limit, or of an unknown kind, is refused.
    """
    if kind not in UPLOAD_KINDS:
        raise ValidationError(
            {"kind": f"Unknown kind {kind!r}; use one of {', '.join(UPLOAD_KINDS)}"}
        )
    limit = upload_limit()
    if size is not None and size > limit:
        raise ValidationError(
            {"file": f"The file is {size / 1e6:.1f} MB; the limit is {settings.UPLOAD_MAX_MB} MB "
                     "(LEADLINE_UPLOAD_MAX_MB)."}
        )  # fmt: skip
    # Short on purpose: the name is also the import's source label (32 characters at most).
    hint = slugify(Path(name or "upload").stem)[:16].strip("-_") or "upload"
    path = uploads_dir(access) / f"{uuid4().hex[:10]}-{hint}{UPLOAD_SUFFIX.get(kind, '.csv')}"
    written = 0
    with open_private(path) as out:
        for chunk in chunks:
            written += len(chunk)
            if written > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise ValidationError(
                    {"file": f"The file is over the {settings.UPLOAD_MAX_MB} MB limit."}
                )
            out.write(chunk)
    if written == 0:
        path.unlink(missing_ok=True)
        raise ValidationError({"file": "The file is empty."})
    return path


def import_upload(
    access: Access, kind: str, uploaded: Any, team: Team | None, user: Any = None
) -> Job:
    """Save an uploaded file and start importing it into the workspace (lead role).

    ``uploaded`` is a Django UploadedFile (``name``, ``size``, ``chunks()``).
    """
    access.require(Role.LEAD)
    if team is not None and team.workspace_id != access.workspace.pk:
        raise ValidationError({"team": "That team belongs to another workspace."})
    path = save_upload(access, kind, uploaded.name or "", uploaded.size, uploaded.chunks())
    job = start_import(access.workspace, kind, str(path), team, user)
    audit(
        access.workspace, user, "import", job,
        f"Uploaded {Path(uploaded.name or '').name[:100]} ({kind})"
        + (f" for {team.name}" if team else ""),
    )  # fmt: skip
    return job


# --- Connections ----------------------------------------------------------------------------
@transaction.atomic
def save_connection(
    access: Access,
    data: dict[str, Any],
    credential: str | None = None,
    connection: Connection | None = None,
    user: Any = None,
) -> Connection:
    """Create or update a connection (lead role); a non-empty ``credential`` replaces the stored one.

    The credential is encrypted before it is stored and appears in no audit entry or message;
    ``None`` or an empty string keeps the current one.
    """
    access.require(Role.LEAD)
    team = data.get("team")
    if team is not None and team.workspace_id != access.workspace.pk:
        raise ValidationError({"team": "That team belongs to another workspace."})
    creating = connection is None
    conn = connection or Connection(workspace=access.workspace)
    before = {f: _field_value(conn, f) for f in CONNECTION_FIELDS}
    for name in CONNECTION_FIELDS:
        if name in data:
            setattr(conn, name, data[name] if data[name] is not None else _blank(name))
    if credential:
        conn.secret = encrypt(credential)
    conn.full_clean(exclude=["workspace", "secret"])
    check_base_url(conn.base_url)
    conn.save()
    after = {f: _field_value(conn, f) for f in CONNECTION_FIELDS}
    changes: dict[str, Any] = {f: [before[f], after[f]] for f in after if before[f] != after[f]}
    if credential:
        changes["credential"] = ["…", "replaced"]  # that it changed, never what it is
    audit(
        access.workspace, user, "create" if creating else "update", conn,
        f"{'Added' if creating else 'Updated'} connection {conn.name}", changes,
    )  # fmt: skip
    return conn


def check_base_url(url: str) -> None:
    """Refuse a base URL the outbound policy would refuse (before any sync tries it).

    Checked by what the URL says (scheme, an internal address, a local name); the addresses a
    name resolves to are checked at each sync, when it connects.
    """
    if not url:
        return
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValidationError({"base_url": "Give the whole URL, like https://jira.example.com"})
    try:
        outbound.policy().check_url(parts.scheme, parts.hostname)
    except outbound.Blocked as refused:
        raise ValidationError({"base_url": str(refused)}) from None


def _blank(name: str) -> Any:
    return None if name == "team" else ""


def _field_value(conn: Connection, name: str) -> Any:
    if name == "team":
        return conn.team.slug if conn.team_id and conn.team else None
    return getattr(conn, name)


def delete_connection(access: Access, connection: Connection, user: Any = None) -> None:
    """Delete a connection and its stored credential (lead role); imported data stays."""
    access.require(Role.LEAD)
    audit(access.workspace, user, "delete", connection, f"Deleted connection {connection.name}")
    connection.delete()


def active_sync(connection: Connection) -> Job | None:
    """Return the connection's queued or running sync job, if there is one."""
    return (
        Job.objects.filter(kind=SYNC_KIND, params__connection=connection.pk)
        .exclude(status__in=FINISHED)
        .order_by("-created_at")
        .first()
    )


def sync_jobs(connection: Connection, limit: int = 10) -> list[Job]:
    """Return the connection's newest sync jobs."""
    return list(
        Job.objects.filter(kind=SYNC_KIND, params__connection=connection.pk).order_by(
            "-created_at"
        )[:limit]
    )


def start_sync(
    connection: Connection, user: Any = None, now: datetime | None = None
) -> tuple[Job | None, bool]:
    """Start a sync job for ``connection`` unless one is already queued or running.

    Returns ``(job, started)``: the new job and True, or the active job and False. The job is
    None (and started False) when another process claimed the connection at the same moment.
    The claim is a conditional update of ``last_sync_requested_at``, so two callers never both
    start a job.
    """
    running = active_sync(connection)
    if running is not None:
        return running, False
    now = now or timezone.now()
    claimed = Connection.objects.filter(
        pk=connection.pk, last_sync_requested_at=connection.last_sync_requested_at
    ).update(last_sync_requested_at=now)
    if not claimed:
        return active_sync(connection), False
    connection.last_sync_requested_at = now
    job = start_job(
        SYNC_KIND,
        title=f"Sync {connection.name}",
        params={"connection": connection.pk, "workspace": connection.workspace.slug},
        workspace=connection.workspace,
        user=user,
    )
    return job, True


# --- Status mappings ------------------------------------------------------------------------
def update_mapping(
    access: Access,
    mapping: StatusMapping,
    category: str | None,
    waiting: bool | None = None,
    user: Any = None,
) -> StatusMapping:
    """Map a status to a stage category (None = unmapped) and/or set its waiting flag (lead).

    The row is marked edited, so later imports never overwrite it.
    """
    access.require(Role.LEAD)
    if mapping.workspace_id != access.workspace.pk:
        raise ValidationError({"status": "That status belongs to another workspace."})
    if category is not None and category not in CATEGORIES:
        raise ValidationError(
            {"category": f"Unknown category {category!r}; use one of {', '.join(CATEGORIES)}"}
        )
    changes: dict[str, Any] = {}
    if category != mapping.category:
        changes["category"] = [mapping.category, category]
        mapping.category = category
    if waiting is not None and waiting != mapping.waiting:
        changes["waiting"] = [mapping.waiting, waiting]
        mapping.waiting = waiting
    mapping.edited = True
    mapping.save(update_fields=["category", "waiting", "edited"])
    if changes:
        audit(
            access.workspace, user, "update", mapping,
            f"Mapped status {mapping.status} ({mapping.source}) to {mapping.category or 'unmapped'}"
            + (" (waiting)" if mapping.waiting else ""),
            changes,
        )  # fmt: skip
    return mapping


def apply_jam_workflow(access: Access, path: Path, name: str, user: Any = None) -> dict[str, Any]:
    """Map statuses from a jira-agile-metrics config's Workflow section (lead role).

    Columns up to the backlog column map to backlog, from the done column on to done, and the
    columns between to active. Statuses the config does not name are left alone. Returns
    ``{"mapped": [...], "unchanged": n, "not_seen": [...]}``.
    """
    from leadline.connectors.jira.jam_config import read_workflow

    access.require(Role.LEAD)
    workflow = read_workflow(path)
    names = [c.name for c in workflow.columns]
    backlog, done = names.index(workflow.backlog_column), names.index(workflow.done_column)
    wanted: dict[str, str] = {}
    for index, column in enumerate(workflow.columns):
        category = "backlog" if index <= backlog else "done" if index >= done else "active"
        for status in column.statuses:
            wanted[status.casefold()] = category
    mapped: list[str] = []
    unchanged = 0
    seen: set[str] = set()
    with transaction.atomic():
        for mapping in StatusMapping.objects.filter(workspace=access.workspace):
            goal = wanted.get(mapping.status.casefold())
            if goal is None:
                continue
            seen.add(mapping.status.casefold())
            if mapping.category == goal:
                unchanged += 1
                continue
            old = mapping.category
            mapping.category, mapping.edited = goal, True
            mapping.save(update_fields=["category", "edited"])
            mapped.append(f"{mapping.status}: {old or 'unmapped'} → {goal}")
    not_seen = sorted(s for s in wanted if s not in seen)
    audit(
        access.workspace, user, "update", None,
        f"Mapped {len(mapped)} statuses from {Path(name).name[:100]}", {"mapped": mapped},
    )  # fmt: skip
    return {"mapped": mapped, "unchanged": unchanged, "not_seen": not_seen}


# --- Data quality ---------------------------------------------------------------------------
NOT_ITEMS = {"unmapped_statuses", "rejected_rows"}


def link_examples(report: dict[str, Any], workspace: Any) -> dict[str, Any]:
    """Add each example's item ``url`` (empty when the item has none) to a quality report."""
    keys = {
        e["key"] for c in report["checks"] if c["check"] not in NOT_ITEMS for e in c["examples"]
    }
    urls = dict(
        WorkItem.objects.filter(workspace=workspace, key__in=keys)
        .exclude(url="")
        .values_list("key", "url")
    )
    for check in report["checks"]:
        for example in check["examples"]:
            url = "" if check["check"] in NOT_ITEMS else urls.get(example["key"], "")
            # Only web links: a URL from an imported file could be javascript: or data:.
            example["url"] = url if url.startswith(("https://", "http://")) else ""
    return report
