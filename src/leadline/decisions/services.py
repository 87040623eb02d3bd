"""Decision services: the decision-rights framework, routing, deciding and superseding."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from leadline.decisions.models import Decision, DecisionComment, DecisionDomain
from leadline.governance.services import setting, settings_for
from leadline.workspaces.models import Person, Role, Team, Workspace
from leadline.workspaces.services import Access, audit

from .rules import DomainRights, Route, route_decision

TRIAGE_NAME = "Triage group"
MAX_COMMENT = 5_000  # characters


def rights_of(domain: DecisionDomain) -> DomainRights:
    """Return the pure view of who decides ``domain``."""
    if domain.decider_person is not None:
        p = domain.decider_person
        return DomainRights(domain.name, "person", p.name, p.active)
    if domain.decider_role:
        return DomainRights(domain.name, "role", Role(domain.decider_role).label)
    return DomainRights(domain.name, "", "")


def triage_label(workspace: Workspace) -> str:
    """Name the triage group by its members, e.g. "Triage group (Ann, Bo)"."""
    names = [p.name for p in settings_for(workspace).triage_group.all()]
    return f"{TRIAGE_NAME} ({', '.join(names)})" if names else TRIAGE_NAME


def plan_route(workspace: Workspace, domains: Iterable[DecisionDomain], at: datetime) -> Route:
    """Return where a decision touching ``domains`` created at ``at`` goes, and when it is due."""
    s = settings_for(workspace)
    return route_decision(
        [rights_of(d) for d in domains],
        at,
        triage_name=triage_label(workspace),
        triage_sla_hours=setting(s, "triage_sla_hours"),
        domain_sla_hours=setting(s, "domain_sla_hours"),
    )


def _domains(access: Access, names: Iterable[str]) -> list[DecisionDomain]:
    wanted = [n.strip() for n in names if n.strip()]
    found = {d.name.lower(): d for d in DecisionDomain.objects.filter(workspace=access.workspace)}
    missing = [n for n in wanted if n.lower() not in found]
    if missing:
        raise ValidationError({"domains": f"Unknown domain: {', '.join(missing)}."})
    return [found[n.lower()] for n in dict.fromkeys(wanted)]


@transaction.atomic
def create_decision(
    access: Access,
    title: str,
    *,
    domains: Iterable[str] = (),
    context: str = "",
    options: str = "",
    team: Team | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> Decision:
    """Log a proposed decision (member role) and route it: one domain → its decider,
    several (or none, or a gap) → the triage group; due time from the SLA."""
    access.require(Role.MEMBER)
    if not title.strip():
        raise ValidationError({"title": "Give the decision a title."})
    if team is not None and team.workspace_id != access.workspace.pk:
        raise ValidationError({"team": "That team belongs to another workspace."})
    now = now or timezone.now()
    chosen = _domains(access, domains)
    route = plan_route(access.workspace, chosen, now)
    decision = routed_decision(access.workspace, chosen, now)
    decision.title, decision.context, decision.options = title.strip(), context, options
    decision.team, decision.created_at = team, now
    decision.created_by = actor if getattr(actor, "pk", None) else None
    decision.save()
    decision.domains.set(chosen)
    audit(
        access.workspace,
        actor,
        "create",
        decision,
        f"Proposed decision {decision.title} → {route.name} ({route.reason})",
    )
    return decision


def routed_decision(workspace: Workspace, chosen: list[DecisionDomain], at: datetime) -> Decision:
    """Return an unsaved decision touching ``chosen`` domains, routed (to whom, due when) as
    one created at ``at`` would be; callers fill in the rest."""
    route = plan_route(workspace, chosen, at)
    person = None
    if route.kind == "person":
        person = next(d.decider_person for d in chosen if d.decider_person is not None)
    return Decision(
        workspace=workspace,
        routed_kind=route.kind,
        routed_person=person,
        routed_role=chosen[0].decider_role if route.kind == "role" else "",
        routed_name=route.name[:200],  # a triage group named by many members is long
        due_at=route.due_at,
    )


def get_decision(access: Access, pk: int) -> Decision:
    """Return one decision of the access's workspace; another workspace's is a 404."""
    decision = Decision.objects.filter(workspace=access.workspace, pk=pk).first()
    if decision is None:
        raise Http404("No such decision")
    return decision


@transaction.atomic
def decide(
    access: Access,
    decision: Decision,
    *,
    outcome: str,
    rationale: str = "",
    consequences: str = "",
    actor: Any = None,
    now: datetime | None = None,
) -> Decision:
    """Record what was decided: only the decider it was routed to (see :func:`decide_right`);
    an owner acting for them is recorded as such. A decision already decided cannot be again.
    Anyone else raises PermissionDenied naming who may decide."""
    access.require(Role.MEMBER)
    right = decide_right(access, decision, actor)
    if not right.allowed:
        raise PermissionDenied(
            f"Only {right.who} may record the outcome of this decision; you can comment on it."
        )
    if decision.status != Decision.Status.PROPOSED:
        raise ValidationError({"status": f"This decision is already {decision.status}."})
    if not outcome.strip():
        raise ValidationError({"decision": "Say what was decided."})
    now = now or timezone.now()
    decision.decision, decision.rationale = outcome.strip(), rationale
    decision.consequences = consequences
    decision.status = Decision.Status.DECIDED
    decision.decided_at = now
    decision.decided_by_name = actor.get_username() if getattr(actor, "pk", None) else "system"
    decision.decided_for = right.acting_for
    decision.save()
    acting = (
        f" on behalf of {right.acting_for} (owner acting for the decider)"
        if right.acting_for
        else ""
    )
    audit(
        access.workspace,
        actor,
        "decide",
        decision,
        f"Decided {decision.title}{acting}: {outcome}"[:300],
        {"acting_for": right.acting_for} if right.acting_for else None,
    )
    return decision


@dataclass(frozen=True)
class DecideRight:
    """May a user record a decision's outcome? ``acting_for`` names the decider when an owner
    does it for them ("" when the user is the decider); ``who`` says who may decide."""

    allowed: bool
    acting_for: str
    who: str


def who_may_decide(decision: Decision, triage: list[str] | None = None) -> str:
    """Say who may record ``decision``'s outcome, e.g. "Ann (the decider it was routed to) or
    an owner acting for them". ``triage``: the triage group's names, when already loaded."""
    if decision.routed_kind == Decision.RouteKind.PERSON:
        who = f"{decision.routed_name} (the decider it was routed to)"
    elif decision.routed_kind == Decision.RouteKind.ROLE:
        who = f"someone with the {decision.routed_name.lower()} role (the decider it was routed to)"
    else:
        if triage is None:
            triage = triage_names(decision.workspace)
        who = f"a member of the triage group ({', '.join(triage) or 'nobody yet'})"
    return f"{who} or an owner acting for them"


def triage_names(workspace: Workspace) -> list[str]:
    """Return the names of the workspace's triage group."""
    return [p.name for p in settings_for(workspace).triage_group.all()]


def decide_right(access: Access, decision: Decision, user: Any) -> DecideRight:
    """Return whether ``user`` may decide: the person it was routed to, anyone whose role is at
    least the routed role, a member of the triage group for a triage decision, or an owner
    (acting for the decider unless they are one). System callers (no user: the command line,
    the demo) run with the server's rights and decide as the decider."""
    who = who_may_decide(decision)
    if not getattr(user, "pk", None):
        return DecideRight(access.is_owner, "", who)
    if decision.routed_kind == Decision.RouteKind.PERSON:
        is_decider = (
            decision.routed_person is not None and decision.routed_person.user_id == user.pk
        )
    elif decision.routed_kind == Decision.RouteKind.ROLE:
        is_decider = bool(decision.routed_role) and access.membership.allows(decision.routed_role)
    else:
        triage = settings_for(decision.workspace).triage_group
        is_decider = triage.filter(user_id=user.pk).exists()
    if is_decider:
        return DecideRight(True, "", who)
    if access.is_owner:
        return DecideRight(True, decision.routed_name, who)
    return DecideRight(False, "", who)


@transaction.atomic
def add_comment(access: Access, decision: Decision, text: str, actor: Any) -> DecisionComment:
    """Comment on a decision (member role): its author and time are kept with the text."""
    access.require(Role.MEMBER)
    if decision.workspace_id != access.workspace.pk:
        raise Http404("No such decision")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write a comment first."})
    if len(text) > MAX_COMMENT:
        raise ValidationError(
            {"text": f"At most {MAX_COMMENT:,} characters ({len(text):,} given)."}
        )
    name = actor.get_username() if getattr(actor, "pk", None) else "system"
    comment = DecisionComment.objects.create(
        decision=decision,
        author=actor if getattr(actor, "pk", None) else None,
        author_name=name,
        text=text,
    )
    audit(access.workspace, actor, "comment", decision, f"Commented on {decision.title}")
    return comment


@transaction.atomic
def supersede(access: Access, old: Decision, new: Decision, actor: Any = None) -> Decision:
    """Mark ``old`` superseded by ``new`` (member role); both must be in the workspace."""
    access.require(Role.MEMBER)
    if old.pk == new.pk:
        raise ValidationError({"superseded_by": "A decision cannot supersede itself."})
    if new.workspace_id != access.workspace.pk or old.workspace_id != access.workspace.pk:
        raise Http404("No such decision")
    old.status = Decision.Status.SUPERSEDED
    old.superseded_by = new
    old.save(update_fields=["status", "superseded_by"])
    audit(access.workspace, actor, "supersede", old, f"{old.title} superseded by {new.title}")
    return old


def overdue(workspaces: QuerySet[Workspace], now: datetime) -> QuerySet[Decision]:
    """Return proposed decisions past their due time in ``workspaces``, most overdue first."""
    return (
        Decision.objects.filter(
            workspace__in=workspaces, status=Decision.Status.PROPOSED, due_at__lt=now
        )
        .select_related("workspace")
        .order_by("due_at")
    )


@transaction.atomic
def save_domain(
    access: Access,
    name: str,
    *,
    description: str = "",
    decider_person: Person | None = None,
    decider_role: str = "",
    consulted: Iterable[Person] = (),
    informed: Iterable[Person] = (),
    actor: Any = None,
) -> DecisionDomain:
    """Create or update a domain by name (lead role)."""
    access.require(Role.LEAD)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "A domain needs a name."})
    people = [p for p in (decider_person, *consulted, *informed) if p is not None]
    if any(p.workspace_id != access.workspace.pk for p in people):
        raise ValidationError({"decider_person": "That person belongs to another workspace."})
    if decider_role and decider_role not in Role.values:
        raise ValidationError({"decider_role": f"Use one of {', '.join(Role.values)}."})
    domain, created = DecisionDomain.objects.update_or_create(
        workspace=access.workspace,
        name=name,
        defaults={
            "description": description,
            "decider_person": decider_person,
            "decider_role": "" if decider_person else decider_role,
        },
    )
    domain.consulted.set(list(consulted))
    domain.informed.set(list(informed))
    audit(access.workspace, actor, "create" if created else "update", domain, f"Domain {name}")
    return domain


def who_decides(access: Access, query: str = "") -> list[dict[str, Any]]:
    """Return each domain matching ``query`` with its decider, consulted, informed and gaps."""
    domains = (
        DecisionDomain.objects.filter(workspace=access.workspace)
        .select_related("decider_person")
        .prefetch_related("consulted", "informed")
    )
    if query.strip():
        domains = domains.filter(name__icontains=query.strip()) | domains.filter(
            description__icontains=query.strip()
        )
    out = []
    for d in domains.distinct():
        r = rights_of(d)
        gaps = []
        if not r.decider_kind:
            gaps.append("no decider")
        elif not r.decider_active:
            gaps.append(f"decider {r.decider_name} has left")
        gaps += [f"consulted {p.name} has left" for p in d.consulted.all() if not p.active]
        out.append(
            {
                "domain": d,
                "name": d.name,
                "decider": r.decider_name or None,
                "decider_kind": r.decider_kind or None,
                "consulted": [p.name for p in d.consulted.all()],
                "informed": [p.name for p in d.informed.all()],
                "gaps": gaps,
            }
        )
    return out


def framework_gaps(access: Access) -> list[str]:
    """Return human-readable gaps: domains without a decider, deciders who left, no triage group."""
    gaps = [f"{row['name']}: {g}" for row in who_decides(access) for g in row["gaps"]]
    s = settings_for(access.workspace)
    if not s.triage_group.exists():
        gaps.append("No triage group: cross-domain decisions have no one to go to.")
    gaps += [f"Triage member {p.name} has left" for p in s.triage_group.filter(active=False)]
    return gaps
