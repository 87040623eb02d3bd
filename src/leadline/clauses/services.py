"""Link a working-agreement clause to a check over the data, and judge each linked clause
kept or broken with its evidence (the agreement page, the API and the Radar read the same)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from typing_extensions import TypedDict

from leadline.agreements.models import SECTIONS, WorkingAgreement
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access, audit

from . import registry
from .models import ClauseCheck

MAX_PER_AGREEMENT = 20
WINDOWS = (7, 365)  # days a clause's window may span


def with_limit(label: str, limit: float) -> str:
    """A kind's label with its N filled in: "Decisions within 48 hours"."""
    return re.sub(r"\bN\b", f"{limit:g}", label, count=1)


def link_clause(
    access: Access,
    agreement: WorkingAgreement,
    *,
    section: str,
    clause: str,
    kind: str,
    limit: float | None = None,
    window_days: int = 28,
    actor: Any = None,
    now: datetime | None = None,
) -> ClauseCheck:
    """Link a clause of ``agreement``'s latest version to a check kind (member role). The
    clause must be words of that section; ``limit`` is its number (default: the kind's)."""
    access.require(Role.MEMBER)
    if agreement.workspace_id != access.workspace.pk:
        raise Http404("No such agreement")
    labels = dict(SECTIONS)
    if section not in labels:
        raise ValidationError({"section": f"Choose one of {', '.join(labels)}."})
    k = registry.kind(kind)
    if k is None:
        known = ", ".join(x.key for x in registry.kinds())
        raise ValidationError({"kind": f"Unknown check {kind!r}; one of {known}."})
    clause = " ".join((clause or "").split())
    if not 3 <= len(clause) <= 300:
        raise ValidationError({"clause": "Quote the clause in 3–300 characters."})
    latest = agreement.latest
    text = " ".join((getattr(latest, section, "") if latest else "").split())
    if clause.lower() not in text.lower():
        raise ValidationError(
            {"clause": f"The {labels[section].lower()} of the latest version do not say "
             f"“{clause[:80]}”; quote the clause as written."}
        )  # fmt: skip
    limit = k.default if limit is None else float(limit)
    if not k.low <= limit <= k.high:
        raise ValidationError(
            {"limit": f"For this check the number is {k.low:g} to {k.high:g} {k.unit}."}
        )
    if not WINDOWS[0] <= window_days <= WINDOWS[1]:
        raise ValidationError({"window_days": f"A window of {WINDOWS[0]} to {WINDOWS[1]} days."})
    if agreement.clause_checks.count() >= MAX_PER_AGREEMENT:
        raise ValidationError({"clause": f"At most {MAX_PER_AGREEMENT} checked clauses."})
    check = ClauseCheck.objects.create(
        workspace=access.workspace,
        agreement=agreement,
        section=section,
        clause=clause,
        kind=k.key,
        limit=limit,
        window_days=window_days,
        created_at=now or timezone.now(),
        created_by_name=actor.get_username() if getattr(actor, "pk", None) else "system",
    )
    audit(access.workspace, actor, "update", agreement,
          f"Checked “{clause[:80]}” of {agreement} against {with_limit(k.label, limit)}")  # fmt: skip
    return check


def remove_clause(access: Access, agreement: WorkingAgreement, pk: int, actor: Any = None) -> None:
    """Unlink a clause from its check (member role)."""
    access.require(Role.MEMBER)
    check = ClauseCheck.objects.filter(
        workspace=access.workspace, agreement=agreement, pk=pk
    ).first()
    if check is None:
        raise Http404("No such checked clause")
    check.delete()
    audit(access.workspace, actor, "update", agreement, f"Stopped checking “{check.clause[:80]}”")


class ClauseEvidenceOut(TypedDict):
    label: str
    value: str
    url: str


class ClauseResult(TypedDict):
    id: int
    agreement_id: int
    agreement: str
    team_id: int
    section: str
    clause: str
    kind: str
    check: str
    limit: float
    window_days: int
    kept: bool | None
    state: str
    summary: str
    evidence: list[ClauseEvidenceOut]


def judge(check: ClauseCheck, now: datetime | None = None) -> ClauseResult:
    """Judge one linked clause now: kept, broken, or "no data" (nothing to judge by)."""
    now = now or timezone.now()
    agreement = check.agreement
    k = registry.kind(check.kind)
    if k is None:  # its app is gone: say so rather than guess
        verdict = registry.Verdict(None, f"The check {check.kind!r} is not available.")
        label = check.kind
    else:
        verdict = k.judge(
            registry.Judging(agreement.workspace, agreement.team, check.limit,
                             check.window_days, now)
        )  # fmt: skip
        label = with_limit(k.label, check.limit)
    state = {True: "kept", False: "broken", None: "no data"}[verdict.kept]
    return {
        "id": check.pk,
        "agreement_id": agreement.pk,
        "agreement": str(agreement),
        "team_id": agreement.team_id,
        "section": check.section,
        "clause": check.clause,
        "kind": check.kind,
        "check": label,
        "limit": check.limit,
        "window_days": check.window_days,
        "kept": verdict.kept,
        "state": state,
        "summary": verdict.summary,
        "evidence": [{"label": e.label, "value": e.value, "url": e.url} for e in verdict.evidence],
    }


def clauses_of(agreement: WorkingAgreement, now: datetime | None = None) -> list[ClauseResult]:
    checks = agreement.clause_checks.select_related("agreement__team", "agreement__workspace")
    return [judge(c, now) for c in checks]


def broken_clauses(workspace: Any, now: datetime | None = None) -> list[ClauseResult]:
    """Every linked clause of the workspace's agreements that the data shows broken."""
    checks = ClauseCheck.objects.filter(workspace=workspace).select_related(
        "agreement__team", "agreement__workspace"
    )
    return [r for c in checks if (r := judge(c, now))["kept"] is False]
