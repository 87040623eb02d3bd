"""Radar rules over governance: RAID items, decisions, decision rights, agreements, changes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from leadline.raid.models import OPEN_STATUSES, RaidItem

from ..context import RunContext
from ..registry import Contact, Evidence, Signal, Subject, Threshold, rule


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def open_raid(ctx: RunContext) -> list[RaidItem]:
    """The workspace's open RAID items, loaded once per run."""
    return ctx.memo(
        "open-raid",
        lambda: list(
            RaidItem.objects.filter(workspace=ctx.workspace, status__in=OPEN_STATUSES)
            .select_related("owner", "team", "provider_team")
            .order_by("pk")
        ),
    )


def raid_owner(ctx: RunContext, item: RaidItem) -> tuple[Contact, ...]:
    """The item's owner; without one, its team's lead (an ownerless item is itself a finding)."""
    if item.owner is not None and item.owner.active:
        return (Contact("person", f"{item.owner.name} (owner)"),)
    return ctx.team_leads(item.team)


@rule(
    "risk_unmitigated",
    area="governance",
    title="Risk without a mitigation plan",
    why="A risk logged without a plan is a risk accepted by nobody. The longer it waits, the "
    "likelier it is to turn into an issue that blocks work before anyone acted on it.",
    source="PMI, A Guide to the Project Management Body of Knowledge, 7th ed. (risk responses)",
    thresholds=(
        Threshold("days", "Days since it was logged", 7, 1, 365, "days"),
        Threshold("high_score", "Probability × impact from which it is high", 12, 1, 25),
    ),
)
def risk_unmitigated(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for item in open_raid(ctx):
        if item.kind != RaidItem.Kind.RISK or item.mitigation.strip():
            continue
        age = (ctx.now - item.created_at).days
        if age < t["days"]:
            continue
        url = ctx.url("raid-item", item.pk)
        score = item.score
        who = raid_owner(ctx, item)
        yield Signal(
            subject=Subject("raid", str(item.pk), item.title, url),
            severity="high" if score is not None and score >= t["high_score"] else "medium",
            title=f"Risk “{item.title}” has had no mitigation plan for {_days(age)}",
            evidence=(
                Evidence("Logged", f"{item.created_at:%Y-%m-%d} ({_days(age)} ago)", url),
                Evidence(
                    "Probability × impact", str(score) if score is not None else "not rated", url
                ),
                Evidence("Mitigation plan", "none", url),
                Evidence("Threshold", _days(int(t["days"])), ctx.url("radar-rules")),
            ),
            talk_to=who,
            conversation=(
                f"“{item.title}” has been on the log for {_days(age)} without a plan. "
                f"If it happened next week, what would we wish we had done by now?"
            ),
            score=float(age),
            team=item.team_id,
        )
