"""The monthly milestone review's question, "is this still the right track?": attendees answer
continue, adjust or stop with a rationale, and the lead records the answer as a decision."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from leadline.decisions import services as decision_services
from leadline.decisions.models import Decision
from leadline.workspaces.models import Person, Role
from leadline.workspaces.services import Access

from .models import CadenceTier, Occurrence, OccurrenceDecision, RightTrackVote
from .services import local_start

MAX_RATIONALE = RightTrackVote._meta.get_field("rationale").max_length or 1000
ANSWERS = [a.value for a in RightTrackVote.Answer]
# Ties go to the more cautious answer.
CAUTION = {"stop": 2, "adjust": 1, "continue": 0}


def vote(
    access: Access, occ: Occurrence, actor: Any, *, person: Any, answer: str, rationale: str,
    now: datetime | None = None,
) -> RightTrackVote:  # fmt: skip
    """Record one attendee's answer to "is this still the right track?" (member role): continue,
    adjust or stop, with a rationale. Answering again replaces the answer."""
    access.require(Role.MEMBER)
    if occ.tier.kind != CadenceTier.Kind.MILESTONE:
        raise ValidationError({"answer": ["Only a milestone review asks this question."]})
    if occ.right_track:
        raise ValidationError({"answer": ["The answer is already recorded as a decision."]})
    if answer not in ANSWERS:
        raise ValidationError({"answer": [f"{answer!r} is not one of {', '.join(ANSWERS)}."]})
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": ["Give the reason for the answer."]})
    if len(rationale) > MAX_RATIONALE:
        raise ValidationError({"rationale": [f"At most {MAX_RATIONALE} characters."]})
    who = Person.objects.filter(workspace=access.workspace, pk=person).first() if person else None
    if who is None:
        raise ValidationError({"person": [f"No person {person!r} in this workspace."]})
    occ.attendees.add(who)
    v, _ = RightTrackVote.objects.update_or_create(
        occurrence=occ, person=who,
        defaults={"workspace": access.workspace, "answer": answer, "rationale": rationale,
                  "at": now or timezone.now()},
    )  # fmt: skip
    return v


@transaction.atomic
def record_right_track(
    access: Access, occ: Occurrence, actor: Any, now: datetime | None = None
) -> Decision:
    """Record the attendees' answers as a decision in the decision log (lead role): the most
    given answer (ties go to the more cautious), every answer with its rationale as context."""
    access.require(Role.LEAD)
    if occ.right_track:
        raise ValidationError({"answer": ["Already recorded."]})
    votes = list(occ.votes.select_related("person"))
    if not votes:
        raise ValidationError({"answer": ["No attendee has answered yet."]})
    now = now or timezone.now()
    counts = Counter(v.answer for v in votes)
    answer = max(counts, key=lambda a: (counts[a], CAUTION[a]))
    tally = ", ".join(f"{counts[a]} {a}" for a in ANSWERS if counts[a])
    context = "\n".join(f"- {v.person.name}: {v.answer} — {v.rationale}" for v in votes)
    when = f"{local_start(occ):%Y-%m-%d}"
    decision = decision_services.create_decision(
        access, f"Is this still the right track? {occ.tier.name} {when}",
        context=f"Answers of the attendees ({tally}):\n{context}", team=occ.tier.team,
        actor=actor, now=now,
    )  # fmt: skip
    right = decision_services.decide_right(access, decision, actor)
    if right.allowed:
        decision_services.decide(
            access, decision, outcome=f"{answer.capitalize()} ({tally})",
            rationale="\n".join(v.rationale for v in votes if v.answer == answer),
            actor=actor, now=now,
        )  # fmt: skip
    occ.right_track, occ.right_track_decision = answer, decision
    occ.save(update_fields=["right_track", "right_track_decision"])
    OccurrenceDecision.objects.create(workspace=access.workspace, occurrence=occ, decision=decision)
    return decision
