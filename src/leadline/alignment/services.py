"""Alignment-check services: create and send a check, answer it by link, close it, and the
open disagreements a Radar rule can read (:func:`open_disagreements`).

Pages, API and CLI call these; each validates (ValidationError naming the field), checks the
caller's role, writes the audit log and returns a typed result. What a question may ask and
what answers it takes are checked in :mod:`.questions`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from typing_extensions import TypedDict

from leadline.workspaces import links
from leadline.workspaces.models import Person, Role, StakeholderLink, Team
from leadline.workspaces.services import Access, audit

from .models import AlignmentCheck, Answer, Question, Respondent
from .questions import QuestionSpec, clean_questions, clean_value

PURPOSE = StakeholderLink.Purpose.ALIGNMENT
MAX_AUDIENCE = 200


@dataclass
class IssuedLink:
    respondent: Respondent
    url: str
    token: str


def link_path(check: AlignmentCheck, token: str) -> str:
    return reverse("alignment-link", args=[check.workspace.slug, token])


@transaction.atomic
def create_check(
    access: Access,
    title: str,
    questions: list[QuestionSpec],
    people: list[Person],
    *,
    team: Team | None = None,
    closes_at: datetime | None = None,
    consensus: int = 75,
    actor: Any = None,
    now: datetime | None = None,
) -> tuple[AlignmentCheck, list[IssuedLink]]:
    """Create a check and a personal link for each of ``people`` (lead role); each link expires
    when the check closes. Return the check and the links (shown once, never stored)."""
    access.require(Role.LEAD)
    now = now or timezone.now()
    title = title.strip()
    if not title or len(title) > 200:
        raise ValidationError({"title": "Give the check a title of 1–200 characters."})
    closes_at = closes_at or now + timedelta(days=14)
    if closes_at <= now:
        raise ValidationError({"closes_at": "The close date must be in the future."})
    if closes_at > now + timedelta(days=settings.LINK_MAX_DAYS):
        raise ValidationError(
            {"closes_at": f"A check closes within {settings.LINK_MAX_DAYS} days (its links "
             "expire then)."}
        )  # fmt: skip
    if not 50 <= consensus <= 100:
        raise ValidationError({"consensus": "The consensus threshold is 50 to 100 percent."})
    if team is not None and team.workspace_id != access.workspace.pk:
        raise Http404("No such team")
    specs = clean_questions(questions, access.workspace)
    audience = {p.pk: p for p in people}
    if not audience:
        raise ValidationError({"audience": "Invite at least one person."})
    if len(audience) > MAX_AUDIENCE:
        raise ValidationError({"audience": f"Invite at most {MAX_AUDIENCE} people."})
    if any(p.workspace_id != access.workspace.pk for p in audience.values()):
        raise Http404("No such person")
    check = AlignmentCheck.objects.create(
        workspace=access.workspace,
        team=team,
        title=title,
        closes_at=closes_at,
        consensus=consensus,
        created_at=now,
        created_by_name=actor.get_username() if getattr(actor, "pk", None) else "system",
    )
    for position, spec in enumerate(specs):
        Question.objects.create(alignment_check=check, position=position, **spec)
    audit(access.workspace, actor, "create", check, f"Created alignment check {title}")
    issued = [
        issue_link(access, check, person, actor=actor, now=now)
        for person in sorted(audience.values(), key=lambda p: p.name)
    ]
    return check, issued


def issue_link(
    access: Access,
    check: AlignmentCheck,
    person: Person,
    *,
    actor: Any = None,
    now: datetime | None = None,
) -> IssuedLink:
    """Make ``person``'s personal link to ``check`` (lead role), expiring when it closes; a
    previous link of theirs is revoked. Adds them to the audience if needed."""
    access.require(Role.LEAD)
    if check.workspace_id != access.workspace.pk or person.workspace_id != access.workspace.pk:
        raise Http404("No such check")
    now = now or timezone.now()
    if not check.is_open(now):
        raise ValidationError({"closes_at": "This check is closed; it takes no more answers."})
    respondent, _ = Respondent.objects.get_or_create(alignment_check=check, person=person)
    if respondent.link is not None and respondent.link.revoked_at is None:
        links.revoke_link(access, respondent.link.pk, PURPOSE, check, actor=actor)
    days = max(1, math.ceil((check.closes_at - now).total_seconds() / 86400))
    link, token = links.issue_link(
        access, PURPOSE, check, person, days=min(days, settings.LINK_MAX_DAYS), actor=actor, now=now
    )
    StakeholderLink.objects.filter(pk=link.pk).update(expires_at=check.closes_at)
    respondent.link = link
    respondent.save(update_fields=["link"])
    return IssuedLink(respondent, f"{settings.BASE_URL}{link_path(check, token)}", token)


def resolve_link(slug: str, token: str, now: datetime | None = None) -> Respondent:
    """Return the respondent a link opens. Raises LinkRefused: unknown (altered, another
    workspace's or purpose's, or replaced by a newer link), revoked, or expired (the check
    closed)."""
    link = links.resolve(slug, token, PURPOSE, now=now)
    respondent = (
        Respondent.objects.select_related("alignment_check__workspace", "person")
        .filter(link=link, alignment_check__workspace=link.workspace)
        .first()
    )
    if respondent is None:
        raise links.LinkRefused("unknown")
    if respondent.alignment_check.closed_at is not None:
        raise links.LinkRefused("expired", link)
    return respondent


@transaction.atomic
def submit(
    respondent: Respondent,
    answers: dict[int, Any],
    *,
    named: bool = False,
    now: datetime | None = None,
) -> Respondent:
    """Store (or replace) a respondent's answers while the check is open. ``answers`` maps a
    question id to its value (shapes in docs/alignment.md); a question left out is unanswered."""
    now = now or timezone.now()
    check = AlignmentCheck.objects.select_for_update().get(pk=respondent.alignment_check_id)
    if not check.is_open(now):
        raise ValidationError({"answers": "This check is closed; answers can no longer change."})
    questions = {q.pk: q for q in check.questions.all()}
    unknown = set(answers) - set(questions)
    if unknown:
        raise ValidationError({"answers": f"No question {min(unknown)} in this check."})
    cleaned = {qid: clean_value(questions[qid], v) for qid, v in answers.items()}
    for qid, value in cleaned.items():
        if value is None:
            Answer.objects.filter(respondent=respondent, question_id=qid).delete()
        else:
            Answer.objects.update_or_create(
                respondent=respondent, question_id=qid, defaults={"value": value}
            )
    first = respondent.submitted_at is None
    respondent.submitted_at = respondent.submitted_at or now
    respondent.updated_at = now
    respondent.named = named
    respondent.save(update_fields=["submitted_at", "updated_at", "named"])
    audit(
        check.workspace,
        None,
        "answer" if first else "update",
        check,
        f"{respondent.person.name} {'answered' if first else 'changed their answers to'} {check}",
        actor_name=f"{respondent.person.name} (link)",
    )
    return respondent


def get_check(access: Access, pk: int) -> AlignmentCheck:
    """Return the workspace's check ``pk`` (another workspace's is a 404)."""
    check = AlignmentCheck.objects.filter(workspace=access.workspace, pk=pk).first()
    if check is None:
        raise Http404("No such alignment check")
    return check


def show_results(access: Access, check: AlignmentCheck, actor: Any = None) -> AlignmentCheck:
    """Make the answers visible to the workspace (lead role)."""
    access.require(Role.LEAD)
    if not check.results_shown:
        check.results_shown = True
        check.save(update_fields=["results_shown"])
        audit(access.workspace, actor, "update", check, f"Showed the results of {check}")
    return check


def close_check(
    access: Access, check: AlignmentCheck, actor: Any = None, now: datetime | None = None
) -> AlignmentCheck:
    """Close the check now (lead role): links stop working, results are shown."""
    access.require(Role.LEAD)
    now = now or timezone.now()
    if check.closed_at is None:
        check.closed_at = min(now, check.closes_at)
        check.results_shown = True
        check.save(update_fields=["closed_at", "results_shown"])
        # The links expire now (not revoked): their page says the check closed when it did.
        StakeholderLink.objects.filter(
            pk__in=check.respondents.exclude(link=None).values("link"), expires_at__gt=now
        ).update(expires_at=now)
        audit(access.workspace, actor, "close", check, f"Closed alignment check {check}")
    return check


class Progress(TypedDict):
    invited: int
    answered: int
    answered_names: list[str]
    waiting_names: list[str]


def progress(check: AlignmentCheck) -> Progress:
    """Who has answered and who has not: names only, never what they answered."""
    rows = list(check.respondents.select_related("person"))
    done = [r.person.name for r in rows if r.submitted_at is not None]
    waiting = [r.person.name for r in rows if r.submitted_at is None]
    return {
        "invited": len(rows),
        "answered": len(done),
        "answered_names": done,
        "waiting_names": waiting,
    }


def results_visible(check: AlignmentCheck) -> bool:
    return check.results_shown or check.closed_at is not None


class Disagreement(TypedDict):
    check_id: int
    check: str
    question_id: int
    question: str
    kind: str
    measure: str
    value: float | None
    contested: list[str]
    who: list[str]
    framework_mismatch: str


def open_disagreements(workspace: Any, now: datetime | None = None) -> list[Disagreement]:
    """Return the disagreements of the workspace's checks whose results are shown and that
    closed at most 42 days ago (or are open): per question, what is contested and who took
    part in the disagreement (names; whom to talk to). The seam for a Radar rule."""
    from .results import results_for  # results imports this module

    now = now or timezone.now()
    since = now - timedelta(days=42)
    out: list[Disagreement] = []
    checks = AlignmentCheck.objects.filter(workspace=workspace).exclude(closed_at__lt=since)
    for check in checks:
        if not results_visible(check):
            continue
        for q in results_for(check)["questions"]:
            if not q["disagreement"] and not q["framework_mismatch"]:
                continue
            out.append(
                {
                    "check_id": check.pk,
                    "check": check.title,
                    "question_id": q["id"],
                    "question": q["text"],
                    "kind": q["kind"],
                    "measure": q["measure"]["name"],
                    "value": q["measure"]["value"],
                    "contested": q["contested_items"],
                    "who": q["dissenters"],
                    "framework_mismatch": q["framework_mismatch"] or "",
                }
            )
    return out


class Unanswered(TypedDict):
    check_id: int
    check: str
    closes_at: datetime
    waiting: list[str]
    invited: int


def unanswered_checks(workspace: Any, now: datetime | None = None) -> list[Unanswered]:
    """Return the open checks with people who have not answered yet (names: whom to remind),
    closing soonest first. The seam for the Radar's "unanswered checks" rule."""
    now = now or timezone.now()
    out: list[Unanswered] = []
    checks = AlignmentCheck.objects.filter(workspace=workspace, closed_at=None, closes_at__gt=now)
    for check in checks.order_by("closes_at"):
        p = progress(check)
        if p["waiting_names"]:
            out.append(
                {
                    "check_id": check.pk,
                    "check": check.title,
                    "closes_at": check.closes_at,
                    "waiting": p["waiting_names"],
                    "invited": p["invited"],
                }
            )
    return out


def resolve_token(token: str, now: datetime | None = None) -> Respondent:
    """Return the respondent of a link given without its workspace (the API's form)."""
    link = (
        StakeholderLink.objects.select_related("workspace").filter(lookup=token[:12]).first()
        if len(token) > 12
        else None
    )
    return resolve_link(link.workspace.slug if link else "", token, now=now)
