"""Read and act on the Radar: list findings, acknowledge, resolve, dismiss, feedback, rules."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from leadline.workspaces.models import Role, Team, Workspace
from leadline.workspaces.services import Access, audit

from . import engine
from .models import Finding, FindingEvent, FindingFeedback, RuleSetting
from .registry import SEVERITIES, all_rules, get_rule
from .results import (
    EventOut,
    FindingDetailOut,
    FindingList,
    FindingOut,
    RuleOut,
    RunOut,
)

STATUS_ORDER = {"open": 0, "acknowledged": 1, "resolved": 2, "dismissed": 3}
LIVE = ("open", "acknowledged")
MAX_REASON = 300


def _filter_value(value: str | None, allowed: Iterable[str], name: str) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise ValidationError({name: [f"{value!r} is not one of {', '.join(allowed)}"]})
    return value


def muted_rules(workspace: Workspace) -> set[str]:
    return set(
        RuleSetting.objects.filter(workspace=workspace, enabled=False).values_list(
            "rule", flat=True
        )
    )


def findings(
    workspace: Workspace,
    *,
    status: str | None = None,
    team: Team | None = None,
    rule: str | None = None,
    severity: str | None = None,
) -> FindingList:
    """Return the findings, open first by severity, then acknowledged, resolved, dismissed.

    ``status`` "live" means open or acknowledged. Findings of muted rules are left out unless
    ``rule`` names one.
    """
    status = _filter_value(status, (*STATUS_ORDER, "live"), "status")
    severity = _filter_value(severity, SEVERITIES, "severity")
    if rule and get_rule(rule) is None:
        raise ValidationError({"rule": [f"{rule!r} is not a Radar rule"]})
    qs = Finding.objects.filter(workspace=workspace).select_related("team")
    counts = Counter(dict(qs.values_list("status").annotate(n=Count("id")).order_by()))
    if status == "live":
        qs = qs.filter(status__in=LIVE)
    elif status:
        qs = qs.filter(status=status)
    if team is not None:
        qs = qs.filter(team=team)
    if rule:
        qs = qs.filter(rule=rule)
    else:
        qs = qs.exclude(rule__in=muted_rules(workspace))
    by_severity = dict(qs.values_list("severity").annotate(n=Count("id")).order_by())
    if severity:
        qs = qs.filter(severity=severity)
    rows = list(qs.annotate(
        n_useful=Count("feedback", filter=Q(feedback__useful=True)),
        n_not=Count("feedback", filter=Q(feedback__useful=False)),
    ))  # fmt: skip
    rows.sort(key=lambda f: (STATUS_ORDER[f.status], SEVERITIES.index(f.severity),
                             -f.last_seen_at.timestamp(), f.pk))  # fmt: skip
    return {
        "items": [finding_out(f) for f in rows],
        "counts": {s: int(counts.get(s, 0)) for s in STATUS_ORDER},
        "by_severity": {s: int(by_severity.get(s, 0)) for s in SEVERITIES},
    }


def finding_out(f: Finding) -> FindingOut:
    r = get_rule(f.rule)
    useful = getattr(f, "n_useful", None)
    not_useful = getattr(f, "n_not", None)
    if useful is None or not_useful is None:
        votes = Counter(f.feedback.values_list("useful", flat=True))
        useful, not_useful = votes[True], votes[False]
    return {
        "id": f.pk,
        "rule": f.rule,
        "rule_title": r.title if r else f.rule,
        "title": f.title,
        "severity": f.severity,  # type: ignore[typeddict-item]
        "status": f.status,  # type: ignore[typeddict-item]
        "subject": {
            "kind": f.subject_kind,
            "id": f.subject_id,
            "name": f.subject_name,
            "url": f.subject_url,
        },  # fmt: skip
        "team": f.team.slug if f.team else None,
        "evidence": [
            {
                "label": str(e.get("label", "")),
                "value": str(e.get("value", "")),
                "url": str(e.get("url", "")),
            }
            for e in f.evidence
        ],  # fmt: skip
        "why": f.why,
        "talk_to": [
            {"kind": str(c.get("kind", "")), "name": str(c.get("name", ""))} for c in f.talk_to
        ],  # fmt: skip
        "conversation": f.conversation,
        "recheck_at": f.recheck_at,
        "first_seen_at": f.first_seen_at,
        "last_seen_at": f.last_seen_at,
        "dismissed_reason": f.dismissed_reason,
        "useful": int(useful),
        "not_useful": int(not_useful),
        "url": reverse("radar-finding", args=[f.workspace.slug, f.pk]),
    }


def get_finding(workspace: Workspace, pk: int) -> Finding:
    """Return finding ``pk`` of ``workspace`` (another workspace's id is not found)."""
    f = (
        Finding.objects.filter(workspace=workspace, pk=pk)
        .select_related("team", "workspace")
        .first()
    )
    if f is None:
        raise Http404("No such finding")
    return f


def finding_detail(workspace: Workspace, pk: int) -> FindingDetailOut:
    f = get_finding(workspace, pk)
    history: list[EventOut] = [
        {"at": e.at, "action": e.action, "actor": e.actor_name, "note": e.note}
        for e in f.events.all()
    ]
    return {**finding_out(f), "history": history}


def _event(f: Finding, action: str, actor: Any, now: datetime, note: str = "") -> None:
    name = actor.get_username() if actor is not None else ""
    FindingEvent.objects.create(
        finding=f, at=now, action=action, actor=actor, actor_name=name, note=note[:500]
    )
    audit(f.workspace, actor, f"radar.{action}", f, f"{action.capitalize()}: {f.title}",
          {"note": note} if note else None)  # fmt: skip


@transaction.atomic
def act(
    access: Access,
    pk: int,
    action: str,
    actor: Any,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> FindingDetailOut:
    """Acknowledge, resolve or dismiss (with a reason) finding ``pk``; leads and owners only."""
    access.require(Role.LEAD)
    now = now or timezone.now()
    f = get_finding(access.workspace, pk)
    reason = (reason or "").strip()
    if action == "acknowledge":
        if f.status != Finding.Status.OPEN:
            raise ValidationError(
                {"status": [f"only an open finding can be acknowledged; this one is {f.status}"]}
            )
        f.status = Finding.Status.ACKNOWLEDGED
        r = get_rule(f.rule)
        local = timezone.localtime(now, ZoneInfo(access.workspace.tz)).date()
        f.recheck_at = local + timedelta(days=r.recheck_days if r else 7)
        done = "acknowledged"
    elif action == "resolve":
        if f.status not in LIVE:
            raise ValidationError({"status": [f"this finding is already {f.status}"]})
        f.status = Finding.Status.RESOLVED
        done = "resolved"
    elif action == "dismiss":
        if not reason:
            raise ValidationError({"reason": ["say why it is dismissed, so others can judge it"]})
        if len(reason) > MAX_REASON:
            raise ValidationError(
                {"reason": [f"at most {MAX_REASON} characters; this has {len(reason)}"]}
            )
        if f.status == Finding.Status.DISMISSED:
            raise ValidationError({"status": ["this finding is already dismissed"]})
        f.status = Finding.Status.DISMISSED
        f.dismissed_reason, f.dismissed_score = reason, f.score
        done = "dismissed"
    else:
        raise ValidationError({"action": [f"{action!r} is not acknowledge, resolve or dismiss"]})
    f.status_changed_at = now
    f.save()
    _event(f, done, actor, now, reason)
    return finding_detail(access.workspace, pk)


@transaction.atomic
def give_feedback(
    access: Access, pk: int, user: Any, useful: bool, now: datetime | None = None
) -> FindingDetailOut:
    """Record whether ``user`` found finding ``pk`` useful (their latest answer counts)."""
    access.require(Role.MEMBER)
    if not isinstance(useful, bool):
        raise ValidationError({"useful": ["must be true or false"]})
    now = now or timezone.now()
    f = get_finding(access.workspace, pk)
    FindingFeedback.objects.update_or_create(
        finding=f, user=user, defaults={"useful": useful, "at": now}
    )
    _event(f, "useful" if useful else "not_useful", user, now)
    return finding_detail(access.workspace, pk)


def rules(workspace: Workspace) -> list[RuleOut]:
    """Every rule with its thresholds in force here, whether it is muted, and how useful its
    findings were found in this workspace."""
    settings = engine.settings_of(workspace)
    votes: dict[tuple[str, bool], int] = {
        (r, u): n
        for r, u, n in FindingFeedback.objects.filter(finding__workspace=workspace)
        .values_list("finding__rule", "useful")
        .annotate(n=Count("id"))
        .order_by()
    }
    live = dict(
        Finding.objects.filter(workspace=workspace, status__in=LIVE)
        .values_list("rule")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: list[RuleOut] = []
    for r in all_rules():
        values = engine.thresholds_of(r, settings.get(r.key))
        yes, no = votes.get((r.key, True), 0), votes.get((r.key, False), 0)
        out.append({
            "key": r.key, "area": r.area, "title": r.title, "why": r.why, "source": r.source,
            "enabled": settings[r.key].enabled if r.key in settings else True,
            "thresholds": [
                {"key": t.key, "label": t.label, "value": values[t.key], "default": t.default,
                 "minimum": t.minimum, "maximum": t.maximum, "unit": t.unit}
                for t in r.thresholds
            ],
            "open": int(live.get(r.key, 0)), "useful": yes, "not_useful": no,
            "usefulness": round(yes / (yes + no), 3) if yes + no else None,
        })  # fmt: skip
    return out


@transaction.atomic
def set_rule(
    access: Access,
    key: str,
    actor: Any,
    *,
    enabled: bool | None = None,
    thresholds: dict[str, Any] | None = None,
) -> RuleOut:
    """Mute or unmute rule ``key`` and change its thresholds in this workspace (leads only).
    A threshold set to its default is forgotten, so a later change of the default applies."""
    access.require(Role.LEAD)
    r = get_rule(key)
    if r is None:
        raise ValidationError({"rule": [f"{key!r} is not a Radar rule"]})
    setting, _ = RuleSetting.objects.get_or_create(workspace=access.workspace, rule=key)
    before = {"enabled": setting.enabled, "thresholds": dict(setting.thresholds)}
    if enabled is not None:
        setting.enabled = bool(enabled)
    if thresholds:
        known = {t.key: t for t in r.thresholds}
        stored = dict(setting.thresholds)
        for name, value in thresholds.items():
            t = known.get(name)
            if t is None:
                raise ValidationError({name: [f"{key} has no threshold {name!r}"]})
            try:
                number = t.check(value)
            except ValueError as exc:
                raise ValidationError({name: [str(exc).split(": ", 1)[-1]]}) from None
            if number == t.default:
                stored.pop(name, None)
            else:
                stored[name] = number
        setting.thresholds = stored
    setting.updated_at = timezone.now()
    setting.save()
    after = {"enabled": setting.enabled, "thresholds": setting.thresholds}
    if after != before:
        audit(access.workspace, actor, "radar.rule", setting, f"Radar rule {key} changed",
              {"before": before, "after": after})  # fmt: skip
    return next(o for o in rules(access.workspace) if o["key"] == key)


def run_workspace(workspace: Workspace, now: datetime | None = None) -> engine.RunResult:
    """Run every enabled rule over ``workspace`` and notify the leads of the high findings the
    run raised or reopened (every way of running the Radar goes through here: the page, the API,
    the CLI, the hourly job and the job after each import)."""
    from .notices import announce

    now = now or timezone.now()
    result = engine.run(workspace, now)
    if result.new:
        announce(workspace, result.new, now)
    return result


def run_out(r: engine.RunResult) -> RunOut:
    return {
        "raised": r.raised, "reopened": r.reopened, "cleared": r.cleared,
        "still_open": r.still_open, "rules_run": r.rules_run, "errors": r.errors,
        "seconds": round(r.seconds, 3),
    }  # fmt: skip


def run_now(access: Access, now: datetime | None = None) -> RunOut:
    """Run the rules now (members and above)."""
    access.require(Role.MEMBER)
    return run_out(run_workspace(access.workspace, now))
