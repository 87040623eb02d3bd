"""The cadence in Chromium: the lead opens the weekly pack (its flow charts drawn), adds a
narrative and a status, publishes it, shares it with a stakeholder who reads it by link on a
phone (the charts fitted to it); the PDF renders with its charts (its text read back)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from leadline.cadence.models import CadenceTier
from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_lead_publishes_the_weekly_pack_and_a_stakeholder_reads_it_by_link(
    page, browser, live_server, sign_in
):
    ctx = build_demo()
    weekly = CadenceTier.objects.get(workspace=ctx.workspace, kind="team")
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/w/demo/cadence/")
    page.click(f"a[href='/w/demo/cadence/{weekly.pk}/']")
    page.click("button[data-build-pack]")
    page.wait_for_selector("[data-edit-pack]")
    assert "Data as of" in page.inner_text("[data-as-of]")
    # The flow section's charts are drawn from the pack's frozen specs, each with its definition.
    page.wait_for_selector("[data-section=flow] [data-chart='flow-1'][data-rendered='1'] svg")
    assert page.inner_text("[data-pack-chart='flow-1'] h3") == "Throughput per week"
    assert page.inner_text("[data-definition='flow-1']").startswith("Throughput = items finished")
    assert page.locator("[data-section=flow] [data-chart][data-rendered='1']").count() == 3
    assert page.locator("[data-chart='flow-1'] svg .mark-rect path").count() > 0  # the bars
    page.fill(
        "textarea[data-narrative-input]", "Reorder is back on track; the rate limits are the risk."
    )
    page.select_option("select[name=rag-blockers]", "red")
    page.select_option("select[name=owner-blockers]", label="Amira Haddad")
    page.click("button[data-save-pack]")
    page.wait_for_selector("[data-narrative]")
    assert page.locator("[data-section=blockers]").get_attribute("data-status") == "red"
    page.click("button[data-publish]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-edit-pack]").count() == 0  # frozen
    assert "published" in page.inner_text("[data-as-of]")
    page.select_option("form[data-share] select[name=person]", label="Olivia Grant")
    page.click("form[data-share] button[type=submit]")
    page.wait_for_load_state("networkidle")
    message = page.locator("li", has_text="Link for Olivia Grant").inner_text()
    link = re.search(r"https?://\S+", message).group(0)
    assert "/w/demo/cadence/read/" in link
    # The PDF of the page renders and says what the page says.
    pdf = page.request.get(page.url.split("?")[0] + "?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Reorder is back on track" in text and "Blockers" in text
    assert "Throughput per week" in text and "week starting" in text  # a chart, drawn

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    stakeholder = phone.new_page()
    stakeholder.goto(link)
    body = stakeholder.inner_text("main")
    assert "Weekly team status" in body
    assert "Reorder is back on track; the rate limits are the risk." in body
    # The stakeholder's page draws the same charts, fitted to the phone.
    stakeholder.wait_for_selector("[data-chart='flow-1'][data-rendered='1'] svg")
    chart = stakeholder.locator("[data-chart='flow-1'] svg").bounding_box()
    assert chart and chart["width"] <= 390
    assert stakeholder.evaluate("document.documentElement.scrollWidth") <= 390
    assert stakeholder.locator("[data-section=blockers]").get_attribute("data-status") == "red"
    theirs = stakeholder.request.get(link + "?format=pdf")
    assert theirs.headers["content-type"] == "application/pdf"
    phone.close()
