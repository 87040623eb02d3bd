"""Second rounds (the Delphi method): re-ask a check's contested questions with the first
round's anonymised distribution shown, and tell whether the group converged."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leadline.workspaces.models import Role
from leadline.workspaces.services import Access, audit

from . import services as alignment
from .models import AlignmentCheck, Question
from .results import results_for


@transaction.atomic
def second_round(
    access: Access,
    check: AlignmentCheck,
    *,
    closes_at: datetime | None = None,
    actor: Any = None,
    now: datetime | None = None,
) -> tuple[AlignmentCheck, list[alignment.IssuedLink]]:
    """Create the next round of ``check`` (lead role): its questions with a disagreement, asked
    again of the same people, each showing the first round's answers without names."""
    access.require(Role.LEAD)
    now = now or timezone.now()
    if not alignment.results_visible(check):
        raise ValidationError({"results": "Show the results before starting a second round."})
    contested = [q for q in results_for(check)["questions"] if q["disagreement"]]
    if not contested:
        raise ValidationError({"questions": "Nothing is contested: no second round is needed."})
    sources = {q.pk: q for q in check.questions.all()}
    nxt, issued = alignment.create_check(
        access,
        f"{check.title} (round {check.round + 1})"[:200],
        [
            {
                "kind": q["kind"],
                "text": q["text"],
                "items": q["items"],
                "domain": sources[q["id"]].domain,
                "refs": sources[q["id"]].refs,
            }
            for q in contested
        ],
        [r.person for r in check.respondents.select_related("person")],
        team=check.team,
        closes_at=closes_at or now + timedelta(days=7),
        consensus=check.consensus,
        actor=actor,
        now=now,
    )
    nxt.previous = check
    nxt.round = check.round + 1
    nxt.save(update_fields=["previous", "round"])
    for new, old in zip(nxt.questions.all(), contested, strict=True):
        Question.objects.filter(pk=new.pk).update(source_id=old["id"])
    audit(access.workspace, actor, "create", nxt, f"Started round {nxt.round} of {check}")
    return nxt, issued


def first_round_answers(check: AlignmentCheck) -> dict[int, dict[str, int]]:
    """Per question of a later round: the previous round's answers (value → count, no names)."""
    if check.previous is None:
        return {}
    before = {q["id"]: q["answers"] for q in results_for(check.previous)["questions"]}
    return {
        q.pk: before.get(q.source_id, {}) for q in check.questions.all() if q.source_id is not None
    }
