"""Stakeholder input to a proposed decision: a lead asks consulted people (with or without an
account) for their view by a personal link; what they say is stored with the decision.

Each link is a :mod:`leadline.workspaces.links` link of purpose ``decision``: it opens that one
person's input to that one decision and nothing else, expires (LEADLINE_LINK_DAYS by default),
can be replaced by a new one, and stops taking input once the decision is decided or
superseded (the page says it is closed). Every use is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from leadline.workspaces import links
from leadline.workspaces.models import Person, Role, StakeholderLink
from leadline.workspaces.services import Access, audit

from .models import Decision, DecisionInput

PURPOSE = StakeholderLink.Purpose.DECISION
MAX_INPUT = 5_000  # characters
MAX_ASKED = 50  # people per request


@dataclass
class InputLink:
    input: DecisionInput
    url: str
    token: str


def link_path(decision: Decision, token: str) -> str:
    return reverse("decision-input-link", args=[decision.workspace.slug, token])


def consulted(decision: Decision) -> list[Person]:
    """The people the framework says are consulted on the decision's domains (active)."""
    people = {
        p.pk: p
        for d in decision.domains.prefetch_related("consulted")
        for p in d.consulted.all()
        if p.active
    }
    return sorted(people.values(), key=lambda p: p.name)


@transaction.atomic
def request_input(
    access: Access,
    decision: Decision,
    people: list[Person],
    *,
    days: Any = None,
    actor: Any = None,
    now: datetime | None = None,
) -> list[InputLink]:
    """Ask ``people`` for their input on a proposed ``decision`` (lead role): each gets a
    personal link (shown once); asking someone again replaces their earlier link."""
    access.require(Role.LEAD)
    if decision.workspace_id != access.workspace.pk:
        raise Http404("No such decision")
    if decision.status != Decision.Status.PROPOSED:
        raise ValidationError({"people": f"This decision is already {decision.status}."})
    audience = {p.pk: p for p in people}
    if not audience:
        raise ValidationError({"people": "Choose at least one person to ask."})
    if len(audience) > MAX_ASKED:
        raise ValidationError({"people": f"Ask at most {MAX_ASKED} people at once."})
    if any(p.workspace_id != access.workspace.pk for p in audience.values()):
        raise Http404("No such person")
    now = now or timezone.now()
    name = actor.get_username() if getattr(actor, "pk", None) else "system"
    out = []
    for person in sorted(audience.values(), key=lambda p: p.name):
        inp, _ = DecisionInput.objects.get_or_create(
            decision=decision,
            person=person,
            defaults={"requested_at": now, "requested_by_name": name},
        )
        if inp.link is not None and inp.link.revoked_at is None:
            links.revoke_link(access, inp.link.pk, PURPOSE, decision, actor=actor)
        link, token = links.issue_link(
            access, PURPOSE, decision, person, days=days, actor=actor, now=now
        )
        inp.link, inp.requested_at, inp.requested_by_name = link, now, name
        inp.save(update_fields=["link", "requested_at", "requested_by_name"])
        out.append(InputLink(inp, f"{settings.BASE_URL}{link_path(decision, token)}", token))
    audit(
        access.workspace,
        actor,
        "update",
        decision,
        f"Asked {', '.join(p.name for p in audience.values())} for input on {decision.title}"[:300],
    )
    return out


def resolve_link(slug: str, token: str, now: datetime | None = None) -> DecisionInput:
    """Return the input a link opens. Raises LinkRefused: unknown (altered, another
    workspace's or purpose's, or replaced by a newer link), revoked, expired, or closed (the
    decision was decided or superseded)."""
    link = links.resolve(slug, token, PURPOSE, now=now)
    inp = (
        DecisionInput.objects.select_related("decision__workspace", "person")
        .filter(link=link, decision__workspace=link.workspace)
        .first()
    )
    if inp is None or str(inp.decision_id) != link.object_id:
        raise links.LinkRefused("unknown")
    if inp.decision.status != Decision.Status.PROPOSED:
        links.record_use(link, "refused", f"input to {inp.decision}, already {inp.decision.status}")
        raise links.LinkRefused("closed", link)
    return inp


def resolve_token(token: str, now: datetime | None = None) -> DecisionInput:
    """Return the input of a link given without its workspace (the API's form)."""
    link = (
        StakeholderLink.objects.select_related("workspace").filter(lookup=token[:12]).first()
        if len(token) > 12
        else None
    )
    return resolve_link(link.workspace.slug if link else "", token, now=now)


@transaction.atomic
def submit_input(
    inp: DecisionInput, text: str, stance: str = "", *, now: datetime | None = None
) -> DecisionInput:
    """Store (or replace) a person's input while the decision is proposed."""
    decision = Decision.objects.select_for_update().get(pk=inp.decision_id)
    if decision.status != Decision.Status.PROPOSED:
        raise ValidationError({"text": f"This decision is already {decision.status}."})
    text = (text or "").strip()
    if stance and stance not in DecisionInput.Stance.values:
        raise ValidationError(
            {"stance": f"Choose one of {', '.join(DecisionInput.Stance.values)}."}
        )
    if not text and not stance:
        raise ValidationError({"text": "Say what you think, or choose where you stand."})
    if len(text) > MAX_INPUT:
        raise ValidationError({"text": f"Write at most {MAX_INPUT} characters."})
    now = now or timezone.now()
    first = inp.submitted_at is None
    inp.text, inp.stance = text, stance
    inp.submitted_at = inp.submitted_at or now
    inp.updated_at = now
    inp.save(update_fields=["text", "stance", "submitted_at", "updated_at"])
    audit(
        decision.workspace,
        None,
        "comment",
        decision,
        f"{inp.person.name} {'gave' if first else 'changed'} their input on {decision.title}"[:300],
        actor_name=f"{inp.person.name} (link)",
    )
    return inp


def inputs_of(decision: Decision) -> list[DecisionInput]:
    """The people asked for input on ``decision`` and what they said, by name."""
    return list(decision.inputs.select_related("person", "link"))
