"""Alignment-check services: create and send a check, answer it by link, close it, and the
open disagreements a Radar rule can read (:func:`open_disagreements`).

Pages, API and CLI call these; each validates (ValidationError naming the field), checks the
caller's role, writes the audit log and returns a typed result.
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

from leadline import bounds
from leadline.workspaces import links
from leadline.workspaces.models import Person, Role, StakeholderLink, Team
from leadline.workspaces.services import Access, audit

from .models import ITEM_KINDS, AlignmentCheck, Answer, Kind, Question, Respondent

PURPOSE = StakeholderLink.Purpose.ALIGNMENT
MAX_QUESTIONS = 20
MAX_ITEMS = 30
MAX_ITEM_LENGTH = 200
MAX_TEXT_ANSWER = 2000
MAX_CRITERIA = 5
MAX_METRICS = 3
MAX_AUDIENCE = 200


class ItemRef(TypedDict):
    key: str
    type: str
    url: str


class QuestionSpec(TypedDict, total=False):
    kind: str
    text: str
    # Each item is a text, or a work item or epic of the workspace: {"work_item": key}
    # ({"epic": key} is the same); it is stored as "KEY title" with a reference in ``refs``.
    items: list[Any]
    domain: str
    refs: dict[str, ItemRef]


def work_item_label(key: str, title: str) -> str:
    """The item text a work item or epic stands as in a question: "KEY title"."""
    return f"{key} {title}".strip()[:MAX_ITEM_LENGTH]


def _resolve_items(workspace: Any, n: int, raw: list[Any]) -> tuple[list[str], dict[str, ItemRef]]:
    """Turn a question's items (texts or {"work_item": key}) into texts and references."""
    from leadline.delivery.models import WorkItem

    keys = []
    for i in raw:
        if isinstance(i, dict):
            if set(i) - {"work_item", "epic"} or len(i) != 1:
                raise ValidationError(
                    {"questions": f'Question {n}: an item is a text or {{"work_item": key}}.'}
                )
            keys.append(str(next(iter(i.values()))).strip())
    found: dict[str, Any] = {}
    if keys:
        if workspace is None:
            raise ValidationError({"questions": f"Question {n}: work items need a workspace."})
        rows = WorkItem.objects.filter(workspace=workspace, key__in=keys).order_by("key", "id")
        found = {w.key: w for w in rows}
    items: list[str] = []
    refs: dict[str, ItemRef] = {}
    for i in raw:
        if not isinstance(i, dict):
            items.append(str(i).strip())
            continue
        key = str(next(iter(i.values()))).strip()
        w = found.get(key)
        if w is None:
            raise ValidationError({"questions": f"Question {n}: no work item {key[:60]!r}."})
        label = work_item_label(w.key, w.title)
        url = w.url if w.url.startswith(("https://", "http://")) else ""
        items.append(label)
        refs[label] = {"key": w.key, "type": w.type, "url": url}
    return items, refs


@dataclass
class IssuedLink:
    respondent: Respondent
    url: str
    token: str


def link_path(check: AlignmentCheck, token: str) -> str:
    return reverse("alignment-link", args=[check.workspace.slug, token])


def clean_questions(questions: list[QuestionSpec], workspace: Any = None) -> list[QuestionSpec]:
    """Validate question specs; items given as {"work_item": key} are looked up in
    ``workspace`` (an unknown key names itself)."""
    if not questions:
        raise ValidationError({"questions": "Ask at least one question."})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError({"questions": f"Ask at most {MAX_QUESTIONS} questions."})
    out: list[QuestionSpec] = []
    for n, q in enumerate(questions, start=1):
        kind = q.get("kind", "")
        if kind not in Kind.values:
            raise ValidationError({"questions": f"Question {n}: unknown kind {kind!r}."})
        text = (q.get("text") or "").strip()
        if not text or len(text) > 500:
            raise ValidationError({"questions": f"Question {n}: give a text of 1–500 characters."})
        raw = [i for i in q.get("items") or [] if isinstance(i, dict) or str(i).strip()]
        items, refs = _resolve_items(workspace, n, raw)
        refs.update({k: v for k, v in (q.get("refs") or {}).items() if k in items})
        if len(items) != len(set(items)):
            raise ValidationError({"questions": f"Question {n}: an item is listed twice."})
        if len(items) > MAX_ITEMS or any(len(i) > MAX_ITEM_LENGTH for i in items):
            raise ValidationError(
                {"questions": f"Question {n}: at most {MAX_ITEMS} items of {MAX_ITEM_LENGTH} "
                 "characters."}
            )  # fmt: skip
        if kind in (Kind.SCOPE, Kind.PRIORITIES) and len(items) < 2:
            raise ValidationError({"questions": f"Question {n}: list at least two items."})
        domain = (q.get("domain") or "").strip()[:120]
        if refs and kind not in ITEM_KINDS:
            raise ValidationError({"questions": f"Question {n}: only scope, priorities and "
                                   "metrics list work items."})  # fmt: skip
        out.append({"kind": kind, "text": text, "items": items, "domain": domain, "refs": refs})
    return out


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


def _invalid(q: Question, message: str) -> ValidationError:
    return ValidationError({f"question-{q.pk}": f"{q.text}: {message}"})


def clean_value(q: Question, value: Any) -> Any:
    """Return the answer ``value`` to ``q`` in its stored shape, or None for "no answer";
    a value of the wrong shape is a ValidationError naming the question."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if q.kind == Kind.SUCCESS_CRITERIA:
        if not isinstance(value, list) or len(value) > MAX_CRITERIA:
            raise _invalid(q, f"give up to {MAX_CRITERIA} criteria, each with a target.")
        rows = []
        for row in value:
            if not isinstance(row, dict) or set(row) - {"criterion", "target"}:
                raise _invalid(q, 'each criterion is {"criterion": …, "target": …}.')
            c, t = str(row.get("criterion", "")).strip(), str(row.get("target", "")).strip()
            if len(c) > MAX_ITEM_LENGTH or len(t) > MAX_ITEM_LENGTH:
                raise _invalid(q, f"criteria and targets are at most {MAX_ITEM_LENGTH} characters.")
            if c:
                rows.append({"criterion": c, "target": t})
        return rows or None
    if q.kind == Kind.SCOPE:
        if not isinstance(value, dict) or set(value) - set(q.items):
            raise _invalid(q, "answer each listed item with in, out or unsure.")
        if any(v not in ("in", "out", "unsure") for v in value.values()):
            raise _invalid(q, "each item is in, out or unsure.")
        return dict(value)
    if q.kind == Kind.PRIORITIES:
        if (
            not isinstance(value, list)
            or len(value) != len(set(map(str, value)))
            or set(map(str, value)) - set(q.items)
        ):
            raise _invalid(q, "put the listed items in order, each once.")
        return [str(v) for v in value]
    if q.kind == Kind.METRICS:
        if not isinstance(value, list) or len(value) > MAX_METRICS:
            raise _invalid(q, f"pick up to {MAX_METRICS} metrics.")
        picks = [str(v).strip() for v in value if str(v).strip()]
        if any(len(p) > MAX_ITEM_LENGTH for p in picks) or len(picks) != len(set(picks)):
            raise _invalid(q, "each metric once, at most 200 characters.")
        return picks or None
    if q.kind == Kind.WHO_DECIDES:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _invalid(q, 'name a person (their id), a role, free text or "dont_know".')
        if isinstance(value, int) or (value.isascii() and value.isdigit()):
            pk = int(value) if len(str(value)) <= 12 else 0
            person = None
            if bounds.ID.low <= pk <= bounds.ID.high:
                person = Person.objects.filter(
                    workspace_id=q.alignment_check.workspace_id, pk=pk
                ).first()
            if person is None:
                raise _invalid(q, "no such person.")
            return person.pk
        text = value.strip()
        if len(text) > MAX_ITEM_LENGTH:
            raise _invalid(q, f"at most {MAX_ITEM_LENGTH} characters.")
        return text or None
    if q.kind == Kind.LIKERT:
        n = value if isinstance(value, int) and not isinstance(value, bool) else 0
        if isinstance(value, str) and value.strip() in {"1", "2", "3", "4", "5"}:
            n = int(value)
        if not 1 <= n <= 5:
            raise _invalid(q, "answer 1 (strongly disagree) to 5 (strongly agree).")
        return n
    if not isinstance(value, str) or len(value) > MAX_TEXT_ANSWER:
        raise _invalid(q, f"write at most {MAX_TEXT_ANSWER} characters.")
    return value.strip() or None


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
