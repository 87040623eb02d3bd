"""The clause check "status shared weekly", registered by the cadence with the clauses
registry: kept when a pack of the team's weekly tier was published in each of the last N weeks,
broken with the weeks missed and a link to the tier page otherwise (time frozen)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from leadline.agreements import services as agreements
from leadline.cadence import packs
from leadline.clauses import registry
from leadline.clauses import services as clauses

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)  # a Monday


def _publish_at(cw, tier, at):
    with time_machine.travel(at, tick=False):
        pack = packs.generate(cw.access(cw.lead), tier, cw.lead)
        packs.publish(cw.access(cw.lead), pack, cw.lead)


def _clause(cw, weeks):
    access = cw.access(cw.lead)
    with time_machine.travel(NOW - timedelta(days=60), tick=False):
        a = agreements.get_or_create_agreement(access, cw.team)
        agreements.save_version(access, a, {"cadence": "We share our status every week."})
    return clauses.link_clause(access, a, section="cadence", clause="share our status every week",
                               kind="status_shared_weekly", limit=weeks, now=NOW)  # fmt: skip


def test_the_check_kind_is_registered_by_the_cadence():
    k = registry.kind("status_shared_weekly")
    assert k is not None and k.unit == "weeks" and k.default == 4


def test_status_shared_weekly_is_kept_then_broken_with_the_weeks_missed(cw):
    tier = cw.tier("team")
    tier.team = cw.team
    tier.save()
    c = _clause(cw, 3)
    for days in (1, 8, 15):  # one pack in each of the last three weeks
        _publish_at(cw, tier, NOW - timedelta(days=days))
    url = reverse("cadence-tier", args=[cw.workspace.slug, tier.pk])
    r = clauses.judge(c, NOW)
    assert r["state"] == "kept", r["summary"]
    assert r["summary"] == "A pack of Weekly team status published in each of the last 3 weeks."
    # A week later nothing new was published: the latest week is missed.
    later = NOW + timedelta(days=7)
    r = clauses.judge(c, later)
    assert r["state"] == "broken"
    assert r["summary"] == "No pack of Weekly team status published in 1 of the last 3 weeks."
    missed = [e for e in r["evidence"] if e["value"] == "no pack published"]
    assert [e["label"] for e in missed] == ["Week 2026-03-30 to 2026-04-06"]
    assert all(e["url"] == url for e in r["evidence"])
    # An unpublished pack does not count.
    with time_machine.travel(later - timedelta(days=1), tick=False):
        packs.generate(cw.access(cw.lead), tier, cw.lead)
    assert clauses.judge(c, later)["state"] == "broken"


def test_a_team_without_a_weekly_tier_has_no_data(cw):
    from leadline.workspaces.models import Team

    tier = cw.tier("team")
    tier.team = Team.objects.create(workspace=cw.workspace, slug="search", name="Search")
    tier.save()
    c = _clause(cw, 1)
    _publish_at(cw, tier, NOW - timedelta(days=1))
    # The only team tier is Search's: the agreement's team (Checkout) has none, nothing to judge.
    r = clauses.judge(c, NOW)
    assert r["state"] == "no data"
