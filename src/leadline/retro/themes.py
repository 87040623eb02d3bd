"""Recurring themes: what a team writes about again and again across its retrospectives.

Each retro's group titles and card texts are compared with rapidfuzz (token-based similarity,
so "Unclear acceptance criteria" and "acceptance criteria were unclear again" match, while one
shared word such as "tests" is not enough). A theme that comes up in ``min_retros`` or more
retros of the team (three by default) is recurring, shown with its history.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from leadline.workspaces.models import Team, Workspace

from .models import Card, CardGroup, Retro
from .results import ThemeMentionOut, ThemeOut

MIN_RETROS = 3
SIMILARITY = 85  # out of 100
LOOK_BACK = 26  # retros per team: a year of fortnightly retros

STOPWORDS = frozenset(
    "a an and are as at be been but by for from had has have i in is it its of on or our so "
    "that the their there these they this to too us was we were what when which with again "
    "still very".split()
)


def _words(text: str) -> frozenset[str]:
    """The content words, lower case, a plural "s" taken off ("deploys" reads as "deploy")."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") else w
                     for w in words if w not in STOPWORDS)  # fmt: skip


def similar(a: str, b: str) -> bool:
    """Whether two texts say the same thing: a close match of their content words in any order
    sharing most of them, or one holding the other with at least two content words shared."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    ja, jb = " ".join(sorted(wa)), " ".join(sorted(wb))
    shared = len(wa & wb)
    if shared >= 2 and fuzz.token_set_ratio(ja, jb) >= SIMILARITY:
        return True
    return 2 * shared > max(len(wa), len(wb)) and fuzz.ratio(ja, jb) >= SIMILARITY


@dataclass
class _Theme:
    seed: str
    mentions: dict[int, ThemeMentionOut] = field(default_factory=dict)


def _mentions(team: Team) -> list[tuple[Retro, str]]:
    boards = list(Retro.objects.filter(team=team).order_by("-held_on", "-id")[:LOOK_BACK])
    boards.reverse()
    texts: dict[int, list[str]] = defaultdict(list)
    ids = [r.pk for r in boards]
    for retro_id, title in CardGroup.objects.filter(retro_id__in=ids).values_list(
        "retro_id", "title"
    ):
        texts[retro_id].append(title)
    for retro_id, text in Card.objects.filter(retro_id__in=ids).values_list("retro_id", "text"):
        texts[retro_id].append(text)
    return [(r, t) for r in boards for t in texts[r.pk]]


def team_themes(team: Team, min_retros: int = MIN_RETROS) -> list[ThemeOut]:
    """The team's recurring themes, the most frequent first."""
    themes: list[_Theme] = []
    for retro, text in _mentions(team):
        home = next((t for t in themes if similar(t.seed, text)), None)
        if home is None:
            home = _Theme(seed=text)
            themes.append(home)
        home.mentions.setdefault(
            retro.pk,
            {"retro": retro.pk, "retro_title": retro.title, "held_on": retro.held_on, "text": text},
        )
    out: list[ThemeOut] = []
    for t in themes:
        if len(t.mentions) < min_retros:
            continue
        history = sorted(t.mentions.values(), key=lambda m: (m["held_on"], m["retro"]))
        out.append({"team": team.slug, "title": t.seed, "retros": len(history),
                    "first_seen": history[0]["held_on"], "last_seen": history[-1]["held_on"],
                    "history": history})  # fmt: skip
    out.sort(key=lambda t: (-t["retros"], t["title"]))
    return out


def recurring_themes(
    workspace: Workspace, team: Team | None = None, min_retros: int = MIN_RETROS
) -> list[ThemeOut]:
    """Themes that came back in ``min_retros`` or more retros, per team (a Radar rule's subject)."""
    teams = (
        [team]
        if team is not None
        else list(workspace.teams.filter(retros__isnull=False).distinct())
    )
    return [theme for t in teams for theme in team_themes(t, min_retros)]
