"""Links for people without an account (stakeholders): made by leads for one purpose, one
object and one person; they expire, can be revoked, and every use is in the audit log.

A link is ``<lookup><secret>``: the lookup finds the row, the secret is compared with the
stored SHA-256 digest (the link itself is never stored, like API tokens). Features (working
agreements today; alignment checks and pulses later) call :func:`issue_link` and
:func:`resolve` with their own purpose, and record each use with :func:`record_use`.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from .models import Person, Role, StakeholderLink, Workspace, hash_token
from .services import Access, audit

_LOOKUP = 12  # hex characters of the lookup part


class LinkRefused(Exception):
    """A link that does not open: ``reason`` is unknown, expired, revoked or replaced (made
    before links expired; it no longer works)."""

    def __init__(
        self,
        reason: str,
        link: StakeholderLink | None = None,
        workspace: Workspace | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.link = link
        self.workspace = workspace or (link.workspace if link is not None else None)


def link_days(raw: Any) -> int:
    """Return a link's lifetime in days from a form or API value (empty: the default)."""
    if raw is None or str(raw).strip() == "":
        return int(settings.LINK_DAYS)
    try:
        days = int(str(raw).strip())
    except ValueError:
        days = 0
    if not 1 <= days <= settings.LINK_MAX_DAYS:
        raise ValidationError(
            {"days": f"A link lasts a whole number of days from 1 to {settings.LINK_MAX_DAYS}."}
        )
    return days


def issue_link(
    access: Access,
    purpose: str,
    obj: Any,
    person: Person,
    *,
    days: Any = None,
    actor: Any = None,
    now: datetime | None = None,
) -> tuple[StakeholderLink, str]:
    """Make a link for ``person`` to ``obj`` (lead role); return it with the raw link text,
    which is shown once and never stored. ``days`` is bounded by LEADLINE_LINK_MAX_DAYS."""
    access.require(Role.LEAD)
    if person.workspace_id != access.workspace.pk:
        raise Http404("No such person")
    lifetime = link_days(days)
    now = now or timezone.now()
    lookup = secrets.token_hex(_LOOKUP // 2)
    raw = f"{lookup}{secrets.token_urlsafe(32)}"
    name = actor.get_username() if getattr(actor, "pk", None) else ""
    link = StakeholderLink.objects.create(
        workspace=access.workspace,
        person=person,
        purpose=purpose,
        object_id=str(obj.pk),
        lookup=lookup,
        digest=hash_token(raw),
        created_by=actor if name else None,
        created_by_name=name,
        created_at=now,
        expires_at=now + timedelta(days=lifetime),
    )
    audit(
        access.workspace,
        actor,
        "link-create",
        link,
        f"Made a link for {person.name} to {obj}, valid {lifetime} days",
    )
    return link, raw


def resolve(slug: str, raw: str, purpose: str, now: datetime | None = None) -> StakeholderLink:
    """Return the link ``raw`` for ``purpose`` in workspace ``slug`` while it is active.

    Raises LinkRefused: "unknown" for a made-up or altered link, or one of another workspace or
    purpose; "revoked" or "expired" (each such attempt is audited).
    """
    if len(raw) <= _LOOKUP:
        raise LinkRefused("unknown")
    link = (
        StakeholderLink.objects.select_related("workspace", "person")
        .filter(lookup=raw[:_LOOKUP])
        .first()
    )
    if (
        link is None
        or not hmac.compare_digest(link.digest, hash_token(raw))
        or link.workspace.slug != slug
        or link.purpose != purpose
    ):
        raise LinkRefused("unknown")
    now = now or timezone.now()
    if link.revoked_at is not None:
        record_use(link, "refused", "revoked link")
        raise LinkRefused("revoked", link)
    if now >= link.expires_at:
        record_use(link, "refused", "expired link")
        raise LinkRefused("expired", link)
    return link


def record_use(link: StakeholderLink, event: str, what: str) -> None:
    """Audit one use of ``link`` (``event``: open, submit or refused) on ``what``, naming the
    person it was made for; no address or browser is recorded."""
    if event != "refused":
        StakeholderLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    person = link.person
    verbs = {"open": "opened", "submit": "submitted", "refused": "was refused"}
    audit(
        link.workspace,
        None,
        f"link-{event}",
        link,
        f"{person.name}'s link {verbs.get(event, event)}: {what}",
        actor_name=f"{person.name} (link)",
    )


def revoke_link(
    access: Access, link_id: Any, purpose: str, obj: Any, actor: Any = None
) -> StakeholderLink:
    """Revoke a link to ``obj`` (lead role); a link of another object or workspace is 404.
    Revoking twice changes nothing."""
    access.require(Role.LEAD)
    try:
        pk = int(link_id)
    except (TypeError, ValueError):
        raise Http404("No such link") from None
    link = (
        StakeholderLink.objects.select_related("person")
        .filter(workspace=access.workspace, purpose=purpose, object_id=str(obj.pk), pk=pk)
        .first()
    )
    if link is None:
        raise Http404("No such link")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by_name = actor.get_username() if getattr(actor, "pk", None) else "system"
        link.save(update_fields=["revoked_at", "revoked_by_name"])
        audit(
            access.workspace,
            actor,
            "link-revoke",
            link,
            f"Revoked {link.person.name}'s link to {obj}",
        )
    return link


def links_for(workspace: Workspace, purpose: str, obj: Any) -> QuerySet[StakeholderLink]:
    """Return the links made to ``obj``, newest first."""
    return StakeholderLink.objects.filter(
        workspace=workspace, purpose=purpose, object_id=str(obj.pk)
    ).select_related("person")


def whom_to_ask(refused: LinkRefused) -> str:
    """Name whom the holder of a refused link should ask for a new one."""
    workspace = refused.workspace
    link = refused.link
    if link is not None and link.created_by_id is not None:
        person = Person.objects.filter(workspace=link.workspace, user_id=link.created_by_id).first()
        return person.name if person is not None else link.created_by_name
    if link is not None and link.created_by_name:
        return link.created_by_name
    if workspace is not None:
        return f"a lead of {workspace.name}"
    return "the person who sent it"
