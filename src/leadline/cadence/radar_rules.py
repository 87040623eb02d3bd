"""The cadence's Radar rules: a checkpoint that did not happen, actions overdue or carried
again and again, a monthly review that said "adjust" with no decision after it, and a pack
published with a red section and no action. They read the same models the pages do."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta

from django.db.models import Q

from leadline.decisions.models import Decision
from leadline.radar.context import RunContext
from leadline.radar.registry import Contact, Evidence, Signal, Subject, Threshold, plural, rule

from . import recurrence
from .models import CadenceTier, Occurrence, OccurrenceAction, Pack
from .packs import sections_of


@rule(
    "cadence_checkpoint_missed",
    area="cadence",
    title="A checkpoint did not happen",
    why="A rhythm only aligns people while it is kept: a status meeting that passes with no notes "
    "and no pack is a week of drift nobody looked at, and the next one starts with more to catch up.",
    thresholds=(
        Threshold("days", "Days looked back", 28, 7, 180, "days"),
        Threshold("high_missed", "Missed meetings from which it is high", 2, 1, 20, "meetings"),
    ),
)
def checkpoint_missed(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    since = ctx.now - timedelta(days=int(t["days"]))
    until = ctx.now - timedelta(hours=24)  # a day to write the notes
    tiers = list(CadenceTier.objects.filter(workspace=ctx.workspace).select_related("team"))
    kept = set(
        Occurrence.objects.filter(tier__in=tiers, start__gte=since)
        .filter(Q(cancelled=True) | ~Q(notes="") | Q(packs__isnull=False))
        .values_list("tier_id", "start")
    )
    for tier in tiers:
        missed = [s for s in recurrence.window(tier, since, until) if (tier.pk, s) not in kept]
        if not missed:
            continue
        url = ctx.url("cadence-tier", tier.pk)
        yield Signal(
            subject=Subject("cadence_tier", str(tier.pk), tier.name, url),
            severity="high" if len(missed) >= t["high_missed"] else "medium",
            title=f"{tier.name}: {plural(len(missed), 'meeting')} passed with no notes and no pack",
            evidence=(
                Evidence("Missed", ", ".join(f"{s:%Y-%m-%d}" for s in missed[-5:]), url),
                Evidence("Schedule", f"{tier.rrule} ({tier.time_zone})", url),
            ),
            talk_to=ctx.team_leads(tier.team)[:2],
            conversation=f"The {tier.name} did not happen {plural(len(missed), 'time')} lately. Is "
            f"the rhythm still right for the people in it, or should it change?",
            score=float(len(missed)),
            team=tier.team_id,
        )


@rule(
    "cadence_action_stuck",
    area="cadence",
    title="A meeting action is overdue or carried again and again",
    why="An action that moves from one meeting to the next unchanged shows the meeting agrees "
    "things nobody has room to do; after a few rounds it should be done, dropped or escalated.",
    thresholds=(
        Threshold("grace_days", "Days past the due date before it fires", 0, 0, 90, "days"),
        Threshold("carried", "Later meetings carried into before it fires", 3, 1, 20, "meetings"),
    ),
)
def action_stuck(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    rows = OccurrenceAction.objects.filter(workspace=ctx.workspace, done_at__isnull=True)
    for a in rows.select_related("owner", "tier", "occurrence"):
        late = (ctx.today - a.due_on).days
        overdue = late > t["grace_days"]
        carried = a.carried >= t["carried"]
        if not (overdue or carried):
            continue
        url = ctx.url("cadence-tier", a.tier_id)
        parts = ([f"{plural(late, 'day')} overdue"] if overdue else []) + (
            [f"carried through {plural(a.carried, 'meeting')}"] if carried else []
        )
        yield Signal(
            subject=Subject("cadence_action", str(a.pk), a.title, url),
            severity="high" if overdue and carried else "medium",
            title=f"Action “{a.title}” is {' and '.join(parts)}",
            evidence=(
                Evidence("Agreed in", f"{a.tier.name} on {a.occurrence.start:%Y-%m-%d}", url),
                Evidence("Due", f"{a.due_on:%Y-%m-%d}", url),
                Evidence("Carried into later meetings", str(a.carried), url),
            ),
            talk_to=(
                Contact("person", f"{a.owner.name} (owner)"),
                *ctx.team_leads(a.tier.team)[:1],
            ),
            conversation=f"“{a.title}” keeps coming back. Is it still needed — and what would it take "
            f"to finish it, or who above this meeting should take it?",
            score=float(max(late, 0) + a.carried),
            team=a.tier.team_id,
        )


@rule(
    "cadence_adjust_without_decision",
    area="cadence",
    title="A milestone review said “adjust” and no decision followed",
    why="“Adjust” is a promise to change course; without a decision saying how, the next review "
    "finds the same plan and the question loses its weight.",
    thresholds=(Threshold("days", "Days after the review before it fires", 14, 1, 90, "days"),),
)
def adjust_without_decision(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    cutoff = ctx.now - timedelta(days=int(t["days"]))
    reviews = Occurrence.objects.filter(
        workspace=ctx.workspace, right_track="adjust", right_track_decision__isnull=False,
        right_track_decision__created_at__lte=cutoff,
    ).select_related("tier", "right_track_decision")  # fmt: skip
    for occ in reviews:
        review = occ.right_track_decision
        assert review is not None
        after = Decision.objects.filter(workspace=ctx.workspace, created_at__gt=review.created_at)
        if occ.tier.team_id:
            after = after.filter(Q(team_id=occ.tier.team_id) | Q(team__isnull=True))
        if after.exclude(pk=review.pk).exists():
            continue
        url = ctx.url("decision", review.pk)
        days = (ctx.now - review.created_at).days
        yield Signal(
            subject=Subject(
                "cadence_review", str(occ.pk), f"{occ.tier.name} {occ.start:%Y-%m-%d}", url
            ),
            severity="high" if days >= 2 * t["days"] else "medium",
            title=f"{occ.tier.name} of {occ.start:%Y-%m-%d} answered “adjust”; no decision since "
            f"({plural(days, 'day')})",
            evidence=(Evidence("The review's decision", review.decision or review.title, url),),
            talk_to=ctx.team_leads(occ.tier.team)[:2],
            conversation="The review said the track needs adjusting. What exactly changes, and who "
            "decides it?",
            score=float(days),
            team=occ.tier.team_id,
        )


@rule(
    "cadence_red_without_action",
    area="cadence",
    title="A pack was published with a red section and no action",
    why="A red status with no action agreed tells the audience something is wrong and that "
    "nothing is being done about it; either an action or a decision belongs next to it.",
    thresholds=(
        Threshold("grace_days", "Days after publishing before it fires", 2, 0, 30, "days"),
        Threshold("days", "Packs published within (days)", 30, 7, 180, "days"),
    ),
)
def red_without_action(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    published = Pack.objects.filter(
        workspace=ctx.workspace, published_at__gte=ctx.now - timedelta(days=int(t["days"])),
        published_at__lte=ctx.now - timedelta(days=int(t["grace_days"])),
    ).select_related("tier", "team")  # fmt: skip
    for pack in published:
        red = [s["title"] for s in sections_of(pack) if s["status"] == "red"]
        if not red:
            continue
        acted = OccurrenceAction.objects.filter(tier=pack.tier, created_at__gte=pack.as_of).exists()
        if acted:
            continue
        url = ctx.url("cadence-pack", pack.pk)
        yield Signal(
            subject=Subject("cadence_pack", str(pack.pk), str(pack), url),
            severity="high" if len(red) > 1 else "medium",
            title=f"{pack.tier.name} pack of {pack.as_of:%Y-%m-%d} is red on {', '.join(red)} "
            "and no action was agreed since",
            evidence=(Evidence("Red sections", ", ".join(red), url),),
            talk_to=ctx.team_leads(pack.team or pack.tier.team)[:2],
            conversation=f"The pack said {red[0]} is red. What are we doing about it, and who owns it?",
            score=float(len(red)),
            team=(pack.team_id or pack.tier.team_id),
        )
