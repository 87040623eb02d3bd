"""Delivery data around the work items: pull requests, deployments, releases and incidents.

Each finished item usually has a pull request merged when it reached Done. Production releases
follow each era's cadence (a shared release train or per team); a release deploys every service
of the team with the pull requests merged since the last good deployment. A release train
deploys in a maintenance window (the team is down for it), and what such a release breaks is
found and fixed, or rolled back, within the window. Outside a release train, services may also
deploy on their own between releases (``TeamSpec.deploys_per_week``), at a rate that grows over
the era, so services deploy at different rates. Releases may bring downtime (an incident
attributed to the release's deployment), a failure (incident, often a rollback and then an
unplanned hotfix deployment), and staging deployments happen in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from leadline.records import (
    ChangeRecord,
    DeploymentRecord,
    IncidentRecord,
    ReleaseRecord,
    WorkItemRecord,
)
from leadline.synth.core import DELIVERY, DEPLOYS, rng_for
from leadline.synth.spec import Era, SynthSpec, TeamSpec

ORG = 10**6  # spawn key of organisation-wide streams (release train dates)


@dataclass(slots=True)
class Delivery:
    """Everything delivered: code changes, deployments, releases and incidents."""

    changes: list[ChangeRecord] = field(default_factory=list)
    deployments: list[DeploymentRecord] = field(default_factory=list)
    releases: list[ReleaseRecord] = field(default_factory=list)
    incidents: list[IncidentRecord] = field(default_factory=list)


def _at(d: date, hours: float) -> datetime:
    return datetime.combine(d, time(tzinfo=UTC)) + timedelta(hours=hours)


def _weekday(d: date) -> date:
    return d + timedelta(days=(7 - d.weekday()) % 7 if d.weekday() >= 5 else 0)


def _era_bounds(spec: SynthSpec) -> list[tuple[Era, date, date]]:
    starts = [spec.start] + [e.start or spec.start for e in spec.eras[1:]]
    ends = starts[1:] + [spec.end]
    return list(zip(spec.eras, starts, ends, strict=True))


def release_dates(spec: SynthSpec, team: int) -> list[tuple[datetime, Era]]:
    """Return a team's production release times with the era each falls in."""
    out: list[tuple[datetime, Era]] = []
    for e_idx, (era, start, end) in enumerate(_era_bounds(spec)):
        # A release train is shared by all teams: draw its dates from an organisation stream.
        rng = rng_for(spec, ORG if era.release_train else team, DELIVERY, e_idx)
        lo, hi = era.release_interval_days
        d = start + timedelta(
            days=float(rng.uniform(lo, hi)) if e_idx == 0 else float(rng.uniform(0, lo / 2))
        )
        while d < end:
            day = _weekday(d)
            hour = 19.0 if era.release_train else 10.0 + 5.0 * float(rng.random())
            when = _at(day, hour + (0.5 * team if era.release_train else 0.0))
            if when < _at(spec.end, 0):
                out.append((when, era))
            d += timedelta(days=float(rng.uniform(lo, hi)))
    return out


def _sha(rng: np.random.Generator) -> str:
    return "".join(f"{b:02x}" for b in rng.integers(0, 256, 20))


def _changes(
    spec: SynthSpec, team: TeamSpec, items: Sequence[WorkItemRecord], rng: np.random.Generator
) -> list[ChangeRecord]:
    """Open one pull request per finished item (most of them), merged when it reached Done."""
    out: list[ChangeRecord] = []
    services = team.services or (team.key.lower(),)
    for item in items:
        started = next((t.at for t in item.transitions if t.to_status == "In Progress"), None)
        review = next((t.at for t in item.transitions if t.to_status == "In Review"), None)
        done = [t.at for t in item.transitions if t.to_status == "Done"]
        if (
            item.type == "Epic"
            or started is None
            or review is None
            or not done
            or rng.random() > 0.85
        ):
            continue
        for n, merged in enumerate(done[:2]):  # a reopened item gets a second, fixing PR
            repo = services[int(rng.integers(0, len(services)))]
            first = started + (review - started) * float(rng.uniform(0.0, 0.4))
            if n:
                first = merged - (merged - review) * float(rng.uniform(0.3, 0.9))
            out.append(
                ChangeRecord(
                    source="github",
                    external_id=f"{repo}#{len(out) + 1}",
                    kind="pull_request",
                    repository=repo,
                    title=f"{item.key}: {item.title}" + (" (follow-up)" if n else ""),
                    author=item.assignees[0] if item.assignees else "",
                    created=min(review, merged) if not n else first,
                    first_commit_at=first,
                    merged=merged,
                    sha=_sha(rng),
                    url="",  # invented: there is no pull request page to link to
                )
            )
    out.sort(
        key=lambda c: (c.merged or c.created or datetime.min.replace(tzinfo=UTC), c.external_id)
    )
    return out


class _Deployer:
    """Builds one team's deployments, tracking what each service has already shipped."""

    def __init__(
        self, spec: SynthSpec, team: TeamSpec, changes: list[ChangeRecord], rng: np.random.Generator
    ) -> None:
        self.spec, self.team, self.rng, self.out = spec, team, rng, Delivery()
        self.pending = {
            s: [c for c in changes if c.repository == s]
            for s in team.services or (team.key.lower(),)
        }
        self.shipped: dict[tuple[str, str], datetime] = {}
        self.version = 0
        self.draws: dict[str, tuple[float, int]] = {}

    def _hit(self, what: str, rate: float) -> bool:
        """Decide an event with a golden-ratio sequence, so each era's share matches ``rate``."""
        # Independent coin flips over a few dozen releases can stray far from the rate; a
        # low-discrepancy sequence with a random start keeps the story's figures honest.
        start, k = self.draws.get(what) or (float(self.rng.random()), 0)
        self.draws[what] = (start, k + 1)
        return (start + k * 0.6180339887498949) % 1.0 < rate

    def deploy(
        self, service: str, env: str, at: datetime, era: Era, status: str, ref: str
    ) -> DeploymentRecord:
        """Record one deployment of the changes merged since the last good one to ``env``."""
        since = self.shipped.get((service, env))
        ids = [
            c.external_id
            for c in self.pending[service]
            if c.merged and c.merged < at and (since is None or c.merged >= since)
        ]
        lo, hi = era.deploy_minutes
        finished = at + timedelta(minutes=float(self.rng.uniform(lo, hi)))
        if status == "success":
            self.shipped[(service, env)] = at
        dep = DeploymentRecord(
            source="github",
            external_id=f"{service}-{env}-{len(self.out.deployments) + 1}",
            service=service,
            environment=env,
            status=status,
            raw_status={"success": "SUCCESS", "failure": "FAILURE", "rolled_back": "ROLLED_BACK"}[
                status
            ],
            started=at,
            finished=finished,
            sha=_sha(self.rng),
            ref=ref,
            url="",
            is_production=env == "production",
            change_ids=ids,
        )
        self.out.deployments.append(dep)
        return dep

    def incident(
        self, dep: DeploymentRecord, title: str, severity: str, start: datetime, hours: float
    ) -> None:
        """Record an incident attributed to ``dep``, resolved ``hours`` after it started."""
        detected = start + timedelta(minutes=float(self.rng.exponential(10.0)))
        resolved = start + timedelta(hours=hours)
        open_ = resolved >= _at(self.spec.end, 0)
        self.out.incidents.append(
            IncidentRecord(
                source="pagerduty",
                external_id=f"INC-{self.team.key}-{len(self.out.incidents) + 1}",
                title=title,
                service=dep.service,
                severity=severity,
                started=start,
                detected=min(detected, resolved),
                resolved=None if open_ else resolved,
                status="triggered" if open_ else "resolved",
                deployment_id=dep.external_id,
                change_id=dep.change_ids[-1] if dep.change_ids else "",
            )
        )

    def release(self, when: datetime, era: Era) -> None:
        """Ship every service to production, with downtime, failures and hotfixes as drawn."""
        self.version += 1
        tag = f"v1.{self.version}.0"
        rng = self.rng
        downtime = self._hit("downtime", era.downtime_rate)
        window_end: datetime | None = None  # a release train's maintenance window
        for k, service in enumerate(self.pending):
            at = when + timedelta(minutes=10 * k)
            status = "success"
            failed = self._hit("failure", era.failure_rate)
            if failed and rng.random() < 0.5:
                status = "rolled_back"
            dep = self.deploy(service, "production", at, era, status, tag)
            self.out.releases.append(
                ReleaseRecord("github", f"{service}@{tag}", service, tag, tag, at, dep.sha)
            )
            if downtime and k == 0:
                lo, hi = era.downtime_hours
                hours = float(rng.uniform(lo, hi))
                self.incident(
                    dep, f"{self.team.name} unavailable during release {tag}", "SEV2", at, hours
                )
                if era.release_train:
                    window_end = at + timedelta(hours=hours)
            if failed:
                # Drawn for every release, used or not, so every later draw stays the same.
                start = (dep.finished or at) + timedelta(hours=float(rng.exponential(4.0)))
                hours = float(rng.lognormal(np.log(era.recovery_hours), 0.6))
                if window_end is not None:
                    start, hours = _within(window_end, at)
                self.incident(
                    dep,
                    f"Errors in {service} after {tag}",
                    "SEV2" if rng.random() < 0.3 else "SEV3",
                    start,
                    hours,
                )
                if status == "rolled_back":
                    self.deploy(
                        service,
                        "production",
                        start + timedelta(hours=hours * 0.8),
                        era,
                        "success",
                        f"hotfix/{tag}",
                    )
                    fix = f"v1.{self.version}.1"
                    self.out.releases.append(
                        ReleaseRecord(
                            "github",
                            f"{service}@{fix}",
                            service,
                            fix,
                            fix,
                            start + timedelta(hours=hours * 0.8),
                        )
                    )

    def ship(self, service: str, at: datetime, era: Era, rng: np.random.Generator) -> None:
        """Deploy ``service`` to production from main between releases (no release, no tag)."""
        dep = self.deploy(service, "production", at, era, "success", "main")
        if rng.random() < era.failure_rate:
            start = (dep.finished or at) + timedelta(hours=float(rng.exponential(3.0)))
            hours = float(rng.lognormal(np.log(era.recovery_hours), 0.6))
            self.incident(dep, f"Errors in {service} after a deployment", "SEV3", start, hours)

    def staging(self, start: date, end: date, era: Era) -> None:
        """Deploy each service to staging about ``era.staging_per_week`` times a week."""
        d = start
        while d < end:
            d += timedelta(days=float(self.rng.exponential(7.0 / era.staging_per_week)))
            if d >= end or d.weekday() >= 5:
                continue
            service = list(self.pending)[int(self.rng.integers(0, len(self.pending)))]
            status = "failure" if self.rng.random() < 0.08 else "success"
            self.deploy(
                service,
                "staging",
                _at(d, 9.0 + 8.0 * float(self.rng.random())),
                era,
                status,
                "main",
            )


def generate_delivery(spec: SynthSpec, items: Sequence[WorkItemRecord]) -> Delivery:
    """Generate changes, deployments, releases and incidents for the given work items."""
    total = Delivery()
    for team_idx, team in enumerate(spec.teams):
        rng = rng_for(spec, team_idx, DELIVERY)
        team_items = [i for i in items if i.project == team.key]
        changes = _changes(spec, team, team_items, rng)
        dep = _Deployer(spec, team, changes, rng)
        for era, start, end in _era_bounds(spec):
            dep.staging(start, end, era)
        # Releases and deployments between them in time order: each ships what was merged since
        # the service's last good deployment.
        events: list[tuple[datetime, int, Era, str]] = [
            (when, 0, era, "") for when, era in release_dates(spec, team_idx)
        ]
        events += _service_deploys(spec, team_idx, team)
        deploy_rng = rng_for(spec, team_idx, DEPLOYS)
        for when, _, era, service in sorted(events, key=lambda e: (e[0], e[1], e[3])):
            if service:
                dep.ship(service, when, era, deploy_rng)
            else:
                dep.release(when, era)
        for _ in range(int(rng.poisson((spec.end - spec.start).days / 60))):  # unrelated outages
            if not dep.out.deployments:
                break
            day = spec.start + timedelta(days=int(rng.integers(0, (spec.end - spec.start).days)))
            prod = [
                d
                for d in dep.out.deployments
                if d.is_production and d.started and d.started.date() <= day
            ]
            if prod:
                base = prod[-1]
                start = _at(day, 6.0 + 14.0 * float(rng.random()))
                dep.incident(
                    base,
                    f"{team.name}: upstream provider outage",
                    "SEV3",
                    start,
                    float(rng.lognormal(0.0, 0.7)),
                )
                dep.out.incidents[-1] = _unlinked(dep.out.incidents[-1])
        total.changes += changes
        total.deployments += sorted(
            dep.out.deployments, key=lambda d: (d.started or _at(spec.start, 0), d.external_id)
        )
        total.releases += sorted(dep.out.releases, key=lambda r: (r.published, r.external_id))
        total.incidents += sorted(dep.out.incidents, key=lambda i: (i.started, i.external_id))
    return total


def _service_deploys(
    spec: SynthSpec, team_idx: int, team: TeamSpec
) -> list[tuple[datetime, int, Era, str]]:
    """Draw each service's production deployments between releases (eras without a train).

    A service deploying ``r`` times a week at full rate deploys on a weekday with probability
    r / 5, scaled from a quarter (the era's start) to all of it (the spec's end).
    """
    out: list[tuple[datetime, int, Era, str]] = []
    for k, (service, rate) in enumerate(zip(team.services, team.deploys_per_week, strict=False)):
        if rate <= 0:
            continue
        rng = rng_for(spec, team_idx, DEPLOYS, k + 1)
        for era, start, end in _era_bounds(spec):
            if era.release_train:
                continue
            span = max((spec.end - start).days, 1)
            d = start
            while d < end:
                if d.weekday() < 5:
                    ramp = 0.25 + 0.75 * (d - start).days / span
                    if rng.random() < min(rate / 5.0 * ramp, 1.0):
                        out.append((_at(d, 9.0 + 8.0 * float(rng.random())), 1, era, service))
                d += timedelta(days=1)
    return out


def _within(window_end: datetime, deployed: datetime) -> tuple[datetime, float]:
    """A train release's failure, inside its maintenance window: the release breaks the service
    as it goes out, the window's checks find it, and it is fixed, or rolled back, before the
    window closes. The release's downtime is then the window's 6-8 hours, as the story tells it,
    while the failure still counts against the deployment (change failure rate)."""
    return deployed, max(0.0, (window_end - deployed).total_seconds() / 3600)


def _unlinked(inc: IncidentRecord) -> IncidentRecord:
    """Return the incident with no deployment or change attributed to it."""
    return IncidentRecord(
        inc.source, inc.external_id, inc.title, inc.service, inc.severity, inc.started,
        inc.detected, inc.resolved, inc.status, inc.url,
    )  # fmt: skip
