"""The Radar page: the severity summary for the scope, its filter links, acting from the list
(back to the same list), and the messages a lead reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from leadline.radar import engine
from leadline.radar.models import Finding

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def findings(world):
    from leadline.raid.models import RaidItem

    for title, p, i, team in [
        ("Vendor API rate limits", 4, 4, "platform"),
        ("Office move", 2, 3, "checkout"),
        ("Card scheme change", 3, 2, "checkout"),
    ]:
        RaidItem.objects.create(
            workspace=world.workspace, kind="risk", title=title, owner=world.people["Bo"],
            team=world.teams[team], probability=p, impact=i, created_at=T0,
        )  # fmt: skip
    engine.run(world.workspace, T0 + timedelta(days=8))
    return world


def _counts(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'data-severity-count="(\w+)".*?<span class="stat">(\d+)</span>', html, re.S)
    )


def test_the_summary_counts_the_scope_and_its_tiles_filter(findings, client_for):
    c = client_for(findings.owner)
    page = c.get("/w/acme/radar/").content.decode()
    assert _counts(page) == {"high": "1", "medium": "2", "low": "0"}
    assert "3 open and acknowledged findings" in page
    assert 'aria-label="1 high, 2 medium, 0 low"' in page
    assert 'href="/w/acme/radar/?severity=medium"' in page
    scoped = c.get("/w/acme/radar/?team=checkout&severity=medium").content.decode()
    assert _counts(scoped) == {"high": "0", "medium": "2", "low": "0"}  # all but severity
    assert "2 open and acknowledged findings about Checkout" in scoped
    # The chosen tile clears the severity, keeping the team; the others switch to theirs.
    assert 'href="/w/acme/radar/?team=checkout" data-severity-count="medium"' in scoped
    assert 'href="/w/acme/radar/?team=checkout&amp;severity=high"' in scoped
    assert scoped.count("data-finding=") == 2
    assert 'href="/w/acme/radar/?team=checkout">Clear filters' in scoped


def test_acting_from_the_list_returns_to_it_and_a_foreign_next_does_not(findings, client_for):
    c = client_for(findings.owner)
    f = Finding.objects.get(severity="high")
    back = "/w/acme/radar/?team=platform"
    r = c.post(f"/w/acme/radar/{f.pk}/", {"action": "acknowledge", "next": back})
    assert r["Location"] == f"{back}#finding-{f.pk}"
    page = c.get(back).content.decode()
    assert "Finding acknowledged." in page
    for target in ("https://evil.example/w/acme/radar/", "/w/other/radar/", "//evil.example/"):
        r = c.post(f"/w/acme/radar/{f.pk}/", {"action": "resolve", "next": target})
        assert r["Location"] == f"/w/acme/radar/{f.pk}/"
    assert Finding.objects.get(pk=f.pk).status == "resolved"


def test_dismissing_without_a_reason_is_refused_with_the_reason_why(findings, client_for):
    c = client_for(findings.owner)
    f = Finding.objects.filter(severity="medium").first()
    r = c.post(
        f"/w/acme/radar/{f.pk}/", {"action": "dismiss", "reason": " ", "next": "/w/acme/radar/"},
        follow=True,
    )  # fmt: skip
    assert "say why it is dismissed, so others can judge it" in r.content.decode()
    assert Finding.objects.get(pk=f.pk).status == "open"
    r = c.post(f"/w/acme/radar/{f.pk}/", {"action": "dismiss", "reason": "Moved already"},
               follow=True)  # fmt: skip
    assert "Finding dismissed." in r.content.decode()
    assert "Dismissed: Moved already" in r.content.decode()


def test_members_see_no_lead_actions_and_viewers_no_run_button(findings, client_for):
    member = client_for(findings.member).get("/w/acme/radar/").content.decode()
    assert "data-radar-run" in member and 'data-act="acknowledge"' not in member
    viewer = client_for(findings.viewer).get("/w/acme/radar/").content.decode()
    assert "data-radar-run" not in viewer and "data-evidence" in viewer
