"""A team runs a retrospective in Chromium: two people on their own screens write cards (the
other screen shows them without a reload), the facilitator groups them, both vote, three actions
are agreed and a fourth refused; the next retro shows the open actions with their age."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from leadline.retro.models import Action, Card, Retro
from leadline.workspaces.models import Person, Team
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(make_user, make_workspace):
    lead, member = make_user("lena"), make_user("max")
    ws = make_workspace("Acme", {lead: "lead", member: "member"})
    team = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    for name, user in [("Lena", lead), ("Max", member), ("Ann", None)]:
        Person.objects.create(workspace=ws, name=name, user=user).teams.set([team])
    return ws


def _submit(page, form: str) -> None:
    with page.expect_navigation():
        page.locator(form).locator("button[type=submit]").first.click()


def test_a_team_runs_a_retro_end_to_end_and_the_next_one_carries_its_actions(
    browser, page, live_server, sign_in, team
):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, "lena", PASSWORD)
    base = f"{live_server.url}/w/{team.slug}/retros/"
    page.goto(base)
    page.select_option("[data-new-retro] select[name=team]", "checkout")
    page.select_option("[data-new-retro] select[name=format]", "start-stop-continue")
    _submit(page, "[data-new-retro]")
    retro = Retro.objects.get(workspace=team)
    board = f"{base}{retro.pk}/"
    assert page.url == board
    assert page.locator("[data-column=alignment]").is_visible()

    # The member writes on their own screen; the lead's board shows the cards by polling.
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(other, "max", PASSWORD)
    other.goto(board)
    for column, text, anonymous in [("stop", "Unclear acceptance criteria", True),
                                    ("stop", "Acceptance criteria missing", False),
                                    ("alignment", "Is reorder still first?", False)]:  # fmt: skip
        other.select_option("[data-card-form] select[name=column]", column)
        other.fill("[data-card-form] textarea[name=text]", text)
        if anonymous:
            other.check("[data-card-form] input[name=anonymous]")
        _submit(other, "[data-card-form]")
    assert Card.objects.get(text="Unclear acceptance criteria").author_id is None
    page.locator("[data-column=alignment]", has_text="Is reorder still first?").wait_for(
        timeout=12000
    )
    assert page.url == board  # no reload: the live part was swapped in

    # Timer: the server's end time counts down on the page.
    _submit(page, "form:has([data-start-timer])")
    page.wait_for_function(
        "document.querySelector('[data-timer-left]').textContent.includes('left')"
    )

    # Group the two acceptance-criteria cards.
    with page.expect_navigation():
        page.click("[data-next-phase]")
    for text in ("Unclear acceptance criteria", "Acceptance criteria missing"):
        page.locator(".retro-card", has_text=text).locator("input[type=checkbox]").check()
    page.fill("#group-form input[name=title]", "Acceptance criteria")
    _submit(page, "#group-form")
    group = page.locator("[data-group]", has_text="Acceptance criteria")
    assert group.locator("li").count() == 2

    # Vote: the member puts two dots on the group, one on the alignment card; no fourth.
    with page.expect_navigation():
        page.click("[data-next-phase]")
    # The member's page reloads itself when the phase changes (the poll answers HX-Refresh).
    other.locator("[data-votes-left]").wait_for(timeout=12000)
    other.wait_for_load_state("networkidle")
    gid = group.get_attribute("data-group")
    for _ in range(2):
        _submit(other, f"form:has([data-vote='group-{gid}'])")
    card = other.locator(".retro-card", has_text="Is reorder still first?")
    with other.expect_navigation():
        card.locator("[data-vote]").click()
    assert other.locator("[data-votes-left]").get_attribute("data-votes-left") == "0"
    with other.expect_navigation():
        other.locator(".retro-card", has_text="Is reorder still first?").locator(
            "[data-vote]"
        ).click()
    assert "all 3 of your votes" in other.locator(".messages").inner_text()
    page.locator(f"[data-group='{gid}'] [data-votes='2']").wait_for(timeout=12000)

    # Discuss, then agree three actions; a fourth is refused.
    for _ in range(2):
        with page.expect_navigation():
            page.click("[data-next-phase]")
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    for title, owner in [("Three amigos before sprint", "Max"), ("AC template", "Ann"),
                         ("Ask Olivia about reorder", "Lena"), ("A fourth one", "Max")]:  # fmt: skip
        page.fill("[data-action-form] input[name=title]", title)
        page.select_option("[data-action-form] select[name=owner]", label=owner)
        page.fill("[data-action-form] input[name=due_on]", due)
        _submit(page, "[data-action-form]")
    assert page.locator("[data-actions] tr[data-action]").count() == 3
    assert "at most 3 actions" in page.locator(".messages").inner_text()
    assert Action.objects.filter(retro=retro).count() == 3
    with page.expect_navigation():
        page.click("[data-next-phase]")
    assert page.locator("[data-phase=closed]").get_attribute("aria-current") == "step"

    # Two weeks on, one action is done; the next retro shows the other two with their age.
    Action.objects.filter(retro=retro).update(created_at=timezone.now() - timedelta(days=14))
    page.goto(board)
    with page.expect_navigation():
        page.locator("[data-actions] tr", has_text="AC template").locator("[data-done]").click()
    page.goto(base)
    page.select_option("[data-new-retro] select[name=team]", "checkout")
    page.select_option("[data-new-retro] select[name=format]", "4ls")
    _submit(page, "[data-new-retro]")
    carried = page.locator("[data-carried] tr[data-action]")
    assert carried.count() == 2
    text = page.locator("[data-carried]").inner_text()
    assert "Three amigos before sprint" in text and "Ask Olivia about reorder" in text
    assert "AC template" not in text
    assert all(a == "14 days" for a in carried.locator("[data-age]").all_inner_texts())
    assert errors == []
    other.context.close()
