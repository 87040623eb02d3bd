"""The demo's code history: built twice it is the same; loyalty/ has one author (Ben Okafor)
and an open Checkout epic depends on it, so the Radar raises an unmanaged key-person risk. Its
pull requests were reviewed: Amira alone reviews loyalty/ (5 of 5; Ben's replies in his own
threads are no review), Hugo alone payments/ (6 of 6), the rest in turn (receipts: Amira 2,
Ben 3, Hugo 1 of 6; the repository: 8 of 21 at most).

By hand (see concentration/demo.py): basket Amira 2 files, Ben 1, Hugo 1: TF 2. payments:
Amira authors card (3 changes vs Ben's creation: 3.5625/4.110 = 0.87) and provider, Ben card
and refund: TF 2. receipts likewise: TF 2. loyalty: Ben alone, 4 files: TF 1.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from leadline.concentration import services
from leadline.concentration.models import CodeCommit
from leadline.radar import engine
from leadline.radar.models import Finding


@pytest.mark.django_db
def test_the_demo_step_builds_a_single_author_area_an_open_epic_needs():
    from leadline.delivery.models import Change, CodeAccount, CodeReview, WorkItem
    from leadline.demo import steps
    from leadline.demo.builder import _base, demo_user

    # Import the step modules in build order first: importing this step alone, before them,
    # would register it ahead of the delivery data it reads, for any demo built later.
    steps.load()
    from leadline.concentration import demo

    ctx = _base(demo_user())
    team = ctx.teams["checkout"]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    WorkItem.objects.create(workspace=ctx.workspace, team=team, source="jira", key="CHK-900",
                            type="Epic", title="Loyalty initiative", created=now, status="In Progress")  # fmt: skip
    for n in (901, 902):
        WorkItem.objects.create(workspace=ctx.workspace, team=team, source="jira", key=f"CHK-{n}",
                                type="Story", epic_key="CHK-900", title="s", created=now,
                                status="In Progress")  # fmt: skip
    demo.build(ctx)
    count = CodeCommit.objects.count()
    stored = (Change.objects.count(), CodeReview.objects.count(), CodeAccount.objects.count())
    demo.build(ctx)
    assert CodeCommit.objects.count() == count == 21
    assert (Change.objects.count(), CodeReview.objects.count(), CodeAccount.objects.count()) == (
        stored) == (21, 26, 3)  # fmt: skip
    data = services.overview(ctx.workspace, timezone.now())
    tf = {a["area"]: a["truck_factor"] for a in data["areas"]}
    assert tf == {"basket": 2, "loyalty": 1, "payments": 2, "receipts": 2}
    loyalty = next(a for a in data["areas"] if a["area"] == "loyalty")
    assert [(a["name"], a["files"]) for a in loyalty["authors"]] == [("Ben Okafor", 4)]
    assert [e["key"] for e in loyalty["epics"]] == ["CHK-900"]
    assert [(r["area"], r["reviewer"]["name"], r["reviewer"]["reviewed"], r["reviewer"]["changes"])
            for r in data["review_areas"]] == [("payments", "Hugo Laurent", 6, 6),
                                               ("loyalty", "Amira Haddad", 5, 5)]  # fmt: skip
    assert data["reviewed_changes"] == 21
    engine.run(ctx.workspace, timezone.now(),
               only=["unmanaged_key_person_risk", "one_reviewer_area"])  # fmt: skip
    [f] = Finding.objects.filter(workspace=ctx.workspace, rule="unmanaged_key_person_risk")
    assert f.subject_name == "northwind-shop/loyalty" and f.team_id == team.pk
    assert f.evidence[-1]["value"].startswith("Amira Haddad reviewed 5 of the 5 changes")
    [r] = Finding.objects.filter(workspace=ctx.workspace, rule="one_reviewer_area")
    assert r.subject_name == "northwind-shop/payments"
