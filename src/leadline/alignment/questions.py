"""Alignment-check questions: what a check may ask (:func:`clean_questions`, with work items
resolved in the workspace) and what answer each kind of question takes (:func:`clean_value`).

Both raise ValidationError naming the question; :mod:`.services` calls them when a check is
created and when an answer is submitted.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from typing_extensions import TypedDict

from leadline import bounds
from leadline.workspaces.models import Person

from .models import ITEM_KINDS, Kind, Question

MAX_QUESTIONS = 20
MAX_ITEMS = 30
MAX_ITEM_LENGTH = 200
MAX_TEXT_ANSWER = 2000
MAX_CRITERIA = 5
MAX_METRICS = 3


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
