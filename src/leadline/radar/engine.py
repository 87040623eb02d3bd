"""Run the rules over a workspace and keep each finding's lifecycle.

A finding is open while its rule's condition holds. When the condition no longer holds, the
finding resolves itself ("cleared"); when it returns, a resolved finding reopens with the new
evidence. A dismissed finding stays quiet while its condition holds, unless its evidence gets
worse than when it was dismissed (a larger score). An acknowledged finding whose re-check date
has come while the condition still holds opens again. Every step is a FindingEvent.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from leadline.workspaces.models import Workspace

from .context import RunContext
from .models import Finding, FindingEvent, RuleSetting
from .registry import Rule, Signal, all_rules

logger = logging.getLogger(__name__)

Key = tuple[str, str, str]  # rule, subject kind, subject id
LIVE = (Finding.Status.OPEN, Finding.Status.ACKNOWLEDGED)


@dataclass
class RunResult:
    """What one run did: counts per outcome, the rules that failed (with why), seconds taken."""

    raised: int = 0
    reopened: int = 0
    cleared: int = 0
    still_open: int = 0
    rules_run: int = 0
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    new: list[int] = field(default_factory=list)  # ids raised or reopened in this run


def settings_of(workspace: Workspace) -> dict[str, RuleSetting]:
    return {s.rule: s for s in RuleSetting.objects.filter(workspace=workspace)}


def thresholds_of(rule: Rule, setting: RuleSetting | None) -> dict[str, float]:
    """The rule's thresholds: the defaults with the workspace's changes on top (a stored value
    that is no longer valid, e.g. after a bound changed, falls back to the default)."""
    values = rule.defaults()
    if setting is not None:
        for t in rule.thresholds:
            if t.key in setting.thresholds:
                try:
                    values[t.key] = t.check(setting.thresholds[t.key])
                except ValueError:
                    logger.warning("radar: ignoring stored threshold %s.%s", rule.key, t.key)
    return values


def evaluate(ctx: RunContext, rules: list[Rule], settings: dict[str, RuleSetting]) -> tuple[
    dict[Key, tuple[Rule, Signal]], dict[str, str]
]:  # fmt: skip
    """Evaluate ``rules``; a rule that fails is reported and skipped, the others still run."""
    signals: dict[Key, tuple[Rule, Signal]] = {}
    errors: dict[str, str] = {}
    for r in rules:
        try:
            for s in r.evaluate(ctx, thresholds_of(r, settings.get(r.key))):
                key = (r.key, s.subject.kind, s.subject.id)
                if key not in signals or s.score > signals[key][1].score:
                    signals[key] = (r, s)
        except Exception as exc:  # one broken rule must not hide the others' findings
            logger.exception("radar rule %s failed in %s", r.key, ctx.workspace.slug)
            errors[r.key] = f"{type(exc).__name__}: {exc}"
    return signals, errors


def _evidence(s: Signal) -> list[dict[str, str]]:
    return [{"label": e.label, "value": e.value, "url": e.url} for e in s.evidence]


def _fill(f: Finding, r: Rule, s: Signal, ctx: RunContext) -> None:
    f.team_id = s.team
    f.subject_name = s.subject.name[:300]
    f.subject_url = s.subject.url[:300]
    f.severity = s.severity
    f.title = s.title[:300]
    f.evidence = _evidence(s)
    f.why = s.why or r.why
    f.talk_to = [{"kind": c.kind, "name": c.name} for c in s.talk_to]
    f.conversation = s.conversation
    f.score = s.score
    f.recheck_at = ctx.today + timedelta(days=r.recheck_days)
    f.last_seen_at = ctx.now


def run(workspace: Workspace, now: datetime, *, only: list[str] | None = None) -> RunResult:
    """Run every enabled rule (or those in ``only``) over ``workspace`` as of ``now``."""
    started = time.perf_counter()
    ctx = RunContext(workspace, now)
    settings = settings_of(workspace)
    rules = [
        r
        for r in all_rules()
        if (only is None or r.key in only)
        and (settings[r.key].enabled if r.key in settings else True)
    ]
    ctx.thresholds = {r.key: thresholds_of(r, settings.get(r.key)) for r in rules}
    signals, errors = evaluate(ctx, rules, settings)
    result = RunResult(rules_run=len(rules), errors=errors)
    checked = [r.key for r in rules if r.key not in errors]
    with transaction.atomic():
        existing: dict[Key, Finding] = {
            (f.rule, f.subject_kind, f.subject_id): f
            for f in Finding.objects.select_for_update().filter(
                workspace=workspace, rule__in=checked
            )
        }
        events: list[FindingEvent] = []
        seen: list[Finding] = []  # still firing, no new evidence: one bulk update at the end
        for key, (r, s) in signals.items():
            f = existing.get(key)
            if f is None:
                f = Finding(
                    workspace=workspace, rule=r.key, subject_kind=s.subject.kind,
                    subject_id=s.subject.id, first_seen_at=now, status_changed_at=now,
                )  # fmt: skip
                _fill(f, r, s, ctx)
                f.save()
                events.append(FindingEvent(finding=f, at=now, action="raised", evidence=f.evidence))
                result.raised += 1
                result.new.append(f.pk)
                continue
            action, note = _transition(f, s, ctx)
            if action in {"reopened", "worse"}:
                _fill(f, r, s, ctx)  # evidence frozen again, as it is now
                f.status, f.status_changed_at = Finding.Status.OPEN, now
                f.dismissed_reason, f.dismissed_score = "", None
                result.reopened += 1
                result.new.append(f.pk)
                f.save()
            else:
                f.last_seen_at, f.score = now, s.score
                if action == "recheck":
                    f.status, f.status_changed_at = Finding.Status.OPEN, now
                    f.recheck_at = ctx.today + timedelta(days=r.recheck_days)
                if f.status in LIVE:
                    result.still_open += 1
                seen.append(f)
            if action:
                events.append(
                    FindingEvent(finding=f, at=now, action=action, note=note, evidence=_evidence(s))
                )
        cleared: list[Finding] = []
        for key, f in existing.items():
            if key not in signals and f.status in LIVE:
                f.status, f.status_changed_at = Finding.Status.RESOLVED, now
                cleared.append(f)
                events.append(
                    FindingEvent(
                        finding=f, at=now, action="cleared",
                        note="The condition no longer holds.",
                    )
                )  # fmt: skip
                result.cleared += 1
        Finding.objects.bulk_update(
            seen, ["last_seen_at", "score", "status", "status_changed_at", "recheck_at"],
            batch_size=500,
        )  # fmt: skip
        Finding.objects.bulk_update(cleared, ["status", "status_changed_at"], batch_size=500)
        FindingEvent.objects.bulk_create(events)
    result.seconds = time.perf_counter() - started
    return result


def _transition(f: Finding, s: Signal, ctx: RunContext) -> tuple[str, str]:
    """Return the event a still-firing signal causes on an existing finding ("" for none)."""
    if f.status == Finding.Status.RESOLVED:
        return "reopened", "The condition returned."
    if f.status == Finding.Status.DISMISSED:
        was = f.dismissed_score if f.dismissed_score is not None else f.score
        if s.score > was:
            return (
                "worse",
                f"The evidence got worse since it was dismissed ({_n(was)} → {_n(s.score)}).",
            )
        return "", ""
    if f.status == Finding.Status.ACKNOWLEDGED and f.recheck_at <= ctx.today:
        return "recheck", "Re-check date reached and the condition still holds."
    return "", ""


def _n(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:.2f}"


def run_all(now: datetime) -> dict[str, Any]:
    """Run the Radar in every workspace; return counts per workspace slug."""
    out: dict[str, Any] = {}
    for ws in Workspace.objects.order_by("slug"):
        r = run(ws, now)
        out[ws.slug] = {"raised": r.raised, "reopened": r.reopened, "cleared": r.cleared,
                        "errors": r.errors}  # fmt: skip
    return out
