"""Alignment checks in Chromium: a lead builds a check, a stakeholder answers on a phone-wide
page through their link, the lead reads the results side by side."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from leadline.alignment.models import AlignmentCheck
from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = """scope: What is in the pilot?
- Gift cards
- Loyalty points
who decides: Who decides the pilot's design?
@ cross-domain
likert: We agree on the pilot's goal.
"""


def _pick(page, select: str, typed: str, label: str) -> None:
    control = page.locator(f"{select} + .ts-wrapper input")
    control.click()
    control.press_sequentially(typed)
    page.locator(f"{select} + .ts-wrapper .ts-dropdown .option", has_text=label).first.click()


def test_a_lead_builds_a_check_a_stakeholder_answers_on_a_phone_the_lead_reads(
    page, browser, live_server, sign_in
):
    build_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/w/demo/alignment/")
    page.fill("input[name=title]", "Pilot scope")
    page.fill("input[name=closes_on]", (date.today() + timedelta(days=10)).isoformat())
    page.fill("textarea[name=questions]", QUESTIONS)
    for typed, name in [("oliv", "Olivia Grant"), ("dev", "Dev Patel")]:
        _pick(page, "select[name=audience]", typed, name)
    page.click("h1")
    page.click("form[data-check-builder] button[type=submit]")
    page.wait_for_selector("[data-fresh-links]")
    row = page.locator("[data-fresh-links] tr", has_text="Olivia Grant")
    link = row.locator("input[data-link]").input_value()
    assert "/w/demo/alignment/answer/" in link
    check = AlignmentCheck.objects.get(title="Pilot scope")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    stakeholder = phone.new_page()
    stakeholder.goto(link)
    assert "For Olivia Grant" in stakeholder.inner_text("main")
    # Nothing is wider than the phone: no sideways scrolling to answer.
    assert stakeholder.evaluate("document.documentElement.scrollWidth") <= 390
    scope = check.questions.get(kind="scope")
    stakeholder.check(f"input[name=q{scope.pk}-0][value=in]")
    stakeholder.check(f"input[name=q{scope.pk}-1][value=out]")
    who = check.questions.get(kind="who_decides")
    stakeholder.select_option(f"select[name=q{who.pk}]", label="Rosa Jimenez")
    likert = check.questions.get(kind="likert")
    stakeholder.check(f"input[name=q{likert.pk}][value='4']")
    stakeholder.click("button[type=submit]")
    stakeholder.wait_for_selector("[data-answered]")
    phone.close()

    page.goto(f"{live_server.url}/w/demo/alignment/{check.pk}/")
    assert "1 of 2 answered" in page.inner_text("[data-progress]")
    page.click("text=Show the results")
    page.wait_for_url(f"**/alignment/{check.pk}/results/")
    card = page.locator(f"[data-question='{who.pk}']")
    assert (
        "the framework says the triage group"
        in card.locator("[data-framework-mismatch]").inner_text()
    )
    table = page.locator(f"[data-question='{scope.pk}'] [data-by-respondent]").inner_text()
    assert "Olivia Grant" in table and "Gift cards: in; Loyalty points: out" in table
