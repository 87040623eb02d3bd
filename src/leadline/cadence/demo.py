"""Demo data for the cadence: the four tiers (the weekly status run for Checkout, with its team
and the sponsors as audience), the last weekly meetings with attendees, notes and actions — one
done, one carried through three meetings and escalated to the stakeholder check-in — last
month's milestone review answered "continue", and a published weekly pack.

Idempotent: nothing is added once the weekly tier has a meeting with notes.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from leadline.demo.builder import DemoContext, step
from leadline.governance.services import system_access
from leadline.workspaces.models import Person

from . import packs, recurrence, review, services
from .defaults import ensure_default_tiers, first_on
from .models import CadenceTier, Occurrence

NOTES = [
    "Reviewed the board. Payment provider migration on track; refund test data still missing.",
    "Flaky checkout test quarantined. Loyalty work keeps jumping the queue — raised with Dev.",
    "Release train fine. The card API rate limits came back; waiting on the platform team.",
    "Two items aging past the p85. Agreed to stop starting and swarm on the reorder stories.",
]


@step("Cadence")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Give the demo its cadence (idempotent)."""
    ws = ctx.workspace
    now = timezone.now()
    today = timezone.localdate(now)
    ensure_default_tiers(ws, today)
    weekly = CadenceTier.objects.get(workspace=ws, kind="team")
    if Occurrence.objects.filter(tier=weekly).exclude(notes="").exists():
        return
    access = system_access(ws)
    people = {p.name: p for p in Person.objects.filter(workspace=ws)}
    checkout = ctx.teams["checkout"]
    # Start the tiers a few months back, so they have a history.
    back = today - timedelta(weeks=12)
    for tier in CadenceTier.objects.filter(workspace=ws):
        weekday = {"team": 0, "stakeholder": 3, "milestone": 0, "steering": 3}[tier.kind]
        tier.start_on = first_on(back.replace(day=1) if tier.kind in {"milestone", "steering"} else back,
                                 weekday)  # fmt: skip
        tier.save(update_fields=["start_on"])
    weekly.refresh_from_db()
    weekly.team = checkout
    weekly.save(update_fields=["team"])
    weekly.audience_teams.set([checkout])
    stakeholder = CadenceTier.objects.get(workspace=ws, kind="stakeholder")
    stakeholder.audience_people.set(
        [people["Olivia Grant"], people["Quinn Adeyemi"], people["Nadia Ivanova"]]
    )
    steering = CadenceTier.objects.get(workspace=ws, kind="steering")
    steering.audience_people.set(
        [people["Olivia Grant"], people["Peter Novak"], people["Nadia Ivanova"]]
    )
    held = recurrence.window(weekly, now - timedelta(weeks=5), now)[-4:]
    attendees = [people[n] for n in ("Amira Haddad", "Ben Okafor", "Dev Patel", "Nadia Ivanova")]
    for start, notes in zip(held, NOTES, strict=False):
        occ = services.occurrence_for(weekly, start)
        services.record_meeting(
            access, occ, None, notes=notes, attendees=[p.pk for p in attendees], now=start
        )
    first = services.occurrence_for(weekly, held[0])
    services.add_action(access, first, None, title="Agree the queue for loyalty work with Olivia",
                        owner=people["Dev Patel"].pk, due_on=timezone.localdate(held[0]) + timedelta(days=7),
                        now=held[0])  # fmt: skip
    done = services.add_action(access, first, None, title="Quarantine the flaky checkout test",
                               owner=people["Hugo Laurent"].pk,
                               due_on=timezone.localdate(held[0]) + timedelta(days=5), now=held[0])  # fmt: skip
    services.close_action(access, done.pk, None, now=held[1])
    last = services.occurrence_for(weekly, held[-1])
    services.add_action(access, last, None, title="Ask platform for a rate-limit exemption",
                        owner=people["Amira Haddad"].pk, due_on=today + timedelta(days=5),
                        now=held[-1])  # fmt: skip
    services.carry_forward(ws, now)  # the loyalty action: carried 3 times, escalated
    milestone = CadenceTier.objects.get(workspace=ws, kind="milestone")
    last_review = recurrence.previous_start(milestone, now)
    if last_review is not None:
        occ = services.occurrence_for(milestone, last_review)
        services.record_meeting(access, occ, None, notes="Milestone 2 (one-click reorder) reviewed.",
                                now=last_review)  # fmt: skip
        for name, answer, why in [
            ("Olivia Grant", "continue", "Reorder is what customers ask for most."),
            ("Dev Patel", "continue", "Scope is stable since the last review."),
            ("Nadia Ivanova", "adjust", "Loyalty work needs its own slot, not interruptions."),
        ]:
            review.vote(access, occ, None, person=people[name].pk, answer=answer, rationale=why,
                          now=last_review)  # fmt: skip
        review.record_right_track(access, occ, None, now=last_review + timedelta(hours=1))
        # A draft pack of the review: milestones with their forecast, benefits against actuals
        # and scorecards, from the sections the outcomes app registers (when it is installed).
        packs.generate(access, milestone, None, occurrence=occ, as_of=now)
    pack = packs.generate(access, weekly, None, occurrence=last, as_of=now)
    packs.edit(access, pack, None, narrative=(
        "A steady week: the reorder stories are moving again after we stopped starting new work. "
        "The card API rate limits are the risk to watch; loyalty work is now on the stakeholder "
        "check-in's agenda."), statuses={"flow": {"rag": "amber", "owner": people["Amira Haddad"].pk}})  # fmt: skip
    packs.publish(access, pack, None, now=now)
