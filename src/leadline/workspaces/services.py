"""Workspace services: access checks, creation of workspaces, teams and people, tokens, audit.

Pages, the API and the CLI all go through these functions, so the same checks apply everywhere.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    DEFAULT_FUNCTIONS,
    ApiToken,
    AuditEvent,
    Function,
    Membership,
    Person,
    Role,
    Team,
    Workspace,
    hash_token,
)
from .signals import workspace_created

# Users are passed as Any: request.user is a union Django's stubs cannot narrow usefully.
UserLike = Any


class Access:
    """What one user may do in one workspace (resolved once per request)."""

    def __init__(self, workspace: Workspace, membership: Membership) -> None:
        self.workspace = workspace
        self.membership = membership
        self.role = Role(membership.role)

    @property
    def can_edit(self) -> bool:
        return self.membership.allows(Role.MEMBER)

    @property
    def can_lead(self) -> bool:
        return self.membership.allows(Role.LEAD)

    @property
    def is_owner(self) -> bool:
        return self.membership.allows(Role.OWNER)

    def require(self, role: str) -> None:
        """Raise PermissionDenied unless the user's role is at least ``role``."""
        if not self.membership.allows(role):
            raise PermissionDenied(
                f"This needs the {Role(role).label.lower()} role in {self.workspace.name}; "
                f"you are {self.role.label.lower()}."
            )


def workspaces_for(user: UserLike) -> QuerySet[Workspace]:
    """Return the workspaces ``user`` belongs to (none for anonymous users)."""
    if not user.is_authenticated:
        return Workspace.objects.none()
    return Workspace.objects.filter(memberships__user=user).order_by("name")


def access_for(user: UserLike, slug: str, role: str = Role.VIEWER) -> Access:
    """Resolve ``user``'s access to workspace ``slug``.

    A workspace the user is not a member of raises Http404 (its existence is not revealed);
    a role below ``role`` raises PermissionDenied.
    """
    if not user.is_authenticated:
        raise Http404("No such workspace")
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=user, workspace__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404("No such workspace")
    access = Access(membership.workspace, membership)
    access.require(role)
    return access


def audit(
    workspace: Workspace | None,
    actor: Any,
    action: str,
    obj: Any,
    summary: str,
    changes: dict[str, Any] | None = None,
    *,
    actor_name: str | None = None,
) -> AuditEvent:
    """Record who did what to which object; ``actor`` may be None for system actions, and
    ``actor_name`` names someone without an account (a stakeholder using a link)."""
    name = getattr(actor, "get_username", lambda: "system")() if actor else "system"
    name = (actor_name or name)[:150]
    return AuditEvent.objects.create(
        workspace=workspace,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_name=name,
        action=action,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or ""),
        summary=summary[:300],
        changes=changes or {},
    )


def unique_slug(model: Any, base: str, **scope: Any) -> str:
    """Return a slug from ``base`` not yet used within ``scope`` (suffixing -2, -3, ...)."""
    root = slugify(base)[:56] or "item"
    candidate, n = root, 2
    while model.objects.filter(slug=candidate, **scope).exists():
        candidate, n = f"{root}-{n}", n + 1
    return candidate


@transaction.atomic
def create_workspace(
    name: str, owner: Any | None, slug: str | None = None, description: str = ""
) -> Workspace:
    """Create a workspace with the default function list; ``owner`` becomes its owner."""
    slug = slugify(slug) if slug else unique_slug(Workspace, name)
    if Workspace.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A workspace with slug '{slug}' already exists."})
    workspace = Workspace.objects.create(slug=slug, name=name, description=description)
    Function.objects.bulk_create(Function(workspace=workspace, name=n) for n in DEFAULT_FUNCTIONS)
    if owner is not None:
        Membership.objects.create(user=owner, workspace=workspace, role=Role.OWNER)
    audit(workspace, owner, "create", workspace, f"Created workspace {name}")
    workspace_created.send(sender=Workspace, workspace=workspace, actor=owner)
    return workspace


def set_membership(workspace: Workspace, user: Any, role: str, actor: Any = None) -> Membership:
    """Give ``user`` ``role`` in ``workspace`` (creating or changing the membership)."""
    role = Role(role)
    membership, created = Membership.objects.get_or_create(
        user=user, workspace=workspace, defaults={"role": role}
    )
    if not created and membership.role != role:
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit(
            workspace, actor, "update", membership, f"{user} is now {role}", {"role": [old, role]}
        )
    elif created:
        audit(workspace, actor, "create", membership, f"Added {user} as {role}")
    return membership


def create_team(
    access: Access, name: str, group: str = "", description: str = "", actor: Any = None
) -> Team:
    """Create a team in the access's workspace (lead role needed)."""
    access.require(Role.LEAD)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A team needs a name."})
    team = Team.objects.create(
        workspace=access.workspace,
        slug=unique_slug(Team, name, workspace=access.workspace),
        name=name,
        group=group.strip(),
        description=description,
    )
    audit(access.workspace, actor, "create", team, f"Created team {name}")
    return team


def create_person(
    access: Access,
    name: str,
    *,
    email: str = "",
    title: str = "",
    kind: str = Person.Kind.MEMBER,
    function: Function | None = None,
    teams: Iterable[Team] = (),
    actor: Any = None,
) -> Person:
    """Add a person (team member or stakeholder) to the access's workspace (member role)."""
    access.require(Role.MEMBER)
    if function is not None and function.workspace_id != access.workspace.pk:
        raise ValidationError({"function": "That function belongs to another workspace."})
    team_list = list(teams)
    if any(t.workspace_id != access.workspace.pk for t in team_list):
        raise ValidationError({"teams": "A team belongs to another workspace."})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": f"{email!r} is not an email address."}) from None
    if not name.strip():
        raise ValidationError({"name": "A person needs a name."})
    if email and Person.objects.filter(workspace=access.workspace, email=email).exists():
        raise ValidationError({"email": f"{email} is already in this workspace."})
    person = Person.objects.create(
        workspace=access.workspace,
        name=name.strip(),
        email=email,
        title=title,
        kind=kind,
        function=function,
    )
    person.teams.set(team_list)
    audit(access.workspace, actor, "create", person, f"Added {kind} {person.name}")
    return person


def add_function(access: Access, name: str, actor: Any = None) -> Function:
    """Add a function to the workspace's editable list (lead role needed)."""
    access.require(Role.LEAD)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A function needs a name."})
    function, created = Function.objects.get_or_create(workspace=access.workspace, name=name)
    if created:
        audit(access.workspace, actor, "create", function, f"Added function {name}")
    return function


def create_user(username: str, password: str | None, email: str = "") -> Any:
    """Create an account; with no password the account cannot sign in until a reset."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"User '{username}' already exists."})
    user = User.objects.create_user(username=username, email=email, password=password)
    return user


def issue_token(user: Any, name: str = "API token") -> tuple[ApiToken, str]:
    """Create a personal API token for ``user``; the raw token is returned once, never stored."""
    token, raw = ApiToken.issue(user, name)
    audit(None, user, "create", token, f"Created API token {name}")
    return token, raw


def revoke_token(user: Any, token_id: int) -> None:
    """Revoke one of ``user``'s tokens; another user's token is not found."""
    token = ApiToken.objects.filter(user=user, pk=token_id, revoked_at=None).first()
    if token is None:
        raise Http404("No such token")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(None, user, "revoke", token, f"Revoked API token {token.name}")


def user_for_token(raw: str) -> Any | None:
    """Return the active user owning token ``raw``, or None for an unknown or revoked token."""
    if not raw.startswith("ll_") or len(raw) < 20:
        return None
    token = (
        ApiToken.objects.select_related("user").filter(lookup=raw[3:15], revoked_at=None).first()
    )
    if (
        token is None
        or not hmac.compare_digest(token.digest, hash_token(raw))
        or not token.user.is_active
    ):
        return None
    # Write at most once a minute per token: cheap, and enough to show "last used".
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def time_zone_names() -> list[str]:
    """Return the IANA time zone names a person may choose, sorted."""
    from zoneinfo import available_timezones

    return sorted(available_timezones())


def _check_time_zone(value: str, field: str) -> str:
    value = value.strip()
    if value and value not in set(time_zone_names()):
        raise ValidationError({field: f"“{value}” is not a time zone; pick one from the list."})
    return value


@transaction.atomic
def update_workspace(
    access: Access, *, name: str, description: str = "", time_zone: str = "", actor: Any = None
) -> Workspace:
    """Rename the workspace and set its time zone (owners only); changes are audited."""
    access.require(Role.OWNER)
    ws = access.workspace
    name = name.strip()
    if not name:
        raise ValidationError({"name": "The workspace needs a name."})
    new = {
        "name": name,
        "description": description,
        "time_zone": _check_time_zone(time_zone, "time_zone"),
    }
    changes = {k: [getattr(ws, k), v] for k, v in new.items() if getattr(ws, k) != v}
    if changes:
        for key, value in new.items():
            setattr(ws, key, value)
        ws.save(update_fields=list(new))
        audit(ws, actor, "update", ws, "Changed the workspace settings", changes)
    return ws


@transaction.atomic
def update_profile(
    user: Any, *, first_name: str, last_name: str, email: str, time_zone: str = ""
) -> dict[str, Any]:
    """Save an account's name, email and display time zone; return {field: [old, new]}.

    An email already used by another account is refused: password resets go to it.
    """
    from .models import Profile

    email = email.strip()
    User = get_user_model()
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": f"{email} is the email of another account."})
    profile, _ = Profile.objects.get_or_create(user=user)
    tz = _check_time_zone(time_zone, "time_zone")
    changes: dict[str, Any] = {}
    for key, value in (("first_name", first_name.strip()), ("last_name", last_name.strip()),
                       ("email", email)):  # fmt: skip
        if getattr(user, key) != value:
            changes[key] = [getattr(user, key), value]
            setattr(user, key, value)
    if changes:
        user.save(update_fields=list(changes))
    if profile.time_zone != tz:
        changes["time_zone"] = [profile.time_zone, tz]
        profile.time_zone = tz
        profile.save(update_fields=["time_zone"])
    if changes:
        audit(None, user, "update", user, "Changed their profile", changes)
    return changes


def display_time_zone_of(user: Any) -> str:
    """Return the account's chosen display time zone ("" for none)."""
    from .models import Profile

    return Profile.objects.filter(user=user).values_list("time_zone", flat=True).first() or ""


def person_for(workspace: Workspace, user: Any) -> Person | None:
    """Return the person ``user`` is in ``workspace`` (linked on Settings → Members), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(workspace=workspace, user=user).first()


@transaction.atomic
def link_person(access: Access, user: Any, person: Person | None, actor: Any = None) -> None:
    """Make ``person`` the workspace's record of ``user`` (owners only); None unlinks.

    Owners do this, not the user: being a person is what routes decisions and alerts to an
    account, so nobody may claim to be someone else.
    """
    access.require(Role.OWNER)
    if not Membership.objects.filter(workspace=access.workspace, user=user).exists():
        raise ValidationError({"user": f"{user} is not a member of {access.workspace.name}."})
    if person is not None and person.workspace_id != access.workspace.pk:
        raise ValidationError({"person": "That person belongs to another workspace."})
    if person is not None and person.kind != Person.Kind.MEMBER:
        raise ValidationError({"person": f"{person.name} is a stakeholder, not a team member."})
    current = person_for(access.workspace, user)
    if current == person:
        return
    Person.objects.filter(workspace=access.workspace, user=user).update(user=None)
    if person is not None:
        Person.objects.filter(pk=person.pk).update(user=user)
    summary = f"{user} is {person.name}" if person else f"{user} is no longer {current}"
    audit(access.workspace, actor, "update", person or current, summary)


def team_by_slug(workspace: Workspace, slug: str | None) -> Team | None:
    """Return the workspace's team ``slug`` (None for no slug); an unknown slug is invalid."""
    if not slug:
        return None
    team = Team.objects.filter(workspace=workspace, slug=slug).first()
    if team is None:
        raise ValidationError({"team": [f"no team {slug!r} in this workspace"]})
    return team
