"""Concentration services: truck factors per repository and area over the people still here,
"if X leaves"; the page's overview also takes one-person finishers in the tracker and each team's
out-of-hours share from :mod:`.workload`, and areas one person reviews from :mod:`.reviews`.

Where the history comes from: every git connection whose path this server can read (one
``git log``, see :mod:`.truckfactor`), and the commits stored in :class:`.models.CodeCommit`
(what the demo fills; a repository read with git wins over stored commits of the same name).

Choices:

* **Areas** are a repository's top directories (files at its root count for the repository
  only). The degree of authorship is computed on the whole history.
* **People still here**: a commit author is matched to the people registry by email (any of
  their merged emails), else by name, case-insensitively; only authors matched to an *active*
  person are kept, the others are counted as ``left_out``.
* **Areas and epics** are linked through commit subjects: a subject naming a tracker key
  (``CHK-12``) links the files it touched to that item, and so to its epic (the item itself
  when it is an epic, else its epic or parent). Forecasts are change requests (pending or
  approved, with a target date) whose scope names such an epic.
* **Out of hours**: a commit or a status change at a weekend or outside 08:00–18:00 in the
  workspace's time zone. Counted per team and week; shown only for teams with at least the
  workspace's minimum group size k (the pulses' setting) of active people; never per person.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from django.db import transaction

from leadline.delivery.models import Connection, WorkItem
from leadline.pulse.services import min_group_size
from leadline.workspaces.models import Person, Workspace

from . import reviews, workload
from .models import AreaResult, CodeCommit
from .results import (
    ConcentrationAreaOut,
    ConcentrationAuthorOut,
    ConcentrationEpicOut,
    ConcentrationForecastOut,
    ConcentrationLeavesOut,
    ConcentrationLossOut,
    ConcentrationOut,
    ConcentrationReviewAreaOut,
    ConcentrationReviewerOut,
)
from .truckfactor import (
    Authorship,
    Commit,
    FileChange,
    GitLogError,
    analyse,
    authorship,
    read_git,
    read_tree,
)

KEY = re.compile(r"\b[A-Z][A-Z0-9_]+-\d+\b")
LIVE_CHANGES = ("pending", "approved")


# --- where histories come from ---------------------------------------------------------------
History = tuple[str, list[Commit], list[str] | None]


def histories(workspace: Workspace) -> tuple[list[History], list[str]]:
    """(repository name, commits oldest first, files at HEAD if known) for every readable
    source, and the problems met."""
    out: list[History] = []
    problems: list[str] = []
    seen: set[str] = set()
    for conn in Connection.objects.filter(workspace=workspace, kind=Connection.Kind.GIT):
        if not Path(conn.target).is_dir():
            problems.append(f"{conn.name}: {conn.target} is not readable from this server")
            continue
        try:
            out.append((conn.name, read_git(conn.target), read_tree(conn.target)))
            seen.add(conn.name)
        except GitLogError as exc:
            problems.append(f"{conn.name}: {exc}")
    stored: dict[str, list[Commit]] = defaultdict(list)
    for row in CodeCommit.objects.filter(workspace=workspace).order_by("repository", "authored",
                                                                       "id"):  # fmt: skip
        if row.repository in seen:
            continue
        stored[row.repository].append(
            Commit(
                sha=row.sha,
                name=row.author_name,
                email=row.author_email,
                authored=row.authored,
                subject=row.subject,
                changes=tuple(
                    FileChange(f[0], f[1], f[2] if len(f) > 2 else "") for f in row.files
                ),  # fmt: skip
            )
        )
    out.extend((name, commits, None) for name, commits in sorted(stored.items()))
    return out, problems


# --- people ----------------------------------------------------------------------------------
@dataclass
class _Registry:
    by_email: dict[str, Person]
    by_name: dict[str, Person]

    @classmethod
    def of(cls, workspace: Workspace, *, active: bool | None = True) -> _Registry:
        people = Person.objects.filter(workspace=workspace)
        if active is not None:
            people = people.filter(active=active)
        by_email: dict[str, Person] = {}
        by_name: dict[str, Person] = {}
        for p in people.order_by("pk"):
            if p.email:
                by_email.setdefault(p.email.casefold(), p)
            by_name.setdefault(" ".join(p.name.split()).casefold(), p)
        return cls(by_email, by_name)

    def match(self, name: str, emails: Iterable[str]) -> Person | None:
        for e in emails:
            if e.casefold() in self.by_email:
                return self.by_email[e.casefold()]
        return self.by_name.get(" ".join(name.split()).casefold())


def _top(path: str) -> str | None:
    return path.split("/", 1)[0] if "/" in path else None


# --- computing -------------------------------------------------------------------------------
@transaction.atomic
def refresh(workspace: Workspace, now: datetime) -> list[str]:
    """Recompute and store every repository's and area's results and the teams' pace weeks.

    Returns the problems met (repositories that could not be read)."""
    found, problems = histories(workspace)
    registry = _Registry.of(workspace)
    items = _items(workspace)
    rows: list[AreaResult] = []
    all_commits: list[Commit] = []
    for repo, commits, files_at_head in found:
        all_commits.extend(commits)
        who = authorship(commits, files=files_at_head)
        people = {pid: registry.match(found_name, who.emails.get(pid, []))
                  for pid, found_name in who.names.items()}  # fmt: skip
        matched = {pid for pid, person in people.items() if person is not None}
        here = who.restrict(matched.__contains__)
        areas = sorted({a for p in who.file_authors if (a := _top(p))})
        whole, per_area = analyse(here, areas)
        links = _links(commits, items)
        for area, tf in [("", whole), *per_area]:
            files = [p for p in who.file_authors if not area or p.startswith(area + "/")]
            gone = {a for p in files for a in who.file_authors[p]} - {
                a for p in files for a in here.file_authors[p]
            }
            keys = sorted(set().union(*(links.get(p, set()) for p in files))) if files else []
            epics = sorted({e for k in keys if (e := items[k][0])})
            rows.append(
                AreaResult(
                    workspace=workspace,
                    repository=repo[:300],
                    area=area[:300],
                    truck_factor=tf.truck_factor,
                    files=tf.files,
                    authors=[
                        _author(here, people, pid, n, tf.sole.get(pid, 0)) for pid, n in tf.authors
                    ],  # fmt: skip
                    left_out=len(gone),
                    work_items=keys,
                    epics=epics,
                    computed_at=now,
                )
            )
    AreaResult.objects.filter(workspace=workspace).delete()
    AreaResult.objects.bulk_create(rows)
    reviews.store_change_areas(workspace, found)
    workload.store_pace(workspace, now, all_commits, _Registry.of(workspace, active=None).match)
    return problems


def _author(here: Authorship, people: dict[str, Person | None], pid: str, files: int,
            sole: int) -> dict[str, Any]:  # fmt: skip
    person = people.get(pid)
    return {"name": person.name if person else here.names[pid],
            "person": person.pk if person else None, "files": files, "sole": sole}  # fmt: skip


def _items(workspace: Workspace) -> dict[str, tuple[str, str]]:
    """Tracker key → (its epic's key or "", item type) for every item of the workspace."""
    rows = list(WorkItem.objects.filter(workspace=workspace)
                .values_list("key", "type", "epic_key", "parent_key"))  # fmt: skip
    epics = {k for k, t, _, _ in rows if t.casefold() == "epic"}
    out = {}
    for key, kind, epic_key, parent in rows:
        if key in epics:
            out[key] = (key, kind)
        else:
            out[key] = (epic_key or (parent if parent in epics else ""), kind)
    return out


def _links(commits: list[Commit], items: dict[str, tuple[str, str]]) -> dict[str, set[str]]:
    """Path (as it ends up, renames followed) → tracker keys named by commits touching it."""
    current: dict[str, set[str]] = {}
    for c in commits:
        keys = {k for k in KEY.findall(c.subject) if k in items}
        for ch in c.changes:
            if ch.status == "D":
                current.pop(ch.path, None)
                continue
            if ch.status == "R":
                current[ch.path] = current.pop(ch.old_path, set())
            bucket = current.setdefault(ch.path, set())
            bucket |= keys
    return current


# --- reading ---------------------------------------------------------------------------------
def epic_rows(workspace: Workspace, keys: Iterable[str]) -> dict[str, ConcentrationEpicOut]:
    wanted = set(keys)
    if not wanted:
        return {}
    return {
        k: {
            "key": k,
            "title": title,
            "status": status,
            "open": resolved is None,
            "team": team or "",
        }  # fmt: skip
        for k, title, status, resolved, team in WorkItem.objects.filter(
            workspace=workspace, key__in=wanted
        ).values_list("key", "title", "status", "resolved", "team__slug")
    }


OneReviewer = dict[tuple[str, str], ConcentrationReviewerOut]


def _area_out(row: AreaResult, epics: dict[str, ConcentrationEpicOut],
              one: OneReviewer | None = None) -> ConcentrationAreaOut:  # fmt: skip
    return {
        "repository": row.repository,
        "area": row.area,
        "truck_factor": row.truck_factor,
        "files": row.files,
        "authors": [cast(ConcentrationAuthorOut, dict(a)) for a in row.authors],
        "left_out": row.left_out,
        "work_items": len(row.work_items),
        "epics": [epics[k] for k in row.epics if k in epics],
        "one_reviewer": (one or {}).get((row.repository, row.area)),
    }


def review_areas(workspace: Workspace, now: datetime, *, share: int = reviews.REVIEW_SHARE[2],
                 min_changes: int = reviews.REVIEW_MIN_CHANGES,
                 ) -> tuple[int, list[ConcentrationReviewAreaOut]]:  # fmt: skip
    """(changes reviewed in the period, areas whose changes one person reviews); reviewers are
    matched to the registry like commit authors, people who left included (and marked)."""
    match = _Registry.of(workspace, active=None).match
    return reviews.review_areas(workspace, now, match, share=share, min_changes=min_changes)


def _by_area(found: list[ConcentrationReviewAreaOut]) -> OneReviewer:
    return {(r["repository"], r["area"]): r["reviewer"] for r in found}


def results(workspace: Workspace, now: datetime) -> list[AreaResult]:
    """The stored results, computed first if there are none yet."""
    rows = list(AreaResult.objects.filter(workspace=workspace))
    if not rows and (
        CodeCommit.objects.filter(workspace=workspace).exists()
        or Connection.objects.filter(workspace=workspace, kind=Connection.Kind.GIT).exists()
    ):
        refresh(workspace, now)
        rows = list(AreaResult.objects.filter(workspace=workspace))
    return rows


def overview(workspace: Workspace, now: datetime, *, share: int = workload.FINISH_SHARE[2],
             review_share: int = reviews.REVIEW_SHARE[2],
             problems: list[str] | None = None) -> ConcentrationOut:  # fmt: skip
    """Everything the concentration page shows (and the API returns)."""
    rows = results(workspace, now)
    epics = epic_rows(workspace, {k for r in rows for k in r.epics})
    reviewed, by_review = review_areas(workspace, now, share=review_share)
    one = _by_area(by_review)
    return {
        "computed_at": max((r.computed_at for r in rows), default=None),
        "repositories": [_area_out(r, epics, one) for r in rows if not r.area],
        "areas": sorted(
            (_area_out(r, epics, one) for r in rows if r.area),
            key=lambda a: (a["truck_factor"], a["repository"], a["area"]),
        ),  # fmt: skip
        "finish_share": share,
        "finishers": workload.finishers(workspace, now, share=share),
        "review_share": review_share,
        "review_min_changes": reviews.REVIEW_MIN_CHANGES,
        "review_days": reviews.REVIEW_DAYS,
        "reviewed_changes": reviewed,
        "review_areas": by_review,
        "min_group_size": min_group_size(workspace),
        "pace_weeks": workload.PACE_WEEKS,
        "pace": workload.pace(workspace, now),
        "problems": problems or [],
    }


def area_authors(workspace: Workspace, now: datetime, repository: str,
                 area: str) -> ConcentrationAreaOut | None:  # fmt: skip
    row = next((r for r in results(workspace, now)
                if r.repository == repository and r.area == area), None)  # fmt: skip
    if row is None:
        return None
    return _area_out(
        row, epic_rows(workspace, row.epics), _by_area(review_areas(workspace, now)[1])
    )


def forecasts_for(workspace: Workspace, epics: Iterable[str]) -> list[ConcentrationForecastOut]:
    from leadline.changes.models import ChangeRequest

    wanted = set(epics)
    out: list[ConcentrationForecastOut] = []
    if not wanted:
        return out
    for cr in (
        ChangeRequest.objects.filter(
            workspace=workspace, status__in=LIVE_CHANGES, target_date__isnull=False
        )
        .exclude(scope_epics="")
        .order_by("target_date", "pk")
    ):
        if wanted & {k.strip() for k in re.split(r"[,\s]+", cr.scope_epics) if k.strip()}:
            out.append({"id": cr.pk, "title": cr.title, "target_date": cr.target_date})
    return out


def if_leaves(workspace: Workspace, now: datetime, person: Person) -> ConcentrationLeavesOut:
    """Which areas lose files' authors (or their last author) if ``person`` leaves."""
    rows = [r for r in results(workspace, now) if r.area]
    losses = []
    for r in rows:
        mine = next((a for a in r.authors if a["person"] == person.pk), None)
        if mine is None:
            continue
        losses.append((r, mine))
    epics = epic_rows(workspace, {k for r, _ in losses for k in r.epics})
    areas: list[ConcentrationLossOut] = []
    for r, mine in losses:
        area_epics = [epics[k] for k in r.epics if k in epics]
        areas.append({
            "repository": r.repository, "area": r.area, "files": r.files,
            "orphaned": mine["sole"], "last_author": len(r.authors) == 1,
            "truck_factor": r.truck_factor, "epics": area_epics,
            "forecasts": forecasts_for(workspace, [e["key"] for e in area_epics if e["open"]]),
        })  # fmt: skip
    areas.sort(key=lambda a: (not a["last_author"], -a["orphaned"], a["repository"], a["area"]))
    return {"person": person.pk, "name": person.name, "areas": areas}


def people_with_areas(workspace: Workspace, now: datetime) -> list[Person]:
    """Active people who author files in some area (for the "if X leaves" choice)."""
    ids = {a["person"] for r in results(workspace, now) for a in r.authors if a["person"]}
    return list(
        Person.objects.filter(workspace=workspace, pk__in=ids, active=True).order_by("name")
    )


def iter_single_author_areas(workspace: Workspace) -> Iterator[AreaResult]:
    """Stored areas with a truck factor of 1 (or 0 with files: nobody still here authors them).

    Reads what was computed (by a lead, the daily job or a first page view); never reads git,
    so the Radar stays cheap."""
    yield from AreaResult.objects.filter(
        workspace=workspace, truck_factor__lte=1, files__gt=0
    ).exclude(area="")
