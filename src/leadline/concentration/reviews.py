"""Areas whose changes one person reviews, from the code reviews imported with pull and merge
requests (:class:`leadline.delivery.models.CodeReview`).

What counts:

* A change is **reviewed** in the period when someone other than its author approved it,
  requested changes, commented on it (or withdrew an approval) in the last ``days`` days. Its
  author's own replies are no review, and neither is a bot's (the truck factor's rule,
  :func:`.truckfactor.is_bot`, on top of what the connectors already leave out).
* Its **areas**: the repository and the top directories of the files its commits touched, as
  the repository's history (a git connection or stored commits) tells, matched by commit sha
  when the results are recomputed (:func:`store_change_areas`). A change whose commits no
  history holds counts for the repository the code host names only.
* **Reviewers are people**: a login is matched to the people registry like a commit author
  (by email, else by name), through the git identities the code host tied to it
  (:class:`leadline.delivery.models.CodeAccount`) and the display name the source gives; two
  logins of one person count as that person. Unmatched logins stay as they are.
* An area shows **one reviewer** when the person who reviewed the most of its reviewed changes
  reviewed at least ``share`` % of them, with at least ``min_changes`` reviewed changes. Only
  that one person is named, for the area: reviewers are never ranked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef

from leadline.delivery.models import Change, CodeAccount, CodeReview
from leadline.workspaces.models import Person, Workspace

from .models import ChangeArea
from .results import ConcentrationReviewAreaOut, ConcentrationReviewerOut
from .truckfactor import Commit, is_bot

REVIEW_SHARE = (50, 100, 80)  # low, high, default (%)
REVIEW_MIN_CHANGES = 5
REVIEW_DAYS = 180

Match = Callable[[str, Iterable[str]], Person | None]
History = tuple[str, list[Commit], list[str] | None]
Who = tuple[Any, ...]  # ("person", pk) or ("login", source, login)


def _top(path: str) -> str | None:
    return path.split("/", 1)[0] if "/" in path else None


def store_change_areas(workspace: Workspace, found: list[History]) -> None:
    """Store the repository and areas of every reviewed change whose commits a history holds."""
    reviewed = CodeReview.objects.filter(
        workspace=workspace, source=OuterRef("source"), change_id=OuterRef("external_id")
    )
    changes = list(
        Change.objects.filter(workspace=workspace)
        .filter(Exists(reviewed))
        .values_list("source", "external_id", "commits", "sha")
    )
    wanted = {s.casefold() for _, _, commits, sha in changes for s in [*(commits or []), sha] if s}
    where: dict[str, tuple[str, set[str]]] = {}
    for repository, commits, _files in found:
        for c in commits:
            sha = c.sha.casefold()
            if sha in wanted and sha not in where:
                where[sha] = (repository, {a for ch in c.changes if (a := _top(ch.path))})
    rows = []
    for source, external_id, commits, sha in changes:
        hits = [where[s.casefold()] for s in [*(commits or []), sha] if s and s.casefold() in where]
        if not hits:
            continue
        repository = Counter(repo for repo, _ in hits).most_common(1)[0][0]
        areas = sorted(set().union(*(a for repo, a in hits if repo == repository)))
        rows.append(ChangeArea(workspace=workspace, source=source, change_id=external_id[:200],
                               repository=repository[:300], areas=areas))  # fmt: skip
    ChangeArea.objects.filter(workspace=workspace).delete()
    ChangeArea.objects.bulk_create(rows)


class _Reviewers:
    """Logins to people, once per login: by the source's display name and the git identities
    (names, emails) the code host tied to the login, the way commit authors are matched."""

    def __init__(self, workspace: Workspace, match: Match) -> None:
        self.match = match
        self.known: dict[tuple[str, str], tuple[list[str], list[str]]] = defaultdict(
            lambda: ([], [])
        )
        for source, login, name, email in CodeAccount.objects.filter(
            workspace=workspace
        ).values_list("source", "login", "name", "email"):
            names, emails = self.known[(source, login.casefold())]
            if name:
                names.append(name)
            if email:
                emails.append(email)
        self.cache: dict[tuple[str, str, str], tuple[Who, str, Person | None]] = {}

    def __call__(
        self, source: str, login: str, display: str = ""
    ) -> tuple[Who, str, Person | None]:
        key = (source, login.casefold(), display)
        if key not in self.cache:
            names, emails = self.known.get((source, login.casefold()), ([], []))
            person = self.match(display or login, emails)
            for name in [*names, login]:
                person = person or self.match(name, [])
            who: Who = ("person", person.pk) if person else ("login", source, login.casefold())
            self.cache[key] = (who, person.name if person else (display or login), person)
        return self.cache[key]


def review_areas(
    workspace: Workspace, now: datetime, match: Match, *, share: int = REVIEW_SHARE[2],
    min_changes: int = REVIEW_MIN_CHANGES, days: int = REVIEW_DAYS,
) -> tuple[int, list[ConcentrationReviewAreaOut]]:  # fmt: skip
    """(changes reviewed in the period, the areas one person reviews), most one-sided first."""
    resolve = _Reviewers(workspace, match)
    reviewers: dict[tuple[str, str], set[Who]] = defaultdict(set)
    repository: dict[tuple[str, str], str] = {}
    people: dict[Who, tuple[str, Person | None]] = {}
    for source, change, repo, author, login, display in CodeReview.objects.filter(
        workspace=workspace, submitted__gte=now - timedelta(days=days), submitted__lte=now
    ).values_list("source", "change_id", "repository", "change_author", "reviewer",
                  "reviewer_name"):  # fmt: skip
        if is_bot(login, "") or is_bot(display, ""):
            continue
        who, name, person = resolve(source, login, display)
        if author and (author.casefold() == login.casefold() or resolve(source, author)[0] == who):
            continue  # the author answering in their own review thread
        reviewers[(source, change)].add(who)
        repository[(source, change)] = repo
        people[who] = (name, person)
    placed = {(s, c): (r, a) for s, c, r, a in ChangeArea.objects.filter(
        workspace=workspace).values_list("source", "change_id", "repository", "areas")}  # fmt: skip
    per_area: dict[tuple[str, str], Counter[Who]] = defaultdict(Counter)
    totals: Counter[tuple[str, str]] = Counter()
    for key, who_reviewed in reviewers.items():
        repo, areas = placed.get(key, (repository[key], []))
        for area in ["", *areas]:
            totals[(repo, area)] += 1
            per_area[(repo, area)].update(who_reviewed)
    out: list[ConcentrationReviewAreaOut] = []
    for (repo, area), counts in per_area.items():
        total = totals[(repo, area)]
        if total < min_changes:
            continue
        who, n = min(counts.items(), key=lambda kv: (-kv[1], people[kv[0]][0].casefold(), kv[0]))
        if n * 100 < share * total:
            continue
        name, person = people[who]
        reviewer: ConcentrationReviewerOut = {
            "name": name, "person": person.pk if person else None,
            "left": bool(person and not person.active), "reviewed": n, "changes": total,
            "share": round(n / total, 3),
        }  # fmt: skip
        out.append({"repository": repo, "area": area, "reviewer": reviewer})
    out.sort(key=lambda r: (-r["reviewer"]["share"], -r["reviewer"]["changes"], r["repository"],
                            r["area"]))  # fmt: skip
    return len(reviewers), out
