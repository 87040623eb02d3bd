"""Pulse services: start pulses and rounds, personal links, anonymous answers, closing, k.

Results, trends, the portfolio, the CSV and the Radar's input are in :mod:`.reports`, all
through one privacy decision (:mod:`.privacy`). ``round_changes`` (re-exported here) gives the
Radar each team's round-over-round changes, k respected.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from leadline.workspaces.models import Person, Role, Team, Workspace, hash_token
from leadline.workspaces.services import Access, audit

from . import catalog, delivery
from .catalog import SCALES, WORDS, Item
from .models import MAX_K, MIN_K, Comment, Invitation, Pulse, PulseSettings, Response, Round
from .results import ItemText, PulseCreated, PulseLinkOut, SubmitOut, TeamChanges

_LOOKUP = 12
MAX_COMMENT = 2000
MAX_QUESTIONS = 30
MAX_QUESTION = 300
OPEN_DAYS = (1, 28)
SCHEDULE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 28}
_shuffle = secrets.SystemRandom().shuffle


class Refused(Exception):
    """A pulse link that does not open: ``reason`` unknown, used or closed."""

    def __init__(self, reason: str, workspace: Workspace | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.workspace = workspace


# --- k ---------------------------------------------------------------------------------------
def min_group_size(workspace: Workspace) -> int:
    row = PulseSettings.objects.filter(workspace=workspace).first()
    return row.min_group_size if row else PulseSettings._meta.get_field("min_group_size").default


def set_min_group_size(access: Access, value: Any, actor: Any = None) -> int:
    """Set the workspace's minimum group size k (lead role), from 3 to 10."""
    access.require(Role.LEAD)
    try:
        k = int(str(value).strip())
    except ValueError:
        k = 0
    if not MIN_K <= k <= MAX_K:
        raise ValidationError({"min_group_size": f"Use {MIN_K} to {MAX_K} people."})
    PulseSettings.objects.update_or_create(workspace=access.workspace,
                                           defaults={"min_group_size": k})  # fmt: skip
    audit(access.workspace, actor, "update", None, f"Pulse minimum group size is now {k}")
    return k


# --- items -----------------------------------------------------------------------------------
def items_of(pulse: Pulse) -> list[Item]:
    return [Item(**i) for i in pulse.items]


def item_texts(items: list[Item]) -> list[ItemText]:
    return [
        ItemText(
            key=i.key,
            text=i.text,
            scale=i.scale,
            options=list(SCALES[i.scale].labels),
            reverse=i.reverse,
        )  # fmt: skip
        for i in items
    ]


def custom_items(questions: list[Any], scale: str = "agree5") -> list[Item]:
    """Turn custom questions (texts, or {text, reverse}) into items on one agreement scale."""
    if scale not in {"agree5", "agree7"}:
        raise ValidationError({"scale": "Use agree5 or agree7."})
    if not questions or len(questions) > MAX_QUESTIONS:
        raise ValidationError({"questions": f"Give 1 to {MAX_QUESTIONS} questions."})
    items = []
    for n, q in enumerate(questions, 1):
        text = (q.get("text", "") if isinstance(q, dict) else str(q)).strip()
        if not text or len(text) > MAX_QUESTION:
            raise ValidationError({"questions": f"Question {n}: 1 to {MAX_QUESTION} characters."})
        reverse = bool(q.get("reverse", False)) if isinstance(q, dict) else False
        items.append(Item(f"q{n}", text, scale, reverse=reverse))
    return items


# --- pulses and rounds -----------------------------------------------------------------------
@transaction.atomic
def create_pulse(
    access: Access,
    team: Team,
    template: str,
    *,
    questions: list[Any] | None = None,
    scale: str = "agree5",
    title: str = "",
    schedule: str = Pulse.Schedule.FORTNIGHTLY,
    open_days: int = 5,
    closes_at: datetime | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> PulseCreated:
    """Start a pulse for ``team`` (lead role) and its first round; return it with one personal
    link per member (random order, no names)."""
    access.require(Role.LEAD)
    now = now or timezone.now()
    if team.workspace_id != access.workspace.pk:
        raise Http404("No such team")
    if template in (catalog.PSYCHOLOGICAL_SAFETY, catalog.HEALTH_CHECK):
        items = catalog.template_items(template)
    elif template == catalog.CUSTOM:
        items = custom_items(questions or [], scale)
    else:
        raise ValidationError({"template": "Use psychological-safety, health-check or custom."})
    if schedule not in Pulse.Schedule.values:
        raise ValidationError({"schedule": f"Use one of {', '.join(Pulse.Schedule.values)}."})
    if not OPEN_DAYS[0] <= int(open_days) <= OPEN_DAYS[1]:
        raise ValidationError({"open_days": f"Use {OPEN_DAYS[0]} to {OPEN_DAYS[1]} days."})
    title = (title or catalog.TEMPLATES[template]).strip()[:200]
    pulse = Pulse.objects.create(
        workspace=access.workspace, team=team, template=template, title=title,
        items=[vars(i) for i in items], schedule=schedule, open_days=open_days, created_at=now,
        created_by_name=actor.get_username() if getattr(actor, "pk", None) else "system",
    )  # fmt: skip
    audit(access.workspace, actor, "create", pulse, f"Started pulse {pulse}")
    rnd, links = start_round(access, pulse, now=now, closes_at=closes_at, actor=actor)
    return PulseCreated(
        id=pulse.pk, team=team.slug, template=template, title=title, schedule=schedule,
        round=rnd.number, closes_at=rnd.closes_at, items=item_texts(items), links=links,
    )  # fmt: skip


def _invitees(team: Team) -> list[Person]:
    return list(team.people.filter(active=True, kind=Person.Kind.MEMBER))


@transaction.atomic
def start_round(
    access: Access,
    pulse: Pulse,
    *,
    now: datetime | None = None,
    closes_at: datetime | None = None,
    actor: Any = None,
) -> tuple[Round, list[PulseLinkOut]]:
    """Open the pulse's next round (lead role), closing any open one, and invite every active
    member of the team; return the round and the links (random order, no names)."""
    access.require(Role.LEAD)
    now = now or timezone.now()
    if pulse.workspace_id != access.workspace.pk:
        raise Http404("No such pulse")
    closes_at = closes_at or now + timedelta(days=pulse.open_days)
    if not now < closes_at <= now + timedelta(days=OPEN_DAYS[1]):
        raise ValidationError({"closes_at": f"Close after now, within {OPEN_DAYS[1]} days."})
    Round.objects.filter(pulse=pulse, closed=False).update(closed=True)
    last = pulse.rounds.order_by("-number").first()
    people = _invitees(pulse.team)
    rnd = Round.objects.create(
        workspace=access.workspace, pulse=pulse, number=(last.number + 1) if last else 1,
        opens_at=now, closes_at=closes_at, invited=len(people),
    )  # fmt: skip
    _shuffle(people)  # invitation ids must not follow the team's order either
    links = []
    for person in people:
        inv, token = invite(rnd, person)
        url = reverse("pulse-answer", args=[access.workspace.slug, token])
        links.append(PulseLinkOut(url=url, token=token))
        delivery.send_link(inv, token)
    delivery.tell_channels(rnd, f"Round {rnd.number} is open until {closes_at:%Y-%m-%d}: "
                           f"{len(people)} people invited, each by a personal link.")  # fmt: skip
    audit(access.workspace, actor, "create", rnd,
          f"Opened {rnd}: {len(people)} invited, closes {closes_at:%Y-%m-%d}")  # fmt: skip
    return rnd, links


def invite(rnd: Round, person: Person) -> tuple[Invitation, str]:
    """Make ``person``'s personal link to ``rnd``; return it with the raw token (never stored)."""
    lookup = secrets.token_hex(_LOOKUP // 2)
    raw = f"{lookup}{secrets.token_urlsafe(32)}"
    inv = Invitation.objects.create(workspace=rnd.workspace, round=rnd, person=person,
                                    lookup=lookup, digest=hash_token(raw))  # fmt: skip
    return inv, raw


def is_closed(rnd: Round, now: datetime) -> bool:
    return rnd.closed or now >= rnd.closes_at


def close_round(access: Access, rnd: Round, actor: Any = None) -> Round:
    """Close a round now (lead role): links stop working, results may appear."""
    access.require(Role.LEAD)
    if rnd.workspace_id != access.workspace.pk:
        raise Http404("No such round")
    if not rnd.closed:
        Round.objects.filter(pk=rnd.pk).update(closed=True)
        rnd.closed = True
        audit(access.workspace, actor, "close", rnd, f"Closed {rnd}")
    return rnd


# --- answering -------------------------------------------------------------------------------
def open_link(token: str, slug: str | None = None, now: datetime | None = None) -> Invitation:
    """Return the invitation of a personal link that may still answer.

    Raises Refused: "unknown" (made up, altered, or another workspace's when ``slug`` is
    given), "used" (it answered already: links are single-use) or "closed" (the round closed;
    links expire with it). Nothing is audited: a log of who answered when would undo anonymity.
    """
    now = now or timezone.now()
    inv = (
        Invitation.objects.select_related("round__pulse__team", "workspace")
        .filter(lookup=token[:_LOOKUP])
        .first()
        if len(token) > _LOOKUP
        else None
    )
    if (
        inv is None
        or not hmac.compare_digest(inv.digest, hash_token(token))
        or (slug is not None and inv.workspace.slug != slug)
    ):
        raise Refused("unknown")
    if is_closed(inv.round, now):
        raise Refused("closed", inv.workspace)
    if inv.answered:
        raise Refused("used", inv.workspace)
    return inv


def clean_answers(items: list[Item], answers: dict[str, Any]) -> dict[str, int]:
    """Check that every item is answered once on its scale (numbers, or red/amber/green and
    worse/same/better); raise ValidationError naming the item."""
    keys = {i.key for i in items}
    errors: dict[str, str] = {k: "Not an item of this pulse." for k in answers if k not in keys}
    out: dict[str, int] = {}
    for item in items:
        raw = answers.get(item.key)
        size = SCALES[item.scale].size
        value: Any = raw
        if isinstance(raw, str):
            word = raw.strip().lower()
            value = int(word) if word.isdigit() else WORDS.get(word, raw)
        if raw is None or raw == "":
            errors[item.key] = "Answer this one."
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= size:
            errors[item.key] = f"Answer 1 to {size}."
        else:
            out[item.key] = value
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def submit(
    token: str,
    answers: dict[str, Any],
    comment: str = "",
    *,
    slug: str | None = None,
    now: datetime | None = None,
) -> SubmitOut:
    """Store one anonymous response through a personal link (once per link, while open).

    The response row gets the round, the answers and the day; the comment goes to a separate
    row. Then the round's responses and comments are rewritten in a random order with new
    random ids, and every invitation of the round is touched, all in this transaction: no id,
    row order or row version tells which row came from which invitation.
    """
    now = now or timezone.now()
    inv = open_link(token, slug, now)
    rnd = inv.round
    values = clean_answers(items_of(rnd.pulse), answers or {})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": f"At most {MAX_COMMENT} characters."})
    # Single use, also between two requests racing with the same link.
    if not Invitation.objects.filter(pk=inv.pk, answered=False).update(answered=True):
        raise Refused("used", inv.workspace)
    # The round's first day, not the answer's: an answer's own day, read beside the reminders
    # (sent per person on a known day), could tell whose answer came after a reminder.
    day = timezone.localtime(rnd.opens_at, ZoneInfo(rnd.workspace.tz)).date()
    rows = list(Response.objects.filter(round=rnd).values_list("answers", "submitted_on"))
    rows.append((values, day))
    texts = list(Comment.objects.filter(round=rnd).values_list("text", flat=True))
    if comment:
        texts.append(comment)
    _shuffle(rows)
    _shuffle(texts)
    Response.objects.filter(round=rnd).delete()
    Comment.objects.filter(round=rnd).delete()
    Response.objects.bulk_create(
        Response(workspace=rnd.workspace, round=rnd, answers=a, submitted_on=d) for a, d in rows
    )
    Comment.objects.bulk_create(Comment(workspace=rnd.workspace, round=rnd, text=t) for t in texts)
    Invitation.objects.filter(round=rnd).update(reminders=F("reminders"))
    return SubmitOut(recorded=True, round=rnd.number)


def pulse_in(workspace: Workspace, pk: Any) -> Pulse:
    """Return the workspace's pulse ``pk`` (another workspace's, or none: 404)."""
    try:
        pulse = Pulse.objects.select_related("team").filter(workspace=workspace, pk=int(pk)).first()
    except (TypeError, ValueError):
        pulse = None
    if pulse is None:
        raise Http404("No such pulse")
    return pulse


def round_changes(workspace: Workspace, now: datetime | None = None) -> list[TeamChanges]:
    """Return, per team and pulse, the change between its last two released rounds (overall
    and per item, 0-1), its split items and participation counts: what Radar rules read.
    Only released rounds (k respected) carry figures; never anyone's answers."""
    from .reports import round_changes as changes

    return changes(workspace, now or timezone.now())
