"""The results of a check: per question the answers side by side (by value, group and
respondent), its measure of disagreement, and what is contested; and their CSV export."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from typing_extensions import TypedDict

from leadline import csvsafe
from leadline.decisions.models import DecisionDomain
from leadline.governance.services import settings_for
from leadline.workspaces.models import Person, Role

from . import measures
from .models import AlignmentCheck, Kind, Question, Respondent

CROSS_DOMAIN = "cross-domain"


class MeasureOut(TypedDict):
    name: str
    value: float | None


class RespondentAnswer(TypedDict):
    respondent: str
    group: str
    answer: str


class QuestionResult(TypedDict):
    id: int
    kind: str
    text: str
    items: list[str]
    item_refs: dict[str, Any]
    responses: int
    answers: dict[str, int]
    groups: dict[str, dict[str, int]]
    measure: MeasureOut
    disagreement: bool
    contested_items: list[str]
    framework_mismatch: str | None
    dissenters: list[str]
    by_respondent: list[RespondentAnswer]
    detail: dict[str, Any]


class CheckResults(TypedDict):
    id: int
    title: str
    team: str | None
    closes_at: str
    closed: bool
    consensus: int
    invited: int
    answered: int
    questions: list[QuestionResult]


def group_of(person: Person) -> str:
    """The respondent's group: their function (product, IT, …), else stakeholder or member."""
    if person.function_id is not None and person.function is not None:
        return person.function.name
    return "Stakeholders" if person.kind == Person.Kind.STAKEHOLDER else "No function"


def decider_key(value: Any) -> str:
    """Normalise a who-decides answer: "person:<id>", "role:<role>", "triage", "dont_know" or
    "text:<lower-case text>"."""
    if isinstance(value, int):
        return f"person:{value}"
    text = str(value).strip()
    low = text.lower()
    if low in {"dont_know", "don't know", "dont know"}:
        return measures.DONT_KNOW
    if low in Role.values:
        return f"role:{low}"
    if low in {"triage", "triage group", "the triage group"}:
        return "triage"
    return "text:" + " ".join(low.split())


def _decider_label(key: str, names: dict[int, str], raw: Any = None) -> str:
    if key.startswith("person:"):
        return names.get(int(key[7:]), "someone who left")
    if key.startswith("role:"):
        return f"the {Role(key[5:]).label.lower()} role"
    if key == "triage":
        return "the triage group"
    if key == measures.DONT_KNOW:
        return "don't know"
    return str(raw).strip() if raw is not None else key[5:]


def decider_candidates(workspace: Any) -> list[Person]:
    """The people a respondent may pick as a decider: those the decision-rights framework names
    (domain deciders and the triage group). Not the whole directory, nor the audience: a link
    holder learns no other names."""
    ids = set(
        DecisionDomain.objects.filter(workspace=workspace)
        .exclude(decider_person=None)
        .values_list("decider_person_id", flat=True)
    )
    ids |= {p.pk for p in settings_for(workspace).triage_group.all()}
    return list(Person.objects.filter(pk__in=ids, workspace=workspace).order_by("name"))


def framework_for(check: AlignmentCheck, q: Question) -> tuple[set[str], str]:
    """What the decision-rights framework says about ``q``: the keys that match, and in words."""
    if q.domain == CROSS_DOMAIN:
        triage = list(settings_for(check.workspace).triage_group.all())
        keys = {"triage"} | {f"person:{p.pk}" for p in triage}
        names = ", ".join(p.name for p in triage)
        return keys, "the triage group" + (f" ({names})" if names else "")
    domain = DecisionDomain.objects.filter(workspace=check.workspace, name=q.domain).first()
    if not q.domain or domain is None:
        return set(), ""
    keys, words = set(), []
    if domain.decider_person_id is not None and domain.decider_person is not None:
        keys.add(f"person:{domain.decider_person_id}")
        words.append(domain.decider_person.name)
    if domain.decider_role:
        keys.add(f"role:{domain.decider_role}")
        words.append(f"the {Role(domain.decider_role).label.lower()} role")
    return keys, " or ".join(words)


def _as_text(q: Question, value: Any, names: dict[int, str]) -> str:
    if q.kind == Kind.SUCCESS_CRITERIA:
        return "; ".join(f"{r['criterion']}: {r['target']}".rstrip(": ") for r in value)
    if q.kind == Kind.SCOPE:
        return "; ".join(f"{item}: {value[item]}" for item in q.items if item in value)
    if q.kind in (Kind.PRIORITIES, Kind.METRICS):
        return " > ".join(value) if q.kind == Kind.PRIORITIES else ", ".join(value)
    if q.kind == Kind.WHO_DECIDES:
        return _decider_label(decider_key(value), names, value)
    return str(value)


def _question(
    check: AlignmentCheck, q: Question, rows: list[tuple[Respondent, Any]]
) -> QuestionResult:
    names = dict(Person.objects.filter(workspace=check.workspace).values_list("pk", "name"))
    group = {r.person.name: group_of(r.person) for r, _ in rows}
    answers: Counter[str] = Counter()
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    share = check.consensus / 100
    mismatch_text: str | None = None
    dissenters: list[str] = []

    def count(who: str, key: str) -> None:
        answers[key] += 1
        groups[group[who]][key] += 1

    values = {r.person.name: v for r, v in rows}
    if q.kind == Kind.SUCCESS_CRITERIA:
        for who, v in values.items():
            for row in v:
                count(who, row["criterion"])
        m = measures.success_criteria(values)
    elif q.kind == Kind.SCOPE:
        for who, v in values.items():
            for item, a in v.items():
                count(who, f"{item}: {a}")
        m = measures.scope(list(values.values()), q.items, share)
        tops = {i: m.detail["items"][i]["top"] for i in m.contested_items}
        dissenters = [
            w for w, v in values.items() if any(v.get(i, t) != t for i, t in tops.items())
        ]
    elif q.kind == Kind.PRIORITIES:
        for who, v in values.items():
            count(who, v[0])
        m = measures.priorities(values, q.items)
    elif q.kind == Kind.METRICS:
        for who, v in values.items():
            for pick in v:
                count(who, pick)
        m = measures.metrics(values, group)
    elif q.kind == Kind.WHO_DECIDES:
        keys = {who: decider_key(v) for who, v in values.items()}
        for who, v in values.items():
            count(who, _decider_label(keys[who], names, v))
        framework, framework_name = framework_for(check, q)
        m = measures.who_decides(keys, framework, framework_name)
        if m.detail["mismatch"]:
            top_key, n = Counter(m.detail["mismatch"]).most_common(1)[0]
            label = _decider_label(
                top_key, names, next(v for w, v in values.items() if keys[w] == top_key)
            )
            mismatch_text = (
                f"{n} of {len(values)} think {label} decides; the framework says {framework_name}"
            )
            dissenters = [
                w for w, k in keys.items() if k != measures.DONT_KNOW and k not in framework
            ]
        m.detail["mismatch"] = {
            _decider_label(k, names, k[5:] if k.startswith("text:") else None): n
            for k, n in m.detail["mismatch"].items()
        }
    elif q.kind == Kind.LIKERT:
        for who, v in values.items():
            count(who, str(v))
        m = measures.likert(list(values.values()), share)
    else:
        m = measures.Measure("none", None, False)
    if m.disagreement and not dissenters:
        dissenters = sorted(values)
    by_respondent: list[RespondentAnswer] = []
    for r, v in rows:
        shown = r.person.name if q.kind != Kind.TEXT or r.named else ""
        by_respondent.append(
            {"respondent": shown, "group": group_of(r.person), "answer": _as_text(q, v, names)}
        )
    if q.kind == Kind.TEXT:  # never in the order of the audience list, which would name them
        by_respondent.sort(key=lambda a: (a["group"], a["answer"]))
    return {
        "id": q.pk,
        "kind": q.kind,
        "text": q.text,
        "items": list(q.items),
        "item_refs": dict(q.refs),
        "responses": len(rows),
        "answers": dict(answers.most_common()),
        "groups": {g: dict(c.most_common()) for g, c in sorted(groups.items())},
        "measure": {"name": m.name, "value": m.value},
        "disagreement": m.disagreement,
        "contested_items": m.contested_items,
        "framework_mismatch": mismatch_text,
        "dissenters": sorted(dissenters) if q.kind != Kind.TEXT else [],
        "by_respondent": by_respondent,
        "detail": m.detail,
    }


def results_for(check: AlignmentCheck) -> CheckResults:
    """Compute the results of every question from the stored answers."""
    respondents = list(
        check.respondents.select_related("person__function").prefetch_related("answers")
    )
    per_question: dict[int, list[tuple[Respondent, Any]]] = defaultdict(list)
    for r in respondents:
        for a in r.answers.all():
            per_question[a.question_id].append((r, a.value))
    questions = [_question(check, q, per_question[q.pk]) for q in check.questions.all()]
    _likert_alpha(questions, respondents, per_question)
    _convergence(check, questions)
    return {
        "id": check.pk,
        "title": check.title,
        "team": check.team.name if check.team_id and check.team else None,
        "closes_at": check.closes_at.isoformat(),
        "closed": check.closed_at is not None,
        "consensus": check.consensus,
        "invited": len(respondents),
        "answered": sum(1 for r in respondents if r.submitted_at is not None),
        "questions": questions,
    }


def _likert_alpha(
    questions: list[QuestionResult],
    respondents: list[Respondent],
    per_question: dict[int, list[tuple[Respondent, Any]]],
) -> None:
    """Add Krippendorff's alpha over the check's agreement statements (units: statements,
    raters: respondents, ordinal) to each statement's detail; it needs two statements."""
    likert = [q for q in questions if q["kind"] == Kind.LIKERT]
    if not likert:
        return
    given = {q["id"]: {r.pk: v for r, v in per_question[q["id"]]} for q in likert}
    ratings = [[given[q["id"]].get(r.pk) for q in likert] for r in respondents]
    alpha = measures.krippendorff_alpha([row for row in ratings if any(v is not None for v in row)])
    for q in likert:
        q["detail"]["krippendorff_alpha"] = None if alpha is None else round(alpha, 3)


def results_csv(results: CheckResults) -> str:
    """One row per answer: question, kind, group, respondent (blank for unnamed free text)."""
    rows = [
        (q["text"], q["kind"], a["group"], a["respondent"], a["answer"])
        for q in results["questions"]
        for a in q["by_respondent"]
    ]
    return csvsafe.to_text(("question", "kind", "group", "respondent", "answer"), rows)


def _convergence(check: AlignmentCheck, questions: list[QuestionResult]) -> None:
    """Add to each re-asked question the previous round's measure and whether the group
    converged (a disagreement then, none now)."""
    if check.previous is None:
        return
    before = {q["id"]: q for q in results_for(check.previous)["questions"]}
    sources = dict(check.questions.values_list("pk", "source_id"))
    for q in questions:
        old = before.get(sources.get(q["id"]) or 0)
        if old is None:
            continue
        q["detail"]["previous_round"] = {
            "measure": old["measure"],
            "disagreement": old["disagreement"],
            "converged": old["disagreement"] and not q["disagreement"] and q["responses"] > 0,
        }
