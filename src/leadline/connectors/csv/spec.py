"""The documented CSV formats: one column spec per kind, used to validate, template and document.

Kinds: ``work_items`` (one row per item with its dates), ``transitions`` (one row per status
change), ``deployments``, ``incidents`` and ``throughput`` (one finish date per line, header
optional). Column names are matched case-insensitively, and common aliases are accepted
(``created_date`` for ``created``, ``id`` for ``key`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from leadline import csvsafe

KINDS = ("work_items", "transitions", "deployments", "incidents", "throughput")


@dataclass(frozen=True, slots=True)
class Column:
    """One CSV column: its name, whether it must be there, its type and what it means."""

    name: str
    required: bool
    type: str  # text | date | number | bool | list | category | status
    meaning: str
    example: str = ""
    aliases: tuple[str, ...] = ()


TYPE_HELP = {
    "text": "any text",
    "date": "YYYY-MM-DD or ISO 8601 (2024-03-01T14:30:00+01:00); no zone means the import's zone",
    "number": "a decimal number (3 or 2.5)",
    "bool": "true/false, yes/no, 1/0",
    "list": "values separated by ';'",
    "category": "backlog, active, done or removed",
    "status": "success, failure, cancelled, in_progress, queued, rolled_back or other",
}

_ITEM_COMMON = (
    Column(
        "key",
        True,
        "text",
        "The item's unique id in its tracker",
        "PROJ-42",
        ("id", "issue_key", "issue key", "issue_id"),
    ),
    Column(
        "title",
        False,
        "text",
        "The item's title (defaults to the key)",
        "Export invoices",
        ("summary", "name"),
    ),
    Column("type", False, "text", "Item type", "Story", ("issue_type", "issuetype")),
    Column(
        "created",
        True,
        "date",
        "When the item was created",
        "2024-03-01",
        ("created_date", "created_at", "creation_date"),
    ),
)
_ITEM_EXTRA = (
    Column("project", False, "text", "Project or team the item belongs to", "PROJ"),
    Column("labels", False, "list", "Labels", "billing;q2"),
    Column("assignee", False, "text", "Who works on it", "Ada Lovelace"),
    Column(
        "story_points",
        False,
        "number",
        "Estimate in story points",
        "3",
        ("points", "story points", "estimate"),
    ),
    Column("parent", False, "text", "Parent item key", "PROJ-7", ("parent_key",)),
    Column("epic", False, "text", "Epic key", "PROJ-1", ("epic_key",)),
    Column("url", False, "text", "Link to the item", "https://tracker.example/PROJ-42"),
)

SPECS: dict[str, tuple[Column, ...]] = {
    "work_items": (
        *_ITEM_COMMON,
        Column(
            "started",
            False,
            "date",
            "First entry into an active stage (empty: not started)",
            "2024-03-04",
            ("started_date", "start_date", "in_progress"),
        ),
        Column(
            "finished",
            False,
            "date",
            "Last entry into done (empty: not finished)",
            "2024-03-08",
            ("finished_date", "done", "done_date", "resolved", "closed_date", "resolution_date"),
        ),
        Column("status", False, "text", "Current status (defaults from the dates)", "Done"),
        Column(
            "removed", False, "bool", "The item was cancelled / won't do", "false", ("cancelled",)
        ),
        *_ITEM_EXTRA,
    ),
    "transitions": (
        *_ITEM_COMMON,
        Column(
            "status",
            True,
            "text",
            "The status the item entered",
            "In Progress",
            ("to_status", "to"),
        ),
        Column(
            "at",
            True,
            "date",
            "When it entered that status",
            "2024-03-04T09:30:00Z",
            ("changed", "changed_at", "transition_at", "date"),
        ),
        Column(
            "category",
            False,
            "category",
            "The status's stage category",
            "active",
            ("stage", "status_category"),
        ),
        *_ITEM_EXTRA,
    ),
    "deployments": (
        Column(
            "id",
            True,
            "text",
            "The deployment's unique id",
            "deploy-1812",
            ("external_id", "deployment_id"),
        ),
        Column(
            "service",
            True,
            "text",
            "Service or application deployed",
            "billing-api",
            ("application", "app", "repository"),
        ),
        Column("environment", True, "text", "Target environment", "production", ("env",)),
        Column(
            "status",
            True,
            "status",
            "Outcome (synonyms such as succeeded/failed are accepted)",
            "success",
            ("result", "outcome", "state"),
        ),
        Column(
            "started",
            False,
            "date",
            "When the deployment started",
            "2024-03-08T10:00:00Z",
            ("started_at", "start"),
        ),
        Column(
            "finished",
            False,
            "date",
            "When it finished (at least one of started/finished)",
            "2024-03-08T10:12:00Z",
            ("finished_at", "end", "deployed_at", "completed"),
        ),
        Column(
            "production",
            False,
            "bool",
            "Counts as production (default: environment named prod/production/live)",
            "true",
            ("is_production",),
        ),
        Column("sha", False, "text", "Commit deployed", "9fceb02", ("commit", "revision")),
        Column("ref", False, "text", "Branch or tag deployed", "v1.4.2"),
        Column(
            "changes",
            False,
            "list",
            "Ids of the changes it shipped",
            "PR-12;PR-15",
            ("change_ids",),
        ),
        Column("url", False, "text", "Link to the deployment", ""),
    ),
    "incidents": (
        Column(
            "id",
            True,
            "text",
            "The incident's unique id",
            "INC-77",
            ("external_id", "incident_id", "key"),
        ),
        Column("title", False, "text", "What happened", "Checkout errors", ("summary",)),
        Column("service", True, "text", "Affected service", "billing-api"),
        Column(
            "severity",
            False,
            "text",
            "Severity as the team names it",
            "SEV2",
            ("priority", "urgency"),
        ),
        Column(
            "started",
            True,
            "date",
            "When impact began",
            "2024-03-08T10:20:00Z",
            ("started_at", "created", "opened"),
        ),
        Column(
            "detected",
            False,
            "date",
            "When it was noticed",
            "2024-03-08T10:25:00Z",
            ("detected_at", "acknowledged"),
        ),
        Column(
            "resolved",
            False,
            "date",
            "When impact ended",
            "2024-03-08T11:05:00Z",
            ("resolved_at", "closed", "ended"),
        ),
        Column("status", False, "text", "Current status", "resolved"),
        Column(
            "deployment",
            False,
            "text",
            "Id of the deployment that caused it",
            "deploy-1812",
            ("deployment_id",),
        ),
        Column("change", False, "text", "Id of the change that caused it", "PR-15", ("change_id",)),
        Column("url", False, "text", "Link to the incident", ""),
    ),
    "throughput": (
        Column(
            "finished",
            True,
            "date",
            "When an item finished (one line per item; the header line may be left out)",
            "2024-03-08",
            ("finished_date", "resolution_date", "resolved", "date", "done"),
        ),
    ),
}


def columns(kind: str) -> tuple[Column, ...]:
    """Return the column spec of a kind; raise ValueError naming the known kinds."""
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(
            f"unknown CSV kind {kind!r} (expected one of: {', '.join(KINDS)})"
        ) from None


def template(kind: str) -> str:
    """Return a downloadable CSV template: the header and one example row."""
    cols = columns(kind)
    return csvsafe.to_text([c.name for c in cols], [[c.example for c in cols]], lineterminator="\n")


def columns_markdown(kind: str) -> str:
    """Return a Markdown table documenting the columns of a kind."""
    lines = [
        "| column | required | type | meaning | also accepted as |",
        "|---|---|---|---|---|",
    ]
    for c in columns(kind):
        aliases = ", ".join(f"`{a}`" for a in c.aliases)
        lines.append(
            f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.type}: {TYPE_HELP[c.type]} "
            f"| {c.meaning} | {aliases} |"
        )
    return "\n".join(lines) + "\n"
