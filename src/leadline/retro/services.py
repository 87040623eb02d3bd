"""Run a retrospective board: create it, write cards, group them, dot-vote, move through the
phases, time-box; every page, API call and command goes through these functions.

Members write cards and vote; leads, owners and the board's facilitator run the board (group,
phases, timer, actions). The functions the Radar and the weekly status read are re-exported
here: :func:`open_actions`, :func:`overdue_actions`, :func:`never_done_actions`,
:func:`retros_without_actions` and :func:`recurring_themes`.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.http import Http404
from django.utils import timezone

from leadline import bounds
from leadline.workspaces.models import Person, Role, Team, Workspace
from leadline.workspaces.services import Access, audit

from .actions import (
    action_out,
    carried_actions,
    never_done_actions,
    open_actions,
    overdue_actions,
    retros_without_actions,
)
from .formats import FORMATS, GROUP_PHASES, PHASE_KEYS, VOTE_PHASES, WRITE_PHASES, columns_of
from .models import Card, CardGroup, Retro, Vote
from .results import BoardOut, CardOut, GroupOut, RetroSummary
from .themes import recurring_themes

__all__ = [
    "never_done_actions",
    "open_actions",
    "overdue_actions",
    "recurring_themes",
    "retros_without_actions",
]

MAX_CARD = Card._meta.get_field("text").max_length or 500
MAX_TITLE = Retro._meta.get_field("title").max_length or 200


def bump(retro: Retro) -> None:
    """Tell polling pages that the board changed."""
    Retro.objects.filter(pk=retro.pk).update(version=F("version") + 1)


def retro_in(workspace: Workspace, pk: int) -> Retro:
    """Return the workspace's board ``pk``; another workspace's is a 404, like none."""
    retro = (
        Retro.objects.filter(workspace=workspace, pk=pk)
        .select_related("team", "facilitator")
        .first()
    )
    if retro is None:
        raise Http404("No such retrospective")
    return retro


def can_run(access: Access, retro: Retro, user: Any) -> bool:
    """Leads and owners run every board; the facilitator (a member) runs theirs."""
    if access.can_lead:
        return True
    f = retro.facilitator
    return access.can_edit and f is not None and f.user_id is not None and f.user_id == user.pk


def require_run(access: Access, retro: Retro, user: Any) -> None:
    if not can_run(access, retro, user):
        raise PermissionDenied(
            "Running a retrospective board needs the lead role, or being its facilitator."
        )


def _require_phase(retro: Retro, phases: tuple[str, ...], what: str) -> None:
    if retro.phase not in phases:
        names = " or ".join(phases)
        raise ValidationError(
            {"phase": [f"{what} in the {names} phase; this board is in the {retro.phase} phase."]}
        )


def team_person(workspace: Workspace, team: Team, pk: Any, field: str) -> Person:
    person = Person.objects.filter(workspace=workspace, pk=pk, teams=team).first() if pk else None
    if person is None:
        raise ValidationError({field: [f"No person {pk!r} in the team {team.name}."]})
    return person


@transaction.atomic
def create_retro(
    access: Access,
    user: Any,
    *,
    team: Team | None,
    format: str,
    title: str = "",
    held_on: date | None = None,
    facilitator: Any = None,
    votes_per_person: int = 3,
    now: datetime | None = None,
) -> Retro:
    """Open a new board for ``team`` (lead role); it starts in the write phase."""
    access.require(Role.LEAD)
    now = now or timezone.now()
    if team is None or team.workspace_id != access.workspace.pk:
        raise ValidationError({"team": ["No such team in this workspace."]})
    if format not in FORMATS:
        raise ValidationError({"format": [f"{format!r} is not one of {', '.join(FORMATS)}."]})
    problem = bounds.RETRO_VOTES.problem(votes_per_person)
    if problem:
        raise ValidationError({"votes_per_person": [problem]})
    held_on = held_on or timezone.localdate(now)
    problem = bounds.date_problem(held_on, timezone.localdate())
    if problem:
        raise ValidationError({"held_on": [problem]})
    title = (title or "").strip() or f"{team.name} retro {held_on.isoformat()}"
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": [f"At most {MAX_TITLE} characters."]})
    person = (
        team_person(access.workspace, team, facilitator, "facilitator") if facilitator else None
    )
    retro = Retro.objects.create(
        workspace=access.workspace, team=team, title=title, format=format, held_on=held_on,
        facilitator=person, votes_per_person=votes_per_person, created_at=now,
    )  # fmt: skip
    audit(access.workspace, user, "retro.create", retro, f"Opened retrospective {title}")
    return retro


def voter_key(retro: Retro, user: Any) -> str:
    """A keyed hash of (board, user): limits dots per person without storing who voted."""
    message = f"retro-vote:{retro.pk}:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@transaction.atomic
def add_card(
    access: Access, retro: Retro, user: Any, *, column: str, text: str, anonymous: bool = False,
    now: datetime | None = None,
) -> CardOut:  # fmt: skip
    """Write a card (member role, write phase); an anonymous card keeps no author."""
    access.require(Role.MEMBER)
    _require_phase(retro, WRITE_PHASES, "Cards are written")
    if column not in {c.key for c in columns_of(retro.format)}:
        keys = ", ".join(c.key for c in columns_of(retro.format))
        raise ValidationError({"column": [f"{column!r} is not a column of this board ({keys})."]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Write something on the card."]})
    if len(text) > MAX_CARD:
        raise ValidationError({"text": [f"At most {MAX_CARD} characters."]})
    card = Card.objects.create(
        workspace=retro.workspace, retro=retro, column=column, text=text,
        author=None if anonymous else user,
        created_on=timezone.localdate(now or timezone.now()),
    )  # fmt: skip
    bump(retro)
    return _card_out(card, {})


@transaction.atomic
def create_group(
    access: Access, retro: Retro, user: Any, *, title: str, cards: list[int]
) -> GroupOut:
    """Put ``cards`` under a new group titled ``title`` (runs the board; group phase)."""
    require_run(access, retro, user)
    _require_phase(retro, GROUP_PHASES, "Cards are grouped")
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": ["Give the group a title."]})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": [f"At most {MAX_TITLE} characters."]})
    found = list(Card.objects.filter(retro=retro, pk__in=cards or []))
    if not found or len(found) != len(set(cards)):
        raise ValidationError({"cards": ["Choose one or more cards of this board."]})
    group = CardGroup.objects.create(workspace=retro.workspace, retro=retro, title=title)
    Card.objects.filter(pk__in=[c.pk for c in found]).update(group=group)
    CardGroup.objects.filter(retro=retro, cards__isnull=True).delete()
    bump(retro)
    return {"id": group.pk, "title": title, "cards": sorted(c.pk for c in found), "votes": 0}


@transaction.atomic
def ungroup_card(access: Access, retro: Retro, user: Any, card: int) -> None:
    """Take a card out of its group; a group left empty goes (runs the board; group phase)."""
    require_run(access, retro, user)
    _require_phase(retro, GROUP_PHASES, "Cards are grouped")
    if not Card.objects.filter(retro=retro, pk=card).update(group=None):
        raise ValidationError({"card": [f"No card {card} on this board."]})
    CardGroup.objects.filter(retro=retro, cards__isnull=True).delete()
    bump(retro)


def _target(retro: Retro, card: int | None, group: int | None) -> dict[str, Any]:
    if (card is None) == (group is None):
        raise ValidationError({"card": ["Vote for one card or one group."]})
    if group is not None:
        g = CardGroup.objects.filter(retro=retro, pk=group).first()
        if g is None:
            raise ValidationError({"group": [f"No group {group} on this board."]})
        return {"group": g}
    c = Card.objects.filter(retro=retro, pk=card or 0).first()
    if c is None:
        raise ValidationError({"card": [f"No card {card} on this board."]})
    if c.group_id is not None:
        raise ValidationError({"card": ["This card is in a group: vote for the group."]})
    return {"card": c}


@transaction.atomic
def vote(
    access: Access, retro: Retro, user: Any, *, card: int | None = None, group: int | None = None
) -> int:
    """Place one dot (member role, vote phase); return the dots the voter has left."""
    access.require(Role.MEMBER)
    _require_phase(retro, VOTE_PHASES, "Dots are placed")
    target = _target(retro, card, group)
    # Lock the board row so two quick clicks cannot both take the last dot.
    Retro.objects.select_for_update().filter(pk=retro.pk).first()
    key = voter_key(retro, user)
    used = Vote.objects.filter(retro=retro, voter_key=key).count()
    if used >= retro.votes_per_person:
        raise ValidationError(
            {"votes": [f"You have placed all {retro.votes_per_person} of your votes; "
                       "take one back to move it."]}
        )  # fmt: skip
    Vote.objects.create(workspace=retro.workspace, retro=retro, voter_key=key, **target)
    bump(retro)
    return retro.votes_per_person - used - 1


@transaction.atomic
def unvote(
    access: Access, retro: Retro, user: Any, *, card: int | None = None, group: int | None = None
) -> int:
    """Take back one of the caller's dots on a card or group; return the dots left."""
    access.require(Role.MEMBER)
    _require_phase(retro, VOTE_PHASES, "Dots are moved")
    target = _target(retro, card, group)
    key = voter_key(retro, user)
    mine = Vote.objects.filter(retro=retro, voter_key=key, **target).first()
    if mine is None:
        raise ValidationError({"votes": ["You have no vote there to take back."]})
    mine.delete()
    bump(retro)
    return retro.votes_per_person - Vote.objects.filter(retro=retro, voter_key=key).count()


@transaction.atomic
def set_phase(
    access: Access, retro: Retro, user: Any, phase: str, now: datetime | None = None
) -> Retro:
    """Move the board to ``phase`` (runs the board); closing stamps the time, stops the timer."""
    require_run(access, retro, user)
    if phase not in PHASE_KEYS:
        raise ValidationError({"phase": [f"{phase!r} is not one of {', '.join(PHASE_KEYS)}."]})
    now = now or timezone.now()
    before = retro.phase
    retro.phase = phase
    retro.closed_at = now if phase == "closed" else None
    retro.timer_ends_at = None
    retro.version += 1
    retro.save(update_fields=["phase", "closed_at", "timer_ends_at", "version"])
    audit(access.workspace, user, "retro.phase", retro,
          f"Retrospective {retro.title}: {before} → {phase}", {"phase": [before, phase]})  # fmt: skip
    return retro


@transaction.atomic
def set_timer(
    access: Access, retro: Retro, user: Any, minutes: int | None, now: datetime | None = None
) -> Retro:
    """Start a timebox of ``minutes`` (runs the board); None or 0 stops it."""
    require_run(access, retro, user)
    if minutes:
        problem = bounds.RETRO_TIMER_MINUTES.problem(minutes)
        if problem:
            raise ValidationError({"minutes": [problem]})
        retro.timer_ends_at = (now or timezone.now()) + timedelta(minutes=minutes)
    else:
        retro.timer_ends_at = None
    retro.version += 1
    retro.save(update_fields=["timer_ends_at", "version"])
    return retro


def _card_out(card: Card, votes: dict[int, int]) -> CardOut:
    author = card.author
    return {
        "id": card.pk, "column": card.column, "text": card.text,
        "author": author.get_username() if author is not None else "",
        "anonymous": author is None, "group": card.group_id, "votes": votes.get(card.pk, 0),
    }  # fmt: skip


def board(access: Access, retro: Retro, user: Any, today: date | None = None) -> BoardOut:
    """Return the whole board as the caller sees it (their own dots, whether they run it)."""
    retro.refresh_from_db()
    today = today or timezone.localdate()
    tallies = Vote.objects.filter(retro=retro).values("card", "group").annotate(n=Count("id"))
    card_votes = {t["card"]: t["n"] for t in tallies if t["card"]}
    group_votes = {t["group"]: t["n"] for t in tallies if t["group"]}
    cards = list(Card.objects.filter(retro=retro).select_related("author"))
    groups = [
        {"id": g.pk, "title": g.title, "votes": group_votes.get(g.pk, 0),
         "cards": [c.pk for c in cards if c.group_id == g.pk]}
        for g in CardGroup.objects.filter(retro=retro)
    ]  # fmt: skip
    mine = Vote.objects.filter(retro=retro, voter_key=voter_key(retro, user))
    my_votes = [f"card:{v.card_id}" if v.card_id else f"group:{v.group_id}" for v in mine]
    f = retro.facilitator
    return {
        "id": retro.pk, "title": retro.title, "team": retro.team.slug,
        "team_name": retro.team.name, "format": retro.format,
        "format_title": FORMATS[retro.format].title, "phase": retro.phase,  # type: ignore[typeddict-item]
        "phases": list(PHASE_KEYS), "facilitator": f.pk if f else None,
        "facilitator_name": f.name if f else "", "held_on": retro.held_on,
        "votes_per_person": retro.votes_per_person,
        "votes_left": max(0, retro.votes_per_person - len(my_votes)), "my_votes": my_votes,
        "timer_ends_at": retro.timer_ends_at, "version": retro.version,
        "columns": [{"key": c.key, "title": c.title, "prompt": c.prompt}
                    for c in columns_of(retro.format)],
        "cards": [_card_out(c, card_votes) for c in cards],
        "groups": groups,  # type: ignore[typeddict-item]
        "actions": [action_out(a, today) for a in retro.actions.select_related("owner", "team", "retro")],
        "carried": carried_actions(retro, today),
        "can_run": can_run(access, retro, user),
    }  # fmt: skip


def retros(workspace: Workspace, team: Team | None = None, limit: int = 50) -> list[RetroSummary]:
    """Return the workspace's (or a team's) boards, newest first."""
    qs = Retro.objects.filter(workspace=workspace).select_related("team")
    if team is not None:
        qs = qs.filter(team=team)
    qs = qs.annotate(
        n_cards=Count("cards", distinct=True), n_actions=Count("actions", distinct=True)
    )
    return [
        {"id": r.pk, "title": r.title, "team": r.team.slug, "team_name": r.team.name,
         "format": r.format, "phase": r.phase, "held_on": r.held_on,  # type: ignore[typeddict-item]
         "cards": r.n_cards, "actions": r.n_actions}  # type: ignore[attr-defined]
        for r in qs[:limit]
    ]  # fmt: skip


def changed_since(retro: Retro, version: int) -> bool:
    return Retro.objects.filter(pk=retro.pk).exclude(version=version).exists()


def team_people(team: Team) -> list[Person]:
    return list(team.people.filter(active=True).order_by("name"))
