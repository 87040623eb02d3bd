"""The demo story shows its two eras: quarterly big-bang releases, then fortnightly ones."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from statistics import mean, median

import polars as pl
import pytest

from leadline.flow import plan_churn
from leadline.synth import SynthData, demo_story
from leadline.synth.demo import CHANGE_DAYS_BEFORE_END

END = date(2025, 6, 1)
CHANGE = END - timedelta(days=CHANGE_DAYS_BEFORE_END)
UTC_US = pl.Datetime("us", "UTC")


@pytest.fixture(scope="module")
def demo() -> SynthData:
    return demo_story(END)


def _after_change(dt: datetime) -> bool:
    return dt.date() >= CHANGE


def test_demo_is_modest_in_size_and_quick_to_generate() -> None:
    t0 = time.perf_counter()
    data = demo_story(END)
    assert time.perf_counter() - t0 < 10
    assert 2000 <= len(data.items) <= 5000
    assert {t.name for t in data.spec.teams} == {"Checkout", "Mobile", "Platform", "Data"}
    assert {t.group for t in data.spec.teams} == {"Product", "IT"}
    assert data.spec.start == END - timedelta(days=730)


def test_demo_is_reproducible(demo: SynthData) -> None:
    again = demo_story(END)
    assert again.items == demo.items and again.releases == demo.releases


def test_releases_go_from_every_three_to_four_months_to_every_two_weeks(demo: SynthData) -> None:
    by_repo: dict[str, list[datetime]] = defaultdict(list)
    for r in demo.releases:
        if r.tag.endswith(".0"):  # planned releases, not hotfixes
            by_repo[r.repository].append(r.published)
    for published in by_repo.values():
        gaps = [(b - a).days for a, b in zip(published, published[1:], strict=False)]
        before = [g for g, b in zip(gaps, published[1:], strict=False) if not _after_change(b)]
        after = [g for g, a in zip(gaps, published, strict=False) if _after_change(a)]
        assert before and all(85 <= g <= 125 for g in before)
        assert len(after) >= 20 and all(12 <= g <= 16 for g in after)


def test_downtime_per_release_drops_from_hours_to_under_one(demo: SynthData) -> None:
    releases = {d.external_id: d for d in demo.deployments if d.is_production}
    downtime: dict[bool, list[float]] = defaultdict(list)
    for inc in demo.incidents:
        if inc.deployment_id in releases and "during release" in inc.title:
            assert inc.resolved is not None
            downtime[_after_change(inc.started)].append(
                (inc.resolved - inc.started).total_seconds() / 3600
            )
    assert all(6 <= h <= 8 for h in downtime[False])
    assert all(h < 1 for h in downtime[True])
    assert len(downtime[True]) >= 10


def test_every_train_release_costs_6_to_8_hours_of_downtime_failures_included(
    demo: SynthData,
) -> None:
    """A release's downtime is the hours of the incidents attributed to its deployments,
    overlaps counted once (the before/after analysis' metric). A train release's failures are
    found and fixed within its maintenance window, so they add none: 6-8 hours for every team,
    as the story tells it, though most train releases still break something."""
    deployments = {d.external_id: d for d in demo.deployments if d.is_production}
    spans: dict[tuple[str, str], list[tuple[datetime, datetime]]] = defaultdict(list)
    teams = {s: t.key for t in demo.spec.teams for s in t.services}
    for inc in demo.incidents:
        dep = deployments.get(inc.deployment_id)
        if dep is not None and dep.ref.endswith(".0") and inc.resolved is not None:
            spans[(teams[dep.service], dep.ref)].append((inc.started, inc.resolved))
    train = {k: v for k, v in spans.items() if not _after_change(min(s for s, _ in v))}
    assert {team for team, _ in train} == {"CHK", "MOB", "PLAT", "DATA"}
    for release, periods in train.items():
        covered, reach = 0.0, None
        for s, e in sorted(periods):
            if reach is not None and s < reach:
                s = reach
            if e > s:
                covered += (e - s).total_seconds() / 3600
            reach = e if reach is None else max(reach, e)
        assert 6 <= covered <= 8, (release, covered)
    failed = [k for k, v in train.items() if len(v) > 1]
    assert len(failed) >= len(train) / 2


def test_change_failures_and_rework_fall_after_the_change(demo: SynthData) -> None:
    prod = [d for d in demo.deployments if d.is_production]
    failed = {i.deployment_id for i in demo.incidents if i.deployment_id and "Errors" in i.title}

    def rate(after: bool) -> float:
        deps = [
            d
            for d in prod
            if d.started and _after_change(d.started) == after and not d.ref.startswith("hotfix")
        ]
        return sum(d.external_id in failed for d in deps) / len(deps)

    assert rate(False) > 2 * rate(True)
    assert any(d.status == "rolled_back" for d in prod) and any(
        d.ref.startswith("hotfix/") for d in prod
    )
    assert any(not i.deployment_id for i in demo.incidents)  # outages no release caused


def test_cycle_time_and_wip_fall_after_the_change(demo: SynthData) -> None:
    cycle: dict[bool, list[float]] = defaultdict(list)
    spans = []
    for item in demo.items:
        if item.type == "Epic":
            continue
        starts = [t.at for t in item.transitions if t.to_status == "In Progress"]
        dones = [t.at for t in item.transitions if t.to_status in ("Done", "Won't Do")]
        if starts:
            end = dones[-1] if dones else datetime(END.year, END.month, END.day, tzinfo=UTC)
            spans.append((starts[0], end))
        if starts and item.status == "Done":
            cycle[_after_change(starts[0])].append((dones[-1] - starts[0]).days + 1)
    assert median(cycle[False]) > 2 * median(cycle[True])

    def mean_wip(lo: date, hi: date) -> float:
        days = [lo + timedelta(days=k) for k in range((hi - lo).days)]
        noon = [datetime(d.year, d.month, d.day, 12, tzinfo=UTC) for d in days]
        return mean(sum(s <= t < e for s, e in spans) for t in noon[::7])

    before = mean_wip(CHANGE - timedelta(days=300), CHANGE - timedelta(days=30))
    after = mean_wip(CHANGE + timedelta(days=60), END)
    assert after < 0.6 * before


def test_pull_requests_reach_production_much_sooner_after_the_change(demo: SynthData) -> None:
    merged = {c.external_id: c.merged for c in demo.changes}
    lead: dict[bool, list[float]] = defaultdict(list)
    for d in demo.deployments:
        if d.is_production and d.status == "success" and d.started:
            for cid in d.change_ids:
                lead[_after_change(d.started)].append(
                    (d.started - merged[cid]).total_seconds() / 86400
                )
    assert median(lead[False]) > 30 and median(lead[True]) < 10


# --- varied the way real teams are ---------------------------------------------------------------


def _plan_churn(demo: SynthData, project: str) -> pl.DataFrame:
    """The Flow page's plan churn (leadline.flow.plan_churn) over one team's sprints."""
    items = [i for i in demo.items if i.project == project]
    moves = pl.DataFrame(
        [(i.key, c.sprint, c.at, c.added) for i in items for c in i.sprint_changes],
        schema={"item_id": pl.Utf8, "sprint": pl.Utf8, "at": UTC_US, "added": pl.Boolean},
        orient="row",
    )
    sprints = pl.DataFrame(
        [(s.name, s.start, s.completed) for s in demo.sprints if s.name.startswith(project)],
        schema={"sprint": pl.Utf8, "start": UTC_US, "end": UTC_US},
        orient="row",
    )
    ranks = pl.DataFrame(
        [(i.key, r.at) for i in items for r in i.rank_changes],
        schema={"item_id": pl.Utf8, "at": UTC_US},
        orient="row",
    )
    return plan_churn(moves, sprints, rank_changes=ranks).filter(pl.col("committed") > 0)


@pytest.mark.parametrize("project", ["CHK", "MOB", "PLAT", "DATA"])
def test_most_sprint_scope_is_committed_at_the_start_and_some_changes(
    demo: SynthData, project: str
) -> None:
    per_sprint = _plan_churn(demo, project)
    assert per_sprint.height >= 40
    totals = per_sprint.select(pl.col("committed", "added", "removed", "reranks").sum()).row(
        0, named=True
    )
    churn = (totals["added"] + totals["removed"]) / totals["committed"]
    assert 0.08 <= churn <= 0.35, churn
    # Scope is added, removed and re-ranked in many sprints, and not the same in each.
    assert (per_sprint["added"] > 0).mean() >= 0.5
    assert (per_sprint["removed"] > 0).mean() >= 0.2
    assert (per_sprint["reranks"] > 0).mean() >= 0.5
    assert per_sprint["churn"].n_unique() >= 10


def test_teams_plan_differently(demo: SynthData) -> None:
    churn = {}
    for project in ("CHK", "MOB", "PLAT", "DATA"):
        t = _plan_churn(demo, project).select(pl.col("committed", "added", "removed").sum())
        row = t.row(0, named=True)
        churn[project] = (row["added"] + row["removed"]) / row["committed"]
    assert max(churn.values()) > 1.5 * min(churn.values())


def _deployment_days(demo: SynthData, lo: date, hi: date) -> dict[str, int]:
    days: dict[str, set[date]] = defaultdict(set)
    for d in demo.deployments:
        if (
            d.is_production
            and d.status == "success"
            and d.finished
            and lo <= d.finished.date() < hi
        ):
            days[d.service].add(d.finished.date())
    return {s: len(v) for s, v in days.items()}


def test_services_deploy_at_different_rates_that_grow_after_the_change(demo: SynthData) -> None:
    services = {s for t in demo.spec.teams for s in t.services}
    recent = _deployment_days(demo, END - timedelta(days=91), END)
    assert set(recent) == services
    assert len(set(recent.values())) >= 5  # not one rate for all
    assert max(recent.values()) >= 4 * min(recent.values())
    # The release-train era: all services deploy only with the train, on the same days.
    train = _deployment_days(demo, CHANGE - timedelta(days=360), CHANGE)
    assert len(set(train.values())) == 1
    after_change = _deployment_days(demo, CHANGE, CHANGE + timedelta(days=91))
    for service in services:
        assert recent[service] > train[service] / 4  # every 13 weeks at least as often
    growing = [s for s in services if recent[s] > after_change[s] + 2]
    assert len(growing) >= 3  # rates change over the story, not only at the change


def test_teams_differ_in_throughput_and_cycle_time(demo: SynthData) -> None:
    lo = END - timedelta(days=182)
    finished: dict[str, int] = defaultdict(int)
    cycle: dict[str, list[int]] = defaultdict(list)
    for item in demo.items:
        if item.type == "Epic" or item.status != "Done":
            continue
        starts = [t.at for t in item.transitions if t.to_status == "In Progress"]
        done = [t.at for t in item.transitions if t.to_status == "Done"][-1]
        if starts and done.date() >= lo:
            finished[item.project] += 1
            cycle[item.project].append((done.date() - starts[0].date()).days + 1)
    assert max(finished.values()) > 1.4 * min(finished.values())
    medians = [median(c) for c in cycle.values()]
    assert max(medians) >= 1.4 * min(medians)
