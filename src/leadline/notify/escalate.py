"""Escalation service: load open items into facts, evaluate the pure rules, record alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from leadline.decisions.models import Decision
from leadline.governance.services import setting, settings_for
from leadline.notify.models import Alert
from leadline.raid.models import OPEN_STATUSES, RaidItem
from leadline.workspaces.models import Workspace

from .rules import Escalation, Facts, Thresholds, evaluate
from .services import notify


def thresholds_for(workspace: Workspace) -> Thresholds:
    """Return the workspace's escalation thresholds."""
    s = settings_for(workspace)
    return Thresholds(
        risk_unmitigated_days=setting(s, "risk_unmitigated_days"),
        dependency_grace_days=setting(s, "dependency_grace_days"),
        review_grace_days=setting(s, "review_grace_days"),
        missing_owner_days=setting(s, "missing_owner_days"),
    )


def facts_for(workspace: Workspace) -> list[Facts]:
    """Return the facts of every open RAID item and proposed decision of ``workspace``."""
    facts = [
        Facts(
            subject=f"raid:{i.pk}",
            kind=i.kind,
            title=f"{i.get_kind_display()}: {i.title}",
            created_at=i.created_at,
            has_owner=i.owner_id is not None,
            has_mitigation=bool(i.mitigation.strip()),
            review_date=i.review_date,
            need_by=i.need_by,
            due_date=i.due_date,
            validate_by=i.validate_by,
        )
        for i in RaidItem.objects.filter(workspace=workspace, status__in=OPEN_STATUSES)
    ]
    facts += [
        Facts(
            subject=f"decision:{d.pk}",
            kind="decision",
            title=f"Decision: {d.title}",
            created_at=d.created_at,
            due_at=d.due_at,
        )
        for d in Decision.objects.filter(workspace=workspace, status=Decision.Status.PROPOSED)
    ]
    return facts


def _subject_url(workspace: Workspace, subject: str) -> tuple[str, list[Any]]:
    kind, pk = subject.split(":")
    if kind == "raid":
        item = RaidItem.objects.select_related("owner__user").get(pk=pk)
        user = item.owner.user if item.owner is not None else None
        return reverse("raid-item", args=[workspace.slug, pk]), [user]
    decision = Decision.objects.select_related("routed_person__user").get(pk=pk)
    person = decision.routed_person
    return reverse("decision", args=[workspace.slug, pk]), [person.user if person else None]


def evaluate_escalations(workspace: Workspace, now: datetime) -> list[Alert]:
    """Raise an alert for each rule that fires at ``now`` and notify; return the new alerts.

    Idempotent: an alert is unique per (item, rule), so running twice raises nothing new. Alerts
    whose rule no longer fires are marked resolved; if it fires again later they reopen.
    """
    fired: list[Escalation] = evaluate(facts_for(workspace), thresholds_for(workspace), now)
    new: list[Alert] = []
    keys = set()
    for e in fired:
        keys.add((e.subject, e.rule))
        url, users = _subject_url(workspace, e.subject)
        try:
            with transaction.atomic():
                alert, created = Alert.objects.get_or_create(
                    workspace=workspace,
                    subject=e.subject,
                    rule=e.rule,
                    # Built from a title of up to 300 characters plus a prefix: cut to the column.
                    defaults={
                        "title": e.title[:300],
                        "message": e.message[:500],
                        "url": url,
                        "raised_at": now,
                    },  # fmt: skip
                )
        except IntegrityError:  # a concurrent run created it first: not new for us
            continue
        if not created and alert.resolved_at is None:
            continue
        if not created:
            alert.resolved_at, alert.raised_at, alert.message = None, now, e.message[:500]
            alert.save(update_fields=["resolved_at", "raised_at", "message"])
        new.append(alert)
        notify(workspace, f"Escalation: {e.title}", e.message, url, users, now=now)
    for alert in Alert.objects.filter(workspace=workspace, resolved_at=None):
        if (alert.subject, alert.rule) not in keys:
            alert.resolved_at = now
            alert.save(update_fields=["resolved_at"])
    return new


def evaluate_all(now: datetime) -> dict[str, int]:
    """Evaluate escalations in every workspace; return {slug: new alerts}."""
    return {ws.slug: len(evaluate_escalations(ws, now)) for ws in Workspace.objects.all()}
