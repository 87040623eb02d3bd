"""The demo story shows its two eras: quarterly big-bang releases, then fortnightly ones."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from statistics import mean, median

import pytest

from leadline.synth import SynthData, demo_story
from leadline.synth.demo import CHANGE_DAYS_BEFORE_END

END = date(2025, 6, 1)
CHANGE = END - timedelta(days=CHANGE_DAYS_BEFORE_END)


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
