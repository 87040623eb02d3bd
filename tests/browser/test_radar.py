"""The Radar page in Chromium: findings listed with their severity summary, a finding expands to
its evidence and conversation, a lead acknowledges one and dismisses another (a reason is
required: the browser refuses without one and so does the server), the team scope, and a phone
width with nothing wider than the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from leadline.radar import engine
from leadline.radar.models import Finding
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def radar(page, live_server, sign_in, make_user, make_workspace):
    """Acme with a high finding (Platform) and a medium one (Checkout); signed in as its lead."""
    from leadline.raid.models import RaidItem
    from leadline.workspaces.models import Person, Team

    lead = make_user("lena")
    ws = make_workspace("Acme", {lead: "lead"})
    teams = {s: Team.objects.create(workspace=ws, slug=s, name=s.title()) for s in ("platform", "checkout")}  # fmt: skip
    bo = Person.objects.create(workspace=ws, name="Bo Lindqvist")
    bo.teams.set([teams["platform"]])
    logged = timezone.now() - timedelta(days=12)
    for title, p, i, team in [
        ("Vendor API rate limits", 4, 4, "platform"),
        ("Office move in March", 2, 3, "checkout"),
    ]:
        RaidItem.objects.create(
            workspace=ws, kind="risk", title=title, owner=bo, team=teams[team],
            probability=p, impact=i, created_at=logged,
        )  # fmt: skip
    assert engine.run(ws, timezone.now()).raised == 2
    sign_in(page, "lena", PASSWORD)
    return f"{live_server.url}/w/{ws.slug}/radar/"


def _item(page, title: str):
    return page.locator("[data-finding]", has_text=title)


def test_the_radar_lists_findings_and_one_expands_to_its_evidence_and_conversation(page, radar):
    page.goto(radar)
    assert page.locator("[data-finding]").count() == 2
    counts = {
        s: page.locator(f"[data-severity-count={s}] .stat").inner_text()
        for s in ("high", "medium", "low")
    }
    assert counts == {"high": "1", "medium": "1", "low": "0"}
    assert page.locator("svg.sev-bar").get_attribute("aria-label") == "1 high, 1 medium, 0 low"
    high = _item(page, "Vendor API rate limits")
    assert high.get_attribute("data-severity") == "high"
    assert high.locator("[data-evidence]").is_hidden()  # closed until asked
    high.locator("summary").click()
    evidence = high.locator("[data-evidence]")
    assert evidence.is_visible()
    assert "Mitigation plan" in evidence.inner_text() and "none" in evidence.inner_text()
    conversation = high.locator("[data-conversation]")
    assert conversation.is_visible() and conversation.inner_text().strip()
    assert "Bo Lindqvist (owner)" in high.locator("[data-talk-to]").inner_text()
    # The high tile shows the high findings only; choosing it again shows all.
    page.click("[data-severity-count=high]")
    page.wait_for_url("**severity=high")
    assert page.locator("[data-finding]").count() == 1
    page.click("[data-severity-count=high]")
    page.wait_for_url(radar)
    assert page.locator("[data-finding]").count() == 2


def test_a_lead_acknowledges_a_finding_from_the_list(page, radar):
    page.goto(radar)
    high = _item(page, "Vendor API rate limits")
    high.locator("summary").click()
    with page.expect_navigation():
        high.locator("[data-act=acknowledge]").click()
    assert page.url.startswith(radar) and "#finding-" in page.url
    assert "Finding acknowledged." in page.locator(".messages").inner_text()
    assert _item(page, "Vendor API rate limits").get_attribute("data-status") == "acknowledged"
    assert Finding.objects.get(title__contains="Vendor API").status == "acknowledged"


def test_dismissing_needs_a_reason_and_keeps_it(page, radar):
    page.goto(radar)
    medium = _item(page, "Office move in March")
    medium.locator("summary").click()
    reason = medium.locator("input[name=reason]")
    # Without a reason the browser does not send the form, and says why.
    medium.locator("[data-act=dismiss]").click()
    assert reason.evaluate("e => e.validationMessage")
    assert page.url == radar
    assert Finding.objects.get(title__contains="Office move").status == "open"
    # A reason of spaces gets past the browser (here: its check taken away) but not the server.
    reason.evaluate("e => e.removeAttribute('required')")
    reason.fill("   ")
    with page.expect_navigation():
        medium.locator("[data-act=dismiss]").click()
    error = page.locator(".messages .error").inner_text()
    assert "say why it is dismissed, so others can judge it" in error
    assert Finding.objects.get(title__contains="Office move").status == "open"
    medium = _item(page, "Office move in March")
    medium.locator("summary").click()
    medium.locator("input[name=reason]").fill("Accepted by the steering group")
    with page.expect_navigation():
        medium.locator("[data-act=dismiss]").click()
    assert "Finding dismissed." in page.locator(".messages").inner_text()
    assert _item(page, "Office move in March").count() == 0  # not live any more
    f = Finding.objects.get(title__contains="Office move")
    assert (f.status, f.dismissed_reason) == ("dismissed", "Accepted by the steering group")
    page.select_option("select[name=status]", "dismissed")
    page.wait_for_url("**status=dismissed**")
    assert "Accepted by the steering group" in _item(page, "Office move in March").inner_text()


def test_the_team_scope_and_a_phone_width(page, radar):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(radar + "?team=checkout")
    assert [page.locator("[data-finding]").nth(0).get_attribute("data-severity")] == ["medium"]
    assert page.locator("[data-finding]").count() == 1
    assert "about Checkout" in page.locator("[data-severity-summary] h2").inner_text()
    # The filters keep the team.
    page.select_option("select[name=severity]", "medium")
    page.wait_for_url("**severity=medium**")
    assert "team=checkout" in page.url
    page.goto(radar)
    for item in page.locator("[data-finding] summary").all():
        item.click()
    wide = page.evaluate(
        "() => [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".filter(e => !e.closest('.sidebar'))"  # the navigation row scrolls on its own
        ".map(e => e.tagName + '.' + e.className)"
    )
    assert wide == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The finding's own page fits too.
    with page.expect_navigation():
        page.locator("[data-open-finding]").first.click()
    assert page.locator("[data-history]").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
