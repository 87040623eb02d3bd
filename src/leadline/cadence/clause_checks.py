"""The clause check "status shared weekly" (registered with the clauses registry from
``CadenceConfig.ready``; the clauses app does not know this one).

Kept when a pack of the agreement team's weekly tier was published at least once in every one
of the last N weeks (N, the clause's number): the weeks are the N seven-day periods ending at
the moment judged. The tier is the workspace's ``team`` tier for the agreement's team, or, when
there is none, its ``team`` tier for all teams; a pack counts when it is of that tier and of the
agreement's team (or of no team). Broken, the evidence names each week without a published
pack and links to the tier's page.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse

from leadline.clauses.registry import ClauseEvidence, Judging, Verdict, check_kind

from .models import CadenceTier, Pack


def _tier(j: Judging) -> CadenceTier | None:
    tiers = CadenceTier.objects.filter(workspace=j.workspace, kind="team")
    return tiers.filter(team=j.team).order_by("pk").first() or (
        tiers.filter(team__isnull=True).order_by("pk").first()
    )


@check_kind(
    "status_shared_weekly",
    "Status shared weekly (a pack published in each of the last N weeks)",
    unit="weeks",
    default=4,
    low=1,
    high=52,
    example="We share our status every week",
)
def status_shared_weekly(j: Judging) -> Verdict:
    """A pack of the team's weekly tier published in every one of the last N weeks."""
    tier = _tier(j)
    if tier is None:
        return Verdict(None, "No weekly team tier in this workspace to share status from.")
    weeks = int(j.limit)
    url = reverse("cadence-tier", args=[j.workspace.slug, tier.pk])
    published = list(
        Pack.objects.filter(
            Q(team=j.team) | Q(team__isnull=True), workspace=j.workspace, tier=tier,
            published_at__gt=j.now - timedelta(weeks=weeks), published_at__lte=j.now,
        ).values_list("published_at", flat=True)
    )  # fmt: skip
    missed = []
    for n in range(weeks):
        end = j.now - timedelta(weeks=n)
        start = end - timedelta(weeks=1)
        if not any(start < at <= end for at in published):  # type: ignore[operator]
            missed.append((start, end))
    evidence = [
        ClauseEvidence(f"Packs of {tier.name} published", str(len(published)), url),
    ]
    for start, end in sorted(missed):
        evidence.append(
            ClauseEvidence(f"Week {start:%Y-%m-%d} to {end:%Y-%m-%d}", "no pack published", url)
        )
    if missed:
        return Verdict(
            False,
            f"No pack of {tier.name} published in {len(missed)} of the last {weeks} weeks.",
            evidence,
        )
    return Verdict(
        True, f"A pack of {tier.name} published in each of the last {weeks} weeks.", evidence
    )
