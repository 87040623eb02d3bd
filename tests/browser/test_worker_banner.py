"""The jobs page shows, in the browser, that no job worker runs and what to do about it."""

from __future__ import annotations

import pytest

from leadline.jobs.heartbeat import beat

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_jobs_page_warns_while_no_worker_is_alive(
    page, live_server, sign_in, make_user, make_workspace
):
    lead = make_user("lead")
    ws = make_workspace("Jobs", {lead: "lead"})
    sign_in(page, "lead", "correct-horse-battery-staple")
    page.goto(f"{live_server.url}/w/{ws.slug}/jobs/")
    banner = page.locator("[data-no-worker]")
    assert banner.is_visible()
    assert "No job worker is running" in banner.inner_text()
    assert "leadline serve" in banner.inner_text()
    beat("host:1", "database")
    page.reload()
    assert page.locator("[data-no-worker]").count() == 0
    assert page.locator("[data-workers]").inner_text() == "Job workers running: 1."
