"""Delivery data as stored: work items with their histories, workflows, code changes and their
reviews, deployments, releases, incidents, and the connections they are synced from.

Every record has a natural key (workspace, source, key/external_id) with a unique constraint, so
an import is an upsert: running it again changes nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from leadline.connectors.git.repository import DEFAULT_DEPLOY_TAGS
from leadline.records import StageCategory


class Connection(models.Model):
    """A source a workspace or team syncs from; its credential is encrypted at rest."""

    class Kind(models.TextChoices):
        JIRA = "jira", "Jira"
        GITHUB = "github", "GitHub"
        GITLAB = "gitlab", "GitLab"
        GIT = "git", "Local git repository"
        PAGERDUTY = "pagerduty", "PagerDuty"
        OPSGENIE = "opsgenie", "Opsgenie"

    class Schedule(models.TextChoices):
        MANUAL = "manual", "Only when asked"
        HOURLY = "hourly", "Every hour"
        DAILY = "daily", "Every day"

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="connections"
    )
    team = models.ForeignKey(
        "workspaces.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=200)
    base_url = models.CharField(max_length=500, blank=True)
    # Where to read: JQL / board id for Jira, owner/repo for GitHub, project for GitLab, path for git.
    target = models.CharField(max_length=500)
    username = models.CharField(max_length=200, blank=True, help_text="Jira Cloud account email")
    secret = models.TextField(blank=True, help_text="Encrypted credential; never shown again")
    schedule = models.CharField(max_length=16, choices=Schedule.choices, default=Schedule.DAILY)
    # git: tags matching this glob are successful production deployments (empty: none are).
    deploy_tags = models.CharField(
        max_length=200,
        blank=True,
        default=DEFAULT_DEPLOY_TAGS,
        help_text="git: tags matching this pattern (a glob such as v* or release-*) count as "
        "successful production deployments of the repository; empty: tags are releases only.",
    )
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # When a sync was last started (by hand or by the schedule); a scheduler claims a due
    # connection by a conditional update of this field, so two workers never both start one.
    last_sync_requested_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class StatusMapping(models.Model):
    """How one tracker status maps to a stage category; NULL category = not mapped yet."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE)
    source = models.CharField(max_length=32)
    project = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=200)
    category = models.CharField(
        max_length=16,
        choices=[(c.value, c.value.title()) for c in StageCategory],
        null=True,
        blank=True,
    )
    # What the tracker itself said, kept so an edit can be compared with the default.
    source_category = models.CharField(max_length=16, blank=True)
    waiting = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    edited = models.BooleanField(default=False)

    class Meta:
        ordering = ["source", "project", "position", "status"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "project", "status"], name="status_mapping_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.status} → {self.category or 'unmapped'}"


class WorkItem(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="work_items"
    )
    team = models.ForeignKey(
        "workspaces.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    source = models.CharField(max_length=32)
    key = models.CharField(max_length=200)
    project = models.CharField(max_length=100, blank=True)
    url = models.CharField(max_length=500, blank=True)
    type = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=500, blank=True)
    parent_key = models.CharField(max_length=200, blank=True)
    epic_key = models.CharField(max_length=200, blank=True)
    labels = models.JSONField(default=list, blank=True)
    components = models.JSONField(default=list, blank=True)
    assignees = models.JSONField(default=list, blank=True)
    priority = models.CharField(max_length=100, blank=True)
    rank = models.CharField(max_length=200, blank=True)
    story_points = models.FloatField(null=True, blank=True)
    created = models.DateTimeField()
    status = models.CharField(max_length=200)
    resolution = models.CharField(max_length=200, blank=True)
    resolved = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(null=True, blank=True)
    sprints = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "source", "key"], name="work_item_unique")
        ]
        indexes = [models.Index(fields=["workspace", "team"])]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"


class Transition(models.Model):
    """One status change; ``seq`` keeps the tracker's order for changes at the same instant."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="transitions")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    from_status = models.CharField(max_length=200, null=True, blank=True)
    to_status = models.CharField(max_length=200)
    by = models.CharField(max_length=200, blank=True)
    external_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["item_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["item", "seq"], name="transition_unique_seq")
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} at {self.at}"


class FlagPeriod(models.Model):
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="flags")
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)


class SprintChange(models.Model):
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="sprint_changes")
    sprint = models.CharField(max_length=200)
    at = models.DateTimeField()
    added = models.BooleanField()


class RankChange(models.Model):
    """An item re-ranked (the tracker's rank) or re-prioritised: plan churn's re-ranks."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="rank_changes")
    at = models.DateTimeField()
    kind = models.CharField(max_length=16)  # rank | priority
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)


class _DeliveryRecord(models.Model):
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "workspaces.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=32)
    external_id = models.CharField(max_length=200)
    url = models.CharField(max_length=500, blank=True)
    # Set by every import that writes the record: cached figures are keyed on it (DORA).
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Change(_DeliveryRecord):
    kind = models.CharField(max_length=16)  # commit | pull_request
    repository = models.CharField(max_length=300)
    title = models.CharField(max_length=500, blank=True)
    author = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(null=True, blank=True)
    first_commit_at = models.DateTimeField(null=True, blank=True)
    merged = models.DateTimeField(null=True, blank=True)
    sha = models.CharField(max_length=64, blank=True)
    # A pull/merge request's commits (shas) where the source lists them: which files, and so
    # which areas of the code, it changed is read from the repository's history.
    commits = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "external_id"], name="change_unique"
            )
        ]


class CodeReview(_DeliveryRecord):
    """One review of a pull/merge request (``change_id``: the Change's ``external_id``).

    ``state``: approved, changes_requested, commented, dismissed or unapproved. ``reviewer`` and
    ``change_author`` are accounts on the code host; a review by the change's own author (a
    reply in a thread) is stored as the source has it and left out by readers.
    """

    repository = models.CharField(max_length=300)
    change_id = models.CharField(max_length=200)
    change_author = models.CharField(max_length=200, blank=True)
    reviewer = models.CharField(max_length=200)
    reviewer_name = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=32)
    submitted = models.DateTimeField()

    class Meta:
        db_table = "delivery_code_review"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "external_id"], name="code_review_unique"
            )
        ]
        indexes = [models.Index(fields=["workspace", "submitted"])]


class CodeAccount(_DeliveryRecord):
    """An account on a code host (``login``) and a git identity (name, email) its commits carry:
    how a reviewer known by a login is found in the people registry."""

    login = models.CharField(max_length=200)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)

    class Meta:
        db_table = "delivery_code_account"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "external_id"], name="code_account_unique"
            )
        ]


class Deployment(_DeliveryRecord):
    service = models.CharField(max_length=200)
    environment = models.CharField(max_length=100)
    status = models.CharField(max_length=16)
    raw_status = models.CharField(max_length=50, blank=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    sha = models.CharField(max_length=64, blank=True)
    ref = models.CharField(max_length=200, blank=True)
    is_production = models.BooleanField(default=False)
    change_ids = models.JSONField(default=list, blank=True)
    # A deployment that was an unplanned fix (hotfix, rollback): counts in the rework rate.
    unplanned = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "external_id"], name="deployment_unique"
            )
        ]
        indexes = [models.Index(fields=["workspace", "finished"])]


class Sprint(_DeliveryRecord):
    """A sprint (or other fixed plan period) with the dates plan churn is measured against.

    Items name their sprints (``SprintChange.sprint``, ``WorkItem.sprints``) by ``name``.
    """

    name = models.CharField(max_length=200)
    state = models.CharField(max_length=32, blank=True)
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    completed = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "external_id"], name="sprint_unique"
            )
        ]
        indexes = [models.Index(fields=["workspace", "name"])]


class Release(_DeliveryRecord):
    repository = models.CharField(max_length=300)
    name = models.CharField(max_length=300)
    tag = models.CharField(max_length=300, blank=True)
    published = models.DateTimeField()
    sha = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "external_id"], name="release_unique"
            )
        ]


class Incident(_DeliveryRecord):
    title = models.CharField(max_length=500, blank=True)
    service = models.CharField(max_length=200)
    severity = models.CharField(max_length=50, blank=True)
    started = models.DateTimeField()
    detected = models.DateTimeField(null=True, blank=True)
    resolved = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=50, blank=True)
    deployment_id = models.CharField(max_length=200, blank=True)
    change_id = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "source", "external_id"], name="incident_unique"
            )
        ]


class ImportProblem(models.Model):
    """A row or record an import rejected or skipped, with where and why."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE)
    job = models.ForeignKey("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True)
    source = models.CharField(max_length=32)
    location = models.CharField(max_length=300)
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "id"]
