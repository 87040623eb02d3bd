"""The retrospectives' Radar rules: actions overdue or never done, retros that agree nothing,
a theme that keeps coming back. They read the services the pages use."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

from leadline.radar.context import RunContext
from leadline.radar.registry import Contact, Evidence, Signal, Subject, Threshold, plural, rule

from .services import never_done_actions, overdue_actions, recurring_themes, retros_without_actions


@rule(
    "retro_action_overdue",
    area="people",
    title="A retrospective action is overdue or keeps being carried",
    why="A retrospective whose actions are not done teaches the team that retros change nothing; "
    "the next one gets quieter. Few actions, owned and finished, keep the habit alive.",
    thresholds=(
        Threshold("grace_days", "Days past the due date before it fires", 0, 0, 90, "days"),
        Threshold("carried", "Later retros carried into from which it is high", 2, 1, 20, "retros"),
    ),
)
def retro_action_overdue(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    carried = {a["id"]: n for a, n in never_done_actions(ctx.workspace, 1, ctx.today)}
    for a in overdue_actions(ctx.workspace, ctx.today):
        late = (ctx.today - a["due_on"]).days
        if late <= t["grace_days"]:
            continue
        team = ctx.team_by_slug(a["team"])
        n = carried.get(a["id"], 0)
        url = ctx.url("retro-board", a["retro"])
        yield Signal(
            subject=Subject("retro_action", str(a["id"]), a["title"], url),
            severity="high" if n >= t["carried"] else "medium",
            title=f"Retro action “{a['title']}” is {plural(late, 'day')} overdue"
            + (f" and was carried into {n} later retros" if n else ""),
            evidence=(
                Evidence(
                    "Agreed in", f"{a['retro_title']} ({plural(a['age_days'], 'day')} ago)", url
                ),
                Evidence("Due", f"{a['due_on']:%Y-%m-%d} ({plural(late, 'day')} ago)", url),
                Evidence(
                    "Carried into later retros",
                    str(n),
                    ctx.url("retros", query=f"team={a['team']}"),
                ),
            ),  # fmt: skip
            talk_to=(Contact("person", f"{a['owner_name']} (owner)"), *ctx.team_leads(team)[:1]),
            conversation=(
                f"“{a['title']}” was agreed {plural(a['age_days'], 'day')} ago. Is it still the right "
                f"action — and if it is, what would let it happen before the next retro?"
            ),
            score=float(late),
            team=team.pk if team else None,
        )


@rule(
    "retro_no_actions",
    area="people",
    title="Retrospectives that agree no action, several in a row",
    why="A retro that ends without an action changes nothing; several in a row suggest the team "
    "no longer expects them to, or does not feel safe to name what is wrong.",
    thresholds=(
        Threshold("rounds", "Closed retros in a row without an action", 3, 2, 20, "retros"),
    ),
)
def retro_no_actions(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for q in retros_without_actions(ctx.workspace, int(t["rounds"])):
        team = ctx.team_by_slug(q["team"])
        n = q["retros_without_actions"]
        url = ctx.url("retro-board", q["last_retro"])
        yield Signal(
            subject=Subject(
                "team", q["team"], q["team_name"], ctx.url("retros", query=f"team={q['team']}")
            ),
            severity="medium" if n >= t["rounds"] + 2 else "low",
            title=f"{q['team_name']}'s last {n} retrospectives agreed no action",
            evidence=(
                Evidence("Closed retros in a row without an action", str(n), url),
                Evidence("Threshold", f"{int(t['rounds'])} in a row", ctx.url("radar-rules")),
            ),
            talk_to=ctx.team_leads(team),
            conversation=(
                f"{q['team_name']}'s last {n} retros ended without an action. Is the format still "
                f"helping the team find what to change, or would a different question help?"
            ),
            score=float(n),
            team=team.pk if team else None,
        )


@rule(
    "retro_recurring_theme",
    area="people",
    title="A theme keeps coming back in retrospectives",
    why="A problem that returns retro after retro has not been solved by the actions agreed; it "
    "usually needs someone outside the team, or a decision nobody has taken yet.",
    thresholds=(
        Threshold("retros", "Retros it came up in", 3, 2, 26, "retros"),
        Threshold("recent_days", "Last seen within", 120, 7, 730, "days"),
    ),
)
def retro_recurring_theme(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for theme in recurring_themes(ctx.workspace, min_retros=int(t["retros"])):
        if (ctx.today - theme["last_seen"]).days > t["recent_days"]:
            continue
        team = ctx.team_by_slug(theme["team"])
        digest = hashlib.sha256(theme["title"].lower().encode()).hexdigest()[:12]
        url = ctx.url("retro-themes", query=f"team={theme['team']}")
        seen = theme["history"][-3:]
        yield Signal(
            subject=Subject("retro_theme", f"{theme['team']}:{digest}", theme["title"], url),
            severity="medium" if theme["retros"] >= t["retros"] + 2 else "low",
            title=f"“{theme['title']}” came up in {theme['retros']} of "
            f"{team.name if team else theme['team']}'s retrospectives",
            evidence=(
                Evidence("Retros it came up in", str(theme["retros"]), url),
                Evidence(
                    "First and last seen",
                    f"{theme['first_seen']:%Y-%m-%d} – {theme['last_seen']:%Y-%m-%d}",
                    url,
                ),
                *(
                    Evidence(
                        f"{m['held_on']:%Y-%m-%d}", m["text"], ctx.url("retro-board", m["retro"])
                    )
                    for m in seen
                ),
            ),  # fmt: skip
            talk_to=ctx.team_leads(team),
            conversation=(
                f"“{theme['title']}” has come up in {theme['retros']} retros. What has the team "
                f"tried so far, and who outside the team would need to be in the room to end it?"
            ),
            score=float(theme["retros"]),
            team=team.pk if team else None,
        )
