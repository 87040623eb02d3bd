"""Organisations (workspaces), their teams, people, roles, API tokens and the audit log."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    """Workspace roles, most powerful first."""

    OWNER = "owner", "Owner"
    LEAD = "lead", "Lead"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


ROLE_RANK = {Role.VIEWER: 0, Role.MEMBER: 1, Role.LEAD: 2, Role.OWNER: 3}

DEFAULT_FUNCTIONS = [
    "Engineering",
    "Product",
    "Design",
    "Business",
    "Operations",
    "Security",
    "Data",
    "Quality",
]


class Workspace(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="Where the workspace's days start and end (blank: the server's "
        "LEADLINE_TIME_ZONE)",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> str:
        """Return the IANA name of the time zone the workspace's days are counted in."""
        return self.time_zone or settings.TIME_ZONE


class Function(models.Model):
    """A discipline a person works in (engineering, product, ...); editable per workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="functions")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="function_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="teams")
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    group = models.CharField(
        max_length=200, blank=True, help_text="Department or group the team belongs to"
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="team_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in a workspace; without one, the workspace does not exist for them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workspace} as {self.role}"

    def allows(self, role: str) -> bool:
        """Return True when this membership's role is at least ``role``."""
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]


class Person(models.Model):
    """Someone in the organisation: a team member (maybe with an account) or a stakeholder.

    Stakeholders have no account; they answer surveys through signed links.
    """

    class Kind(models.TextChoices):
        MEMBER = "member", "Team member"
        STAKEHOLDER = "stakeholder", "Stakeholder"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    title = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEMBER)
    function = models.ForeignKey(
        Function, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="people")
    active = models.BooleanField(default=True, help_text="False once the person has left")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "email"],
                condition=~models.Q(email=""),
                name="person_unique_email",
            )
        ]

    def __str__(self) -> str:
        return self.name


TOKEN_PREFIX = "ll_"  # noqa: S105 - a visible prefix, not a secret


def hash_token(raw: str) -> str:
    """Return the stored form of a token (SHA-256; tokens are random, so no salt is needed)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the token itself is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    lookup = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}{self.lookup}…)"

    @classmethod
    def issue(cls, user: Any, name: str) -> tuple[ApiToken, str]:
        """Create a token for ``user`` and return it with the raw secret (never stored)."""
        lookup = secrets.token_hex(6)
        raw = f"{TOKEN_PREFIX}{lookup}{secrets.token_urlsafe(32)}"
        token = cls.objects.create(user=user, name=name, lookup=lookup, digest=hash_token(raw))
        return token, raw


class AuditEvent(models.Model):
    """Who changed what, when: written by services, shown on the audit page."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}: {self.summary}"


class StakeholderLink(models.Model):
    """A link giving one person without an account one thing to do (read and acknowledge an
    agreement; later answer a check or a pulse): it expires, can be revoked, and each use is
    audited. Only a digest of its secret is stored; the link itself is shown once."""

    class Purpose(models.TextChoices):
        AGREEMENT = "agreement", "Working agreement"
        ALIGNMENT = "alignment", "Alignment check"
        DECISION = "decision", "Input to a decision"
        PACK = "pack", "Status pack"

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="stakeholder_links"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    # The id of the object of ``purpose`` (agreement, check, pulse, ...) the link opens.
    object_id = models.CharField(max_length=64)
    lookup = models.CharField(max_length=12, unique=True)
    digest = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by_name = models.CharField(max_length=150, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["purpose", "object_id"], name="link_object")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link for {self.person}"

    def is_active(self, now: Any = None) -> bool:
        """Return True while the link is neither revoked nor expired."""
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at


class ThrottleCounter(models.Model):
    """Requests counted per key (a digest of e.g. an email or a client address) in a fixed
    window; one row per key, incremented with a conditional UPDATE so concurrent requests from
    any process are counted exactly."""

    key = models.CharField(max_length=64, unique=True)
    window_start = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.count} since {self.window_start:%Y-%m-%d %H:%M}"


class Profile(models.Model):
    """Per-account preferences: the time zone times are shown in (blank: the workspace's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="leadline_profile"
    )
    time_zone = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"
