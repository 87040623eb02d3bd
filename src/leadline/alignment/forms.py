"""The check builder and the respondent's answers as a plain form (works on a phone, no script).

Questions are written as text, one block per question: a first line ``kind: question``, then
``- item`` lines (scope, priorities, metrics), and for who-decides ``@ domain`` (a decision
domain's name, or ``@ cross-domain``)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from leadline.widgets import DateInput, SearchableSelectMultiple
from leadline.workspaces.models import Person, Team, Workspace

from .models import Kind, Question
from .questions import MAX_CRITERIA, MAX_METRICS, QuestionSpec, clean_questions

# The words the builder accepts for each kind (besides the kind's own name).
KIND_WORDS = {
    "success": Kind.SUCCESS_CRITERIA,
    "success criteria": Kind.SUCCESS_CRITERIA,
    "scope": Kind.SCOPE,
    "priorities": Kind.PRIORITIES,
    "rank": Kind.PRIORITIES,
    "metrics": Kind.METRICS,
    "who decides": Kind.WHO_DECIDES,
    "who": Kind.WHO_DECIDES,
    "likert": Kind.LIKERT,
    "statement": Kind.LIKERT,
    "text": Kind.TEXT,
}


def parse_questions(text: str) -> list[QuestionSpec]:
    """Read the builder's text into question specs; a line that fits nowhere names itself."""
    specs: list[QuestionSpec] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("-") and specs:
            item = line[1:].strip()
            if item.startswith("#") and len(item) > 1:  # a work item or epic by its key
                specs[-1].setdefault("items", []).append({"work_item": item[1:].strip()})
            else:
                specs[-1].setdefault("items", []).append(item)
        elif line.startswith("@") and specs:
            specs[-1]["domain"] = line[1:].strip()
        elif ":" in line:
            word, question = line.split(":", 1)
            key = " ".join(word.lower().replace("_", " ").split())
            kind = KIND_WORDS.get(key) or next((k for k in Kind if k.value == word.strip()), None)
            if kind is None:
                raise ValidationError({"questions": f"Line {n}: unknown kind {word.strip()!r}."})
            specs.append({"kind": str(kind), "text": question.strip(), "items": []})
        else:
            raise ValidationError(
                {"questions": f"Line {n}: start a question with “kind: text”, an item with “-”."}
            )
    return specs


class CheckForm(forms.Form):
    title = forms.CharField(max_length=200)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    closes_on = forms.DateField(widget=DateInput, help_text="Links expire at the end of this day.")
    consensus = forms.IntegerField(
        min_value=50, max_value=100, initial=75, help_text="Percent one answer must reach"
    )
    audience = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(), widget=SearchableSelectMultiple
    )
    questions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="One block per question: “scope: What is in?” then “- item” lines (“- #KEY” "
        "picks a work item or epic); kinds: "
        "success, scope, priorities, metrics, who decides (“@ domain” or “@ cross-domain”), "
        "likert, text.",
    )

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["team"].queryset = Team.objects.filter(workspace=workspace)  # type: ignore[attr-defined]
        self.fields["audience"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace, active=True
        )

    def clean_questions(self) -> list[QuestionSpec]:
        try:
            specs = parse_questions(self.cleaned_data["questions"])
            return clean_questions(specs, self.workspace)
        except ValidationError as exc:  # the service's errors name "questions": this field
            raise ValidationError(exc.message_dict["questions"]) from None

    def closes_at(self) -> datetime:
        day = self.cleaned_data["closes_on"]
        return timezone.make_aware(datetime.combine(day, time(23, 59)))


def answers_from_post(questions: list[Question], post: Any) -> dict[int, Any]:
    """Turn the respondent page's fields into the API's answer values (question id → value)."""
    out: dict[int, Any] = {}
    for q in questions:
        name = f"q{q.pk}"
        if q.kind == Kind.SUCCESS_CRITERIA:
            out[q.pk] = [
                {"criterion": post.get(f"{name}-c{i}", ""), "target": post.get(f"{name}-t{i}", "")}
                for i in range(MAX_CRITERIA)
                if post.get(f"{name}-c{i}", "").strip()
            ]
        elif q.kind == Kind.SCOPE:
            out[q.pk] = {
                item: post.get(f"{name}-{i}")
                for i, item in enumerate(q.items)
                if post.get(f"{name}-{i}")
            }
        elif q.kind == Kind.PRIORITIES:
            ranks = []
            for i, item in enumerate(q.items):
                try:
                    ranks.append((int(post.get(f"{name}-{i}", "")), i, item))
                except ValueError:
                    ranks.append((len(q.items) + 1, i, item))
            given = [r for r in ranks if r[0] <= len(q.items)]
            out[q.pk] = [item for _, _, item in sorted(given)] if given else None
        elif q.kind == Kind.METRICS:
            picks = [m for m in post.getlist(name) if m in q.items]
            other = post.get(f"{name}-other", "").strip()
            out[q.pk] = picks + ([other] if other else [])
        elif q.kind == Kind.WHO_DECIDES:
            choice = post.get(name, "")
            if choice == "other":
                out[q.pk] = post.get(f"{name}-other", "")
            elif choice.startswith("person:"):
                out[q.pk] = int(choice[7:]) if choice[7:].isdigit() else choice
            else:
                out[q.pk] = choice
        else:
            out[q.pk] = post.get(name, "")
    return out


def initial_of(questions: list[Question], stored: dict[int, Any]) -> dict[int, Any]:
    """The respondent's stored answers, per question, in the shape the page's fields need."""
    out: dict[int, Any] = {}
    for q in questions:
        v = stored.get(q.pk)
        if q.kind == Kind.SUCCESS_CRITERIA:
            rows = list(v or []) + [{"criterion": "", "target": ""}] * MAX_CRITERIA
            out[q.pk] = rows[:MAX_CRITERIA]
        elif q.kind == Kind.SCOPE:
            out[q.pk] = [(i, item, (v or {}).get(item, "")) for i, item in enumerate(q.items)]
        elif q.kind == Kind.PRIORITIES:
            order = list(v or [])
            out[q.pk] = {
                "rows": [
                    (i, item, order.index(item) + 1 if item in order else "")
                    for i, item in enumerate(q.items)
                ],
                "places": list(range(1, len(q.items) + 1)),
            }
        elif q.kind == Kind.METRICS:
            picks = list(v or [])
            others = [p for p in picks if p not in q.items]
            out[q.pk] = {"picks": picks, "other": others[0] if others else "", "max": MAX_METRICS}
        elif q.kind == Kind.WHO_DECIDES:
            if isinstance(v, int):
                out[q.pk] = {"choice": "person", "person": v, "other": ""}
            elif v in (None, ""):
                out[q.pk] = {"choice": "", "person": None, "other": ""}
            elif v in DECIDER_WORDS:
                out[q.pk] = {"choice": v, "person": None, "other": ""}
            else:
                out[q.pk] = {"choice": "other", "person": None, "other": v}
        else:
            out[q.pk] = "" if v is None else v
    return out


# The fixed choices of a who-decides answer besides the people (value, label).
DECIDER_CHOICES = [
    ("triage", "The triage group"),
    ("owner", "The owner role"),
    ("lead", "The lead role"),
    ("dont_know", "Don't know"),
]
DECIDER_WORDS = {v for v, _ in DECIDER_CHOICES}
