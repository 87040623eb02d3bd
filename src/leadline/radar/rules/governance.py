"""Radar rules over governance: RAID items, decisions, decision rights, agreements, changes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from functools import partial
from zoneinfo import ZoneInfo

from leadline.agreements.models import Acknowledgement, AgreementVersion, WorkingAgreement
from leadline.changes.models import ChangeRequest
from leadline.changes.scope import remaining_scope
from leadline.changes.services import team_daily_throughput
from leadline.raid.models import RaidItem
from leadline.workspaces.models import Person

from ..context import RunContext
from ..registry import Contact, Evidence, Severity, Signal, Subject, Threshold, rule
from .chains import merged
from .governance_data import days as _days
from .governance_data import (
    days_late,
    item_url,
    names,
    open_raid,
    provider_contacts,
    raid_owner,
    unique,
    work_items,
)


@rule(
    "risk_unmitigated",
    area="governance",
    title="Risk without a mitigation plan",
    why="A risk logged without a plan is a risk accepted by nobody. The longer it waits, the "
    "likelier it is to turn into an issue that blocks work before anyone acted on it.",
    source="PMI, A Guide to the Project Management Body of Knowledge, 7th ed. (risk responses)",
    thresholds=(
        Threshold("days", "Days since it was logged", 7, 1, 365, "days"),
        Threshold("high_score", "Probability × impact from which it is high", 12, 1, 25),
    ),
)
def risk_unmitigated(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for item in open_raid(ctx):
        if item.kind != RaidItem.Kind.RISK or item.mitigation.strip():
            continue
        age = (ctx.now - item.created_at).days
        if age < t["days"]:
            continue
        url = ctx.url("raid-item", item.pk)
        score = item.score
        who = raid_owner(ctx, item)
        yield Signal(
            subject=Subject("raid", str(item.pk), item.title, url),
            severity="high" if score is not None and score >= t["high_score"] else "medium",
            title=f"Risk “{item.title}” has had no mitigation plan for {_days(age)}",
            evidence=(
                Evidence("Logged", f"{item.created_at:%Y-%m-%d} ({_days(age)} ago)", url),
                Evidence(
                    "Probability × impact", str(score) if score is not None else "not rated", url
                ),
                Evidence("Mitigation plan", "none", url),
                Evidence("Threshold", _days(int(t["days"])), ctx.url("radar-rules")),
            ),
            talk_to=who,
            conversation=(
                f"“{item.title}” has been on the log for {_days(age)} without a plan. "
                f"If it happened next week, what would we wish we had done by now?"
            ),
            score=float(age),
            team=item.team_id,
        )


@rule(
    "risk_became_blocker",
    area="governance",
    title="A risk became an issue that blocks work",
    why="A risk that materialised and now blocks work is the cost of the risk arriving: the "
    "blocked items age while they wait. Unblocking them comes first; how the risk was handled "
    "before it happened is worth one question afterwards.",
    source="PMI, A Guide to the Project Management Body of Knowledge, 7th ed. (risk and issue "
    "management)",
    thresholds=(Threshold("days", "Days since it became an issue", 0, 0, 365, "days"),),
)
def risk_became_blocker(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    items = work_items(ctx)
    for issue in open_raid(ctx):
        risk = issue.source_risk
        if issue.kind != RaidItem.Kind.ISSUE or risk is None:
            continue
        # A listed item blocks until Leadline knows it finished (an unknown key still counts).
        blocked = [k for k in issue.work_item_keys() if not (k in items and items[k].finished)]
        if not issue.blocker and not blocked:
            continue
        age = (ctx.now - issue.created_at).days
        if age < t["days"]:
            continue
        url, risk_url = ctx.url("raid-item", issue.pk), ctx.url("raid-item", risk.pk)
        what = f"{len(blocked)} work item{'s' if len(blocked) != 1 else ''}" if blocked else "work"
        chain = f"risk #{risk.pk} → issue #{issue.pk} → blocks {what}"
        evidence = [
            Evidence("Chain", chain, url),
            Evidence(
                "Risk",
                f"“{risk.title}”, logged {risk.created_at:%Y-%m-%d}, probability × impact "
                f"{risk.score if risk.score is not None else 'not rated'}, mitigation plan: "
                f"{'yes' if risk.mitigation.strip() else 'none'}",
                risk_url,
            ),
            Evidence(
                "Became an issue",
                f"{issue.created_at:%Y-%m-%d} ({_days(age)} ago), severity "
                f"{issue.get_severity_display().lower() or 'not set'}",
                url,
            ),
            Evidence("Marked as a blocker", "yes" if issue.blocker else "no", url),
        ]
        for k in blocked:
            item = items.get(k)
            evidence.append(
                Evidence("Blocked work item", item.describe(), item_url(ctx, item))
                if item
                else Evidence("Blocked work item", f"{k} (not in the imported data)", url)
            )
        who = raid_owner(ctx, issue)
        if risk.owner is not None and risk.owner.active and risk.owner_id != issue.owner_id:
            who += (Contact("person", f"{risk.owner.name} (owner of the risk)"),)
        blocks = names(blocked, 5) if blocked else "work"
        yield Signal(
            subject=Subject("raid", str(issue.pk), issue.title, url),
            severity="high",
            title=f"Risk “{risk.title}” became an issue that blocks {what}",
            evidence=tuple(evidence),
            talk_to=unique(who),
            conversation=(
                f"“{risk.title}” was logged as a risk on {risk.created_at:%Y-%m-%d} and became "
                f"an issue {_days(age)} ago; it now blocks {blocks}. What would unblock "
                f"{'them' if len(blocked) > 1 else 'it'} this week, and what would help us "
                f"act sooner on the next risk like it?"
            ),
            score=float(max(len(blocked), 1)),
            team=issue.team_id,
        )


@rule(
    "dependency_due",
    area="governance",
    title="Dependency past or near its need-by date",
    why="Work that waits on another team or a vendor is the largest source of delay in most "
    "delivery systems, and it is invisible on the waiting team's board. A short conversation "
    "before the need-by date costs less than a blocked item after it.",
    source="Reinertsen, The Principles of Product Development Flow (2009): queues and the "
    "cost of delay",
    thresholds=(
        Threshold("days_before", "Days before the need-by date to raise it", 7, 0, 90, "days"),
        Threshold("high_days_late", "Days late from which it is high", 7, 1, 365, "days"),
    ),
)
def dependency_due(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    chained, _ = merged(ctx)
    items = work_items(ctx)
    for dep in open_raid(ctx):
        if dep.kind != RaidItem.Kind.DEPENDENCY or dep.need_by is None or dep.pk in chained:
            continue
        late = days_late(ctx, dep.need_by)
        if late < -t["days_before"]:
            continue
        url = ctx.url("raid-item", dep.pk)
        when = f"{_days(late)} late" if late > 0 else "today" if late == 0 else f"in {_days(-late)}"
        severity: Severity
        if late > 0 and (dep.blocker or late >= t["high_days_late"]):
            severity = "high"
        else:
            severity = "medium" if late > 0 else "low"
        waiting = dep.team.name if dep.team else "A team"
        evidence = [
            Evidence("Needed by", f"{dep.need_by:%Y-%m-%d} ({when})", url),
            Evidence("What is needed", dep.needed.strip() or dep.title, url),
            Evidence("Waiting team", waiting, url),
            Evidence("Provider", dep.provider_label, url),
            Evidence("Status", dep.get_status_display(), url),
            Evidence("Marked as a blocker", "yes" if dep.blocker else "no", url),
        ]
        evidence += [
            Evidence("Waiting work item", items[k].describe(), item_url(ctx, items[k]))
            if k in items
            else Evidence("Waiting work item", k, url)
            for k in dep.work_item_keys()
            if not (k in items and items[k].finished)
        ]
        evidence.append(
            Evidence("Threshold", f"{_days(int(t['days_before']))} before", ctx.url("radar-rules"))
        )
        provider = provider_contacts(ctx, dep)
        ask = (
            f"what would it take to deliver it this week, and what can {waiting} do meanwhile?"
            if late > 0
            else f"is it still on track, and is there anything {dep.provider_label} needs "
            f"from {waiting} to make it?"
        )
        status = f"was needed {_days(late)} ago" if late > 0 else f"is needed {when}"
        yield Signal(
            subject=Subject("raid", str(dep.pk), dep.title, url),
            severity=severity,
            title=f"Dependency “{dep.title}” on {dep.provider_label} "
            + (f"is {_days(late)} past its need-by date" if late > 0 else f"is needed {when}"),
            evidence=tuple(evidence),
            talk_to=unique(raid_owner(ctx, dep) + provider),
            conversation=f"{waiting} waits on {dep.provider_label} for “{dep.title}”, which "
            f"{status}: {ask}",
            score=float(late),
            team=dep.team_id,
        )


Agreement = tuple[WorkingAgreement, AgreementVersion | None, list[Person], set[int]]


def _agreements(ctx: RunContext) -> list[Agreement]:
    """Each agreement with its latest version as of now, who should acknowledge it (the team's
    active members, and for a stakeholder agreement its active stakeholders: as
    ``agreements.services.expected_people``) and who did; five queries for all of them."""

    def load() -> list[Agreement]:
        ws = ctx.workspace
        agreements = list(WorkingAgreement.objects.filter(workspace=ws).select_related("team"))
        latest: dict[int, AgreementVersion] = {}
        for v in AgreementVersion.objects.filter(
            agreement__workspace=ws, created_at__lte=ctx.now
        ).order_by("agreement_id", "-number"):
            latest.setdefault(v.agreement_id, v)
        acked: dict[int, set[int]] = {}
        for version_id, person_id in Acknowledgement.objects.filter(
            version_id__in=[v.pk for v in latest.values()], at__lte=ctx.now
        ).values_list("version_id", "person_id"):
            acked.setdefault(version_id, set()).add(person_id)
        people = {p.pk: p for p in Person.objects.filter(workspace=ws, active=True)}
        members: dict[int, set[int]] = {}
        for team_id, person_id in Person.teams.through.objects.filter(
            team__workspace=ws
        ).values_list("team_id", "person_id"):
            members.setdefault(team_id, set()).add(person_id)
        stakeholders: dict[int, set[int]] = {}
        for a_id, person_id in WorkingAgreement.stakeholders.through.objects.filter(
            workingagreement__workspace=ws
        ).values_list("workingagreement_id", "person_id"):
            stakeholders.setdefault(a_id, set()).add(person_id)
        out: list[Agreement] = []
        for a in agreements:
            ids = set(members.get(a.team_id, set()))
            if a.scope == WorkingAgreement.Scope.STAKEHOLDERS:
                ids |= stakeholders.get(a.pk, set())
            expected = sorted((people[i] for i in ids if i in people), key=lambda p: p.name)
            version = latest.get(a.pk)
            out.append((a, version, expected, acked.get(version.pk, set()) if version else set()))
        return out

    return ctx.memo("agreements", load)


@rule(
    "agreement_unacknowledged",
    area="governance",
    title="Working agreement not acknowledged by everyone",
    why="An agreement only some of the team accepted is not yet the team's agreement: the people "
    "who have not read the latest version work to the old one, and the friction looks personal.",
    source="Derby and Larsen, Agile Retrospectives (2006): working agreements",
    thresholds=(
        Threshold("days", "Days since the latest version", 7, 1, 90, "days"),
        Threshold("high_share", "Share not acknowledged from which it is high", 50, 1, 100, "%"),
    ),
)
def agreement_unacknowledged(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for a, v, expected, acked in _agreements(ctx):
        if v is None or ctx.now - v.created_at < timedelta(days=t["days"]):
            continue
        pending = [p for p in expected if p.pk not in acked]
        if not pending:
            continue
        url = ctx.url("agreement", a.pk)
        age = (ctx.now - v.created_at).days
        share = 100 * len(pending) / len(expected)
        members = [p for p in pending if p.kind != Person.Kind.STAKEHOLDER]
        outside = [p for p in pending if p.kind == Person.Kind.STAKEHOLDER]
        evidence = [
            Evidence(
                "Latest version",
                f"v{v.number} of {v.created_at:%Y-%m-%d} ({_days(age)} ago)"
                + (f": {v.note}" if v.note else ""),
                url,
            ),
            Evidence(
                "Acknowledged", f"{len(expected) - len(pending)} of {len(expected)} people", url
            ),
        ]
        if members:
            evidence.append(Evidence("Not yet (team)", ", ".join(p.name for p in members), url))
        if outside:
            evidence.append(
                Evidence("Not yet (stakeholders)", ", ".join(p.name for p in outside), url)
            )
        yield Signal(
            subject=Subject("agreement", str(a.pk), f"Working agreement: {a}", url),
            severity="high" if share >= t["high_share"] else "medium",
            title=f"{len(pending)} of {len(expected)} people have not acknowledged v{v.number} "
            f"of the {a} agreement",
            evidence=tuple(evidence),
            talk_to=ctx.team_leads(a.team),
            conversation=f"Version {v.number} of the {a} agreement has been out for "
            f"{_days(age)}, and {names((p.name for p in pending), 4)} "
            f"{'has' if len(pending) == 1 else 'have'} not acknowledged it yet. Is there "
            f"something in it they would change before they agree to it?",
            score=float(len(pending)),
            team=a.team_id,
        )


@rule(
    "agreement_review_due",
    area="governance",
    title="Working agreement past its review date",
    why="A working agreement describes how the team worked when it was written; past its review "
    "date, the team may have moved on and the agreement quietly stopped being true.",
    source="Derby and Larsen, Agile Retrospectives (2006): working agreements",
    thresholds=(
        Threshold("grace_days", "Days after the review date before it is raised", 0, 0, 90, "days"),
        Threshold(
            "high_days", "Days past the review date from which it is high", 30, 1, 365, "days"
        ),
    ),
)
def agreement_review_due(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    for a, v, _, _ in _agreements(ctx):
        if a.review_date is None:
            continue
        late = days_late(ctx, a.review_date)
        if late <= t["grace_days"]:
            continue
        url = ctx.url("agreement", a.pk)
        version = f"v{v.number} of {v.created_at:%Y-%m-%d}" if v else "no version yet"
        yield Signal(
            subject=Subject("agreement", str(a.pk), f"Working agreement: {a}", url),
            severity="high" if late >= t["high_days"] else "medium",
            title=f"The {a} agreement is {_days(late)} past its review date",
            evidence=(
                Evidence("Review date", f"{a.review_date:%Y-%m-%d} ({_days(late)} ago)", url),
                Evidence("Latest version", version, url),
                Evidence(
                    "Threshold", f"{_days(int(t['grace_days']))} of grace", ctx.url("radar-rules")
                ),
            ),
            talk_to=ctx.team_leads(a.team),
            conversation=f"The {a} agreement was due for review on {a.review_date:%Y-%m-%d}, "
            f"{_days(late)} ago, and its latest version is {version}. Is it still how the team "
            f"works, or is it worth half a retro to refresh it?",
            score=float(late),
            team=a.team_id,
        )


@rule(
    "change_impact_unread",
    area="governance",
    title="Change approved without its impact",
    why="A change approved before its forecast could be computed was agreed without knowing what "
    "it would delay: the impact shows up later, as a missed date nobody chose.",
    source="Vacanti, When Will It Be Done? (2020): Monte Carlo forecasts for scope changes",
    thresholds=(Threshold("days", "Approved within the last", 30, 1, 365, "days"),),
)
def change_impact_unread(ctx: RunContext, t: Mapping[str, float]) -> Iterator[Signal]:
    # Leadline records no "impact read"; it records the approval (a decided Decision) and what
    # the impact check needs. Without a remaining scope or a throughput history the check shows
    # no forecast, so an approval then was made without the impact, whoever looked at the page.
    since = ctx.now - timedelta(days=t["days"])
    approved = ChangeRequest.objects.filter(
        workspace=ctx.workspace,
        status=ChangeRequest.Status.APPROVED,
        decision__decided_at__gte=since,
        decision__decided_at__lte=ctx.now,
    ).select_related("team", "decision")
    people = dict(
        Person.objects.filter(workspace=ctx.workspace, user__isnull=False).values_list(
            "user__username", "name"
        )
    )
    for cr in approved.order_by("pk"):
        decision = cr.decision
        assert decision is not None and decision.decided_at is not None  # the filter says so
        day = decision.decided_at.astimezone(ZoneInfo(ctx.workspace.tz)).date()
        scope = remaining_scope(cr, day)
        samples = cr.samples()
        source = "samples entered on the request"
        if not any(samples):
            samples = ctx.memo(
                ("throughput", cr.team_id, day),
                partial(team_daily_throughput, cr.team, day),
            )
            source = "delivery data"
        missing = []
        if scope.items is None:
            missing.append(f"no remaining scope ({scope.label})")
        if not any(samples):
            missing.append(f"no throughput history for {cr.team.name}")
        if not missing:
            continue
        url = ctx.url("change", cr.pk)
        approver = people.get(decision.decided_by_name, decision.decided_by_name)
        who = () if approver == "system" else (Contact("person", f"{approver} (approved it)"),)
        target = f"{cr.target_date:%Y-%m-%d}" if cr.target_date else "none"
        yield Signal(
            subject=Subject("change_request", str(cr.pk), cr.title, url),
            severity="high" if cr.target_date else "medium",
            title=f"Change “{cr.title}” (+{cr.added_items} items) was approved without a forecast",
            evidence=(
                Evidence(
                    "Approved",
                    f"{decision.decided_at:%Y-%m-%d} by {approver}",
                    ctx.url("decision", decision.pk),
                ),  # fmt: skip
                Evidence("Adds", f"{cr.added_items} items to {cr.team.name}", url),
                Evidence("Remaining scope then", scope.problem or scope.label, url),
                Evidence(
                    "Throughput then",
                    f"{sum(samples)} items over {len(samples)} days ({source})"
                    if any(samples)
                    else "none",
                    url,
                ),
                Evidence("Forecast at approval", "not computed: " + "; ".join(missing), url),
                Evidence("Target date", target, url),
            ),
            talk_to=unique(
                who
                + tuple(
                    c for c in ctx.team_leads(cr.team) if not c.name.startswith(f"{approver} (")
                )
            ),
            conversation=f"“{cr.title}” was approved on {decision.decided_at:%Y-%m-%d}, adding "
            f"{cr.added_items} items to {cr.team.name}, before its impact could be forecast "
            f"({'; '.join(missing)}). Shall we look at the forecast together now and check what "
            f"it moves{f', starting with the {target} target' if cr.target_date else ''}?",
            score=float(cr.added_items),
            team=cr.team_id,
        )


from . import governance_decisions  # noqa: E402, F401  (registers the decision rules)
