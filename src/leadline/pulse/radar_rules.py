"""The pulses' Radar rules: a drop between rounds, a split team, falling participation.

They read :func:`leadline.pulse.services.round_changes` only: figures of rounds released under
the minimum group size k, and counts of who answered — never anyone's answers. A round below
k gives no drop and no split (its figures do not exist for anyone), only its count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from leadline.radar.context import RunContext
from leadline.radar.registry import Evidence, Signal, Subject, Threshold, rule

from .catalog import CITATIONS, PSYCHOLOGICAL_SAFETY, TEMPLATES
from .results import TeamChanges
from .services import round_changes


def _changes(ctx: RunContext) -> list[TeamChanges]:
    return ctx.memo("pulse-changes", lambda: round_changes(ctx.workspace, ctx.now))


def _subject(ctx: RunContext, c: TeamChanges, team_name: str) -> Subject:
    name = f"{team_name}: {TEMPLATES.get(c['template'], c['template'])}"
    return Subject("pulse", str(c["pulse"]), name, ctx.url("pulse", c["pulse"]))


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %"


@rule(
    "pulse_drop",
    area="people",
    title="Team health or psychological safety fell since the last round",
    why="A team that feels less safe to speak up raises problems later, when they cost more; a "
    "drop between rounds is the moment to ask what changed, before it shows in the delivery.",
    source=CITATIONS[PSYCHOLOGICAL_SAFETY],
    thresholds=(
        Threshold(
            "drop", "Drop on the 0–1 scale, overall or in one item", 0.1, 0.01, 1, "", integer=False
        ),
        Threshold("high_drop", "Drop from which it is high", 0.2, 0.01, 1, "", integer=False),
    ),  # fmt: skip
)
def pulse_drop(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for c in _changes(ctx):
        falls = sorted((x for x in c["changes"] if -x["delta"] >= t["drop"]),
                       key=lambda x: x["delta"])  # fmt: skip
        team = ctx.team_by_slug(c["team"])
        if not falls or team is None:
            continue
        worst = falls[0]
        subject = _subject(ctx, c, team.name)
        what = "the overall score" if worst["key"] == "overall" else f"“{worst['text']}”"
        yield Signal(
            subject=subject,
            severity="high" if -worst["delta"] >= t["high_drop"] else "medium",
            title=f"{subject.name}: {what} fell from {_pct(worst['before'])} to "
            f"{_pct(worst['after'])} since the last round",
            evidence=tuple(
                Evidence(
                    "Overall" if x["key"] == "overall" else x["text"],
                    f"{_pct(x['before'])} → {_pct(x['after'])} (0–1 scale, last two rounds shown)",
                    subject.url,
                )
                for x in falls[:5]
            )
            + (
                Evidence(
                    "Respondents", f"{c['respondents']} of {c['invited']} invited", subject.url
                ),
                Evidence(
                    "Threshold", f"a fall of {_pct(t['drop'])} or more", ctx.url("radar-rules")
                ),
            ),  # fmt: skip
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{team.name}'s answers about {what} are lower than a fortnight ago. What has "
                f"changed for the team, and what would make it easier to raise a concern early?"
            ),
            score=round(-worst["delta"] * 100, 1),
            team=team.pk,
        )


@rule(
    "pulse_split",
    area="people",
    title="The team is split on a pulse question",
    why="When answers spread widely (within-team agreement r_wg below 0.70), the average hides "
    "two experiences of the same team; the people having the worse one are the ones to hear.",
    source="James, L. R., Demaree, R. G., Wolf, G. (1984). Estimating within-group interrater "
    "reliability with and without response bias. Journal of Applied Psychology 69(1)",
    thresholds=(Threshold("items", "Split items from which it fires", 1, 1, 30, "items"),),
)
def pulse_split(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for c in _changes(ctx):
        team = ctx.team_by_slug(c["team"])
        if team is None or len(c["split_items"]) < t["items"]:
            continue
        subject = _subject(ctx, c, team.name)
        n = len(c["split_items"])
        yield Signal(
            subject=subject,
            severity="medium" if n >= 2 else "low",
            title=f"{subject.name}: the team is split on {n} question{'s' if n != 1 else ''}",
            evidence=(
                Evidence(
                    "Split questions (r_wg below 0.70)", ", ".join(c["split_items"]), subject.url
                ),
                Evidence("Round", f"{c['round']} ({c['respondents']} answered)", subject.url),
            ),  # fmt: skip
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{team.name} answered some questions very differently from one another. Could the "
                f"team talk about what makes it feel different for different people?"
            ),
            score=float(n),
            team=team.pk,
        )


@rule(
    "pulse_participation_falling",
    area="people",
    title="Fewer people answer the team's pulse",
    why="Falling participation is itself a signal: people stop answering when they doubt it "
    "changes anything, or no longer feel safe to. Only counts are read, never who.",
    thresholds=(
        Threshold("points", "Fall in the share who answered (percentage points)", 20, 1, 100, "%"),
    ),
)
def pulse_participation_falling(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for c in _changes(ctx):
        team = ctx.team_by_slug(c["team"])
        before, invited_before = c["previous_respondents"], c["previous_invited"]
        if team is None or before is None or not invited_before or not c["invited"]:
            continue
        share, share_before = c["respondents"] / c["invited"], before / invited_before
        fall = (share_before - share) * 100
        if fall < t["points"]:
            continue
        subject = _subject(ctx, c, team.name)
        yield Signal(
            subject=subject,
            severity="medium" if share < 0.5 else "low",
            title=f"{subject.name}: {c['respondents']} of {c['invited']} answered, "
            f"down from {before} of {invited_before}",
            evidence=(
                Evidence(
                    "Latest round",
                    f"{c['respondents']} of {c['invited']} ({_pct(share)})",
                    subject.url,
                ),
                Evidence(
                    "Round before",
                    f"{before} of {invited_before} ({_pct(share_before)})",
                    subject.url,
                ),
                Evidence("Threshold", f"a fall of {t['points']:g} points", ctx.url("radar-rules")),
            ),  # fmt: skip
            talk_to=ctx.team_leads(team),
            conversation=(
                f"Fewer of {team.name} answered the last pulse. Is it still worth the team's "
                f"time — and did anything come of the last results that people could see?"
            ),
            score=round(fall, 1),
            team=team.pk,
        )
