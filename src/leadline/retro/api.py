"""Retrospective API: boards, cards, groups, votes, phases, the timer, actions and themes,
under /workspaces/{workspace}/retros; the same services as the pages."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field, StrictBool

from leadline import bounds
from leadline.api_input import Id, Input, PlausibleDate, number, text
from leadline.workspaces.models import Role
from leadline.workspaces.services import access_for, team_by_slug

from . import actions, services, themes
from .formats import FORMATS, PHASE_KEYS
from .models import Action, Card, CardGroup, Retro
from .results import ActionOut, BoardOut, CardOut, GroupOut, RetroSummary, ThemeOut

router = Router(tags=["retro"])
WS = "/workspaces/{workspace}/retros"

FormatName = Literal["start-stop-continue", "4ls", "sailboat", "mad-sad-glad"]
PhaseName = Literal["write", "group", "vote", "discuss", "actions", "closed"]
assert set(FormatName.__args__) == set(FORMATS)  # type: ignore[attr-defined]
assert set(PhaseName.__args__) == set(PHASE_KEYS)  # type: ignore[attr-defined]


class RetroIn(Input):
    team: Annotated[str, Field(min_length=1, max_length=64, description="The team's slug.")]
    format: FormatName
    title: Annotated[str, text(Retro, "title")] = ""
    held_on: PlausibleDate | None = None
    facilitator: Annotated[Id | None, Field(description="A person of the team (id).")] = None
    votes_per_person: Annotated[int, number(bounds.RETRO_VOTES, "Dots per person:")] = 3


class CardIn(Input):
    column: Annotated[str, Field(max_length=32, description="A column key of the board's format.")]
    text: Annotated[str, text(Card, "text")]
    anonymous: Annotated[StrictBool, Field(description="True keeps no author.")] = False


class GroupIn(Input):
    title: Annotated[str, text(CardGroup, "title")]
    cards: Annotated[list[Id], Field(min_length=1, max_length=500, description="Card ids.")]


class VoteIn(Input):
    card: Annotated[Id | None, Field(description="A card not in a group.")] = None
    group: Annotated[Id | None, Field(description="A group.")] = None


class PhaseIn(Input):
    phase: PhaseName


class TimerIn(Input):
    minutes: Annotated[int, Field(ge=0, le=bounds.RETRO_TIMER_MINUTES.high,
                                  description="Length of the timebox; 0 stops the timer.")]  # fmt: skip


class ActionIn(Input):
    title: Annotated[str, text(Action, "title")]
    owner: Annotated[Id, Field(description="A person of the team (id).")]
    due_on: PlausibleDate


class DropIn(Input):
    reason: Annotated[str, Field(min_length=1, max_length=actions.MAX_REASON,
                                 description="Why the action is dropped.")]  # fmt: skip


class VotesLeft(Input):
    votes_left: Annotated[int, Field(description="Dots you may still place.")]


def _team(access: Any, slug: str | None) -> Any:
    if not slug:
        return None
    team = team_by_slug(access.workspace, slug)
    if team is None:
        raise ValidationError({"team": [f"No team {slug!r} in this workspace."]})
    return team


@router.get(WS, response=list[RetroSummary])
def list_retros(request: HttpRequest, workspace: str, team: str | None = None) -> Any:
    """The boards, newest first; ``team`` a team slug."""
    access = access_for(request.user, workspace)
    return services.retros(access.workspace, _team(access, team))


@router.post(WS, response={201: BoardOut})
def create_retro(request: HttpRequest, workspace: str, body: RetroIn) -> Any:
    """Open a board for a team (lead role); it starts in the write phase."""
    access = access_for(request.user, workspace, Role.LEAD)
    team = _team(access, body.team)
    retro = services.create_retro(
        access, request.user, team=team, format=body.format, title=body.title,
        held_on=body.held_on, facilitator=body.facilitator,
        votes_per_person=body.votes_per_person,
    )  # fmt: skip
    return Status(201, services.board(access, retro, request.user))


@router.get(WS + "/actions", response=list[ActionOut])
def list_open_actions(request: HttpRequest, workspace: str, team: str | None = None) -> Any:
    """Open actions with their age in days, oldest first; ``team`` a team slug."""
    access = access_for(request.user, workspace)
    return actions.open_actions(access.workspace, _team(access, team))


@router.post(WS + "/actions/{pk}/done", response=ActionOut)
def action_done(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """Record an open action done (lead role, or facilitating the team's retro)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    return actions.close_action(access, pk, request.user, "done")


@router.post(WS + "/actions/{pk}/drop", response=ActionOut)
def action_drop(request: HttpRequest, workspace: str, pk: Id, body: DropIn) -> Any:
    """Drop an open action with a reason (lead role, or facilitating the team's retro)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    return actions.close_action(access, pk, request.user, "dropped", body.reason)


@router.get(WS + "/themes", response=list[ThemeOut])
def list_themes(request: HttpRequest, workspace: str, team: str | None = None) -> Any:
    """Themes that came back in three or more retros of a team, with their history."""
    access = access_for(request.user, workspace)
    return themes.recurring_themes(access.workspace, _team(access, team))


@router.get(WS + "/{pk}", response=BoardOut)
def get_board(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """One board: columns, cards, groups, vote counts, your votes, actions, carried actions."""
    access = access_for(request.user, workspace)
    return services.board(access, services.retro_in(access.workspace, pk), request.user)


@router.post(WS + "/{pk}/cards", response={201: CardOut})
def add_card(request: HttpRequest, workspace: str, pk: Id, body: CardIn) -> Any:
    """Write a card (member role, write phase); an anonymous card keeps no author."""
    access = access_for(request.user, workspace, Role.MEMBER)
    retro = services.retro_in(access.workspace, pk)
    card = services.add_card(access, retro, request.user, column=body.column, text=body.text,
                             anonymous=body.anonymous)  # fmt: skip
    return Status(201, card)


@router.post(WS + "/{pk}/groups", response={201: GroupOut})
def add_group(request: HttpRequest, workspace: str, pk: Id, body: GroupIn) -> Any:
    """Group cards under a title (runs the board: lead role or facilitator; group phase)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    retro = services.retro_in(access.workspace, pk)
    group = services.create_group(access, retro, request.user, title=body.title, cards=body.cards)
    return Status(201, group)


@router.post(WS + "/{pk}/votes", response={201: VotesLeft})
def add_vote(request: HttpRequest, workspace: str, pk: Id, body: VoteIn) -> Any:
    """Place one anonymous dot on a card or group (member role, vote phase)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    retro = services.retro_in(access.workspace, pk)
    left = services.vote(access, retro, request.user, card=body.card, group=body.group)
    return Status(201, {"votes_left": left})


@router.delete(WS + "/{pk}/votes", response=VotesLeft)
def remove_vote(request: HttpRequest, workspace: str, pk: Id, body: VoteIn) -> Any:
    """Take back one of your dots (member role, vote phase)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    retro = services.retro_in(access.workspace, pk)
    return {"votes_left": services.unvote(access, retro, request.user, card=body.card,
                                          group=body.group)}  # fmt: skip


@router.post(WS + "/{pk}/phase", response=BoardOut)
def set_phase(request: HttpRequest, workspace: str, pk: Id, body: PhaseIn) -> Any:
    """Move the board to a phase (runs the board)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    retro = services.retro_in(access.workspace, pk)
    services.set_phase(access, retro, request.user, body.phase)
    return services.board(access, retro, request.user)


@router.post(WS + "/{pk}/timer", response=BoardOut)
def set_timer(request: HttpRequest, workspace: str, pk: Id, body: TimerIn) -> Any:
    """Start a timebox of ``minutes`` (0 stops it; runs the board)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    retro = services.retro_in(access.workspace, pk)
    services.set_timer(access, retro, request.user, body.minutes)
    return services.board(access, retro, request.user)


@router.post(WS + "/{pk}/actions", response={201: ActionOut})
def add_action(request: HttpRequest, workspace: str, pk: Id, body: ActionIn) -> Any:
    """Agree an action with an owner and a due date (runs the board; at most three a retro)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    retro = services.retro_in(access.workspace, pk)
    action = actions.add_action(access, retro, request.user, title=body.title, owner=body.owner,
                                due_on=body.due_on)  # fmt: skip
    return Status(201, action)
