"""Sign in, switch workspace and team, navigate every area, follow a job: in Chromium."""

from __future__ import annotations

import threading

import pytest

from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo
from leadline.jobs.models import Job
from leadline.jobs.services import run_job
from leadline.web.context import NAV_AREAS

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_switch_workspace_and_navigate(page, live_server, sign_in):
    build_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    assert page.url == f"{live_server.url}/w/demo/"
    assert page.locator("h1").inner_text() == "Northwind Retail (demo)"
    for name, label, _ in NAV_AREAS:
        page.click(f"a[data-nav={name}]")
        page.wait_for_load_state("networkidle")
        assert "/w/demo/" in page.url
        assert page.locator(".nav a.active").inner_text().strip().endswith(label)
        assert page.locator("h1").count() == 1
    # Switch workspace through the switcher in the top bar.
    page.select_option("#ws-switch", label="Sandbox")
    page.wait_for_url(f"{live_server.url}/w/sandbox/")
    assert page.locator("h1").inner_text() == "Sandbox"
    assert "Start with your teams" in page.content()
    # And back, then choose a team.
    page.select_option("#ws-switch", label="Northwind Retail (demo)")
    page.wait_for_url(f"{live_server.url}/w/demo/")
    page.click("a[data-nav=alignment]")
    page.wait_for_load_state("networkidle")
    with page.expect_navigation():
        page.select_option("#team-switch", label="Checkout")
    page.wait_for_load_state("networkidle")
    assert "for Checkout" in page.content()
    # The navigation carries the choice to the next page, in its URL.
    page.click("a[data-nav=cadence]")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/w/demo/cadence/?team=checkout")
    assert page.locator("#team-switch").input_value() == "checkout"


def test_a_job_page_shows_live_progress(page, live_server, sign_in):
    build_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    page.goto(f"{live_server.url}/w/demo/jobs/")
    page.click("button[name=kind]")
    page.wait_for_selector("#job-progress[data-job-status=queued]")
    job = Job.objects.get()
    worker = threading.Thread(target=run_job, args=(str(job.pk),))
    worker.start()
    worker.join(timeout=60)
    # HTMX polls the progress part; it turns to succeeded with no reload.
    page.wait_for_selector("#job-progress[data-job-status=succeeded]", timeout=15000)
    assert page.locator(".progress > span").get_attribute("style").replace(" ", "") == "width:100%"


def test_a_wrong_password_shows_an_error(page, live_server, sign_in, make_user):
    make_user("pat")
    sign_in(page, "pat", "wrong")
    assert "/accounts/login/" in page.url
    assert "correct username and password" in page.content()


def test_the_layout_works_on_a_phone(browser, live_server, sign_in):
    build_demo()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    sidebar = page.locator(".sidebar").bounding_box()
    content = page.locator(".content").bounding_box()
    assert sidebar["width"] <= 390 and content["y"] > sidebar["y"]  # stacked, not side by side
    context.close()
