"""Working-agreement services: versions, diffs, acknowledgements and stakeholder links."""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from leadline.agreements.models import SECTIONS, Acknowledgement, AgreementVersion, WorkingAgreement
from leadline.workspaces import links
from leadline.workspaces.models import Person, Role, StakeholderLink, Team, Workspace
from leadline.workspaces.services import Access, audit

# Salt of the links signed before links expired (kept only to recognise them and say so).
LINK_SALT = "leadline.governance.agreement-link"


@transaction.atomic
def get_or_create_agreement(
    access: Access,
    team: Team,
    scope: str = WorkingAgreement.Scope.TEAM,
    *,
    review_date: date | None = None,
    actor: Any = None,
) -> WorkingAgreement:
    """Return the team's agreement of ``scope``, creating it (member role) if missing."""
    access.require(Role.MEMBER)
    if team.workspace_id != access.workspace.pk:
        raise Http404("No such team")
    agreement, created = WorkingAgreement.objects.get_or_create(
        workspace=access.workspace, team=team, scope=scope, defaults={"review_date": review_date}
    )
    if created:
        audit(access.workspace, actor, "create", agreement, f"Started agreement {agreement}")
    return agreement


@transaction.atomic
def save_version(
    access: Access,
    agreement: WorkingAgreement,
    sections: dict[str, str],
    *,
    note: str = "",
    actor: Any = None,
    now: datetime | None = None,
) -> AgreementVersion | None:
    """Save an edit as a new version (member role); an edit that changes nothing returns None."""
    access.require(Role.MEMBER)
    if agreement.workspace_id != access.workspace.pk:
        raise Http404("No such agreement")
    unknown = set(sections) - {f for f, _ in SECTIONS}
    if unknown:
        raise ValidationError({f: "Not an agreement section." for f in unknown})
    latest = agreement.latest
    values = {
        f: (sections.get(f, getattr(latest, f, "") if latest else "") or "").strip()
        for f, _ in SECTIONS
    }
    if latest is not None and all(getattr(latest, f) == v for f, v in values.items()):
        return None
    number = (agreement.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        note=note,
        created_at=now or timezone.now(),
        created_by_name=actor.get_username() if getattr(actor, "pk", None) else "system",
        **values,
    )
    audit(access.workspace, actor, "update", agreement, f"{agreement} is now version {number}")
    return version


def diff(old: AgreementVersion | None, new: AgreementVersion) -> list[dict[str, Any]]:
    """Return per section a side-by-side diff from ``old`` (None: empty) to ``new``:
    ``rows`` (see :func:`side_by_side`) and ``changed`` (False: rows are all equal)."""
    out = []
    for field, label in SECTIONS:
        before = (getattr(old, field) if old else "").splitlines()
        after = getattr(new, field).splitlines()
        rows = side_by_side(before, after)
        changed = any(r["op"] != "equal" for r in rows)
        out.append({"field": field, "label": label, "rows": rows, "changed": changed})
    return out


def side_by_side(before: list[str], after: list[str]) -> list[dict[str, Any]]:
    """Pair the lines of two texts for a side-by-side view.

    Each row has ``op`` ("equal", "delete", "insert" or "replace"), the line numbers (1-based,
    None on the side without a line) and each side as segments ``[(text, changed)]``: in a
    replaced line only the words that changed are marked.
    """
    rows: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(max(i2 - i1, j2 - j1)):
            a = before[i1 + k] if i1 + k < i2 else None
            b = after[j1 + k] if j1 + k < j2 else None
            left: list[tuple[str, bool]] = [] if a is None else [(a, op != "equal")]
            right: list[tuple[str, bool]] = [] if b is None else [(b, op != "equal")]
            if op == "equal":
                kind = "equal"
            elif a is not None and b is not None:
                kind, (left, right) = "replace", _word_diff(a, b)
            else:
                kind = "delete" if a is not None else "insert"
            rows.append(
                {
                    "op": kind,
                    "old_no": i1 + k + 1 if a is not None else None,
                    "new_no": j1 + k + 1 if b is not None else None,
                    "old": left,
                    "new": right,
                }
            )
    return rows


def _word_diff(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Split two versions of a line into segments, marking the words that differ."""
    wa, wb = re.split(r"(\s+)", a), re.split(r"(\s+)", b)
    left: list[tuple[str, bool]] = []
    right: list[tuple[str, bool]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        same = op == "equal"
        if i2 > i1:
            left.append(("".join(wa[i1:i2]), not same))
        if j2 > j1:
            right.append(("".join(wb[j1:j2]), not same))
    return left, right


def expected_people(agreement: WorkingAgreement) -> list[Person]:
    """Return who should acknowledge: the team's active members (and, for a stakeholder
    agreement, its stakeholders)."""
    people = {p.pk: p for p in agreement.team.people.filter(active=True)}
    if agreement.scope == WorkingAgreement.Scope.STAKEHOLDERS:
        people |= {p.pk: p for p in agreement.stakeholders.filter(active=True)}
    return sorted(people.values(), key=lambda p: p.name)


def acknowledgement_status(agreement: WorkingAgreement) -> dict[str, Any]:
    """Return the latest version and who has and has not acknowledged it."""
    latest = agreement.latest
    acked = set()
    if latest is not None:
        acked = set(latest.acknowledgements.values_list("person_id", flat=True))
    people = expected_people(agreement)
    return {
        "latest": latest,
        "acknowledged": [p for p in people if p.pk in acked],
        "pending": [p for p in people if p.pk not in acked],
    }


@transaction.atomic
def acknowledge(
    agreement: WorkingAgreement,
    person: Person,
    *,
    via_link: bool = False,
    now: datetime | None = None,
) -> Acknowledgement:
    """Record that ``person`` accepts the latest version (idempotent per version and person).

    Callers check that ``person`` may: their own Person record, or a signed link.
    """
    latest = agreement.latest
    if latest is None:
        raise ValidationError({"version": "There is no version to acknowledge yet."})
    if person.pk not in {p.pk for p in expected_people(agreement)}:
        raise ValidationError({"person": f"{person.name} is not part of this agreement."})
    ack, created = Acknowledgement.objects.get_or_create(
        version=latest, person=person, defaults={"at": now or timezone.now(), "via_link": via_link}
    )
    if created:
        audit(
            agreement.workspace,
            None,
            "acknowledge",
            agreement,
            f"{person.name} acknowledged {agreement} v{latest.number}",
        )
    return ack


def person_for_user(workspace: Workspace, user: Any) -> Person | None:
    """Return the Person record linked to ``user`` in ``workspace``, if any."""
    return Person.objects.filter(workspace=workspace, user=user).first()


def make_link(
    access: Access,
    agreement: WorkingAgreement,
    person: Person,
    *,
    days: Any = None,
    actor: Any = None,
) -> tuple[StakeholderLink, str]:
    """Make a link letting ``person`` read and acknowledge this one agreement, no account
    needed (lead role); it expires after ``days`` (default LEADLINE_LINK_DAYS)."""
    if agreement.workspace_id != access.workspace.pk:
        raise Http404("No such agreement")
    if person.pk not in {p.pk for p in expected_people(agreement)}:
        raise ValidationError({"person": f"{person.name} is not part of this agreement."})
    return links.issue_link(
        access, StakeholderLink.Purpose.AGREEMENT, agreement, person, days=days, actor=actor
    )


def resolve_link(slug: str, token: str) -> tuple[WorkingAgreement, Person, StakeholderLink]:
    """Return the agreement, person and link a link grants.

    Raises LinkRefused: unknown (altered, another workspace's or another kind of link),
    expired, revoked, or "replaced" for a link signed before links expired (those stopped
    working; the page says whom to ask for a new one).
    """
    if ":" in token:  # the old, never-expiring signed form
        try:
            data = signing.loads(token, salt=LINK_SALT)
        except signing.BadSignature:
            raise links.LinkRefused("unknown") from None
        workspace = Workspace.objects.filter(pk=data.get("w"), slug=slug).first()
        raise links.LinkRefused("replaced" if workspace else "unknown", workspace=workspace)
    link = links.resolve(slug, token, StakeholderLink.Purpose.AGREEMENT)
    agreement = (
        WorkingAgreement.objects.select_related("team", "workspace")
        .filter(pk=link.object_id, workspace=link.workspace)
        .first()
    )
    if agreement is None:
        raise links.LinkRefused("unknown")
    return agreement, link.person, link


def unacknowledged_summary(workspace: Workspace) -> list[str]:
    """Return digest lines naming agreements whose latest version someone has not acknowledged."""
    lines = []
    for agreement in WorkingAgreement.objects.filter(workspace=workspace).select_related("team"):
        status = acknowledgement_status(agreement)
        if status["latest"] is not None and status["pending"]:
            names = ", ".join(p.name for p in status["pending"])
            lines.append(f"Agreement {agreement} v{status['latest'].number} awaits: {names}")
    return lines
