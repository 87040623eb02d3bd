"""Delivery data in Chromium: upload a CSV, follow its import to the end, map a new status."""

from __future__ import annotations

import os
import threading

import pytest

from leadline.delivery.models import StatusMapping, WorkItem
from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo
from leadline.jobs.models import Job
from leadline.jobs.services import run_job
from tests.delivery.test_pages import URLCONF

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(URLCONF)]
CSV = (
    "key,title,type,created,status,at,category\n"
    "BR-1,Browser item,Story,2024-03-01,To Do,2024-03-01T09:00:00Z,backlog\n"
    "BR-1,Browser item,Story,2024-03-01,Building,2024-03-02T09:00:00Z,active\n"
    "BR-1,Browser item,Story,2024-03-01,Browser Review,2024-03-03T09:00:00Z,\n"
)
SHOTS = os.environ.get("LEADLINE_SCREENSHOTS")  # a folder: save screenshots there to look at


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"dd-{name}.png"), full_page=True)


@pytest.fixture
def demo(page, live_server, sign_in):
    build_demo()
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)
    return live_server.url


def test_upload_a_csv_follow_the_import_and_map_its_new_status(page, demo, tmp_path, settings):
    settings.HOME = tmp_path
    page.goto(f"{demo}/w/demo/delivery/data/")
    _shot(page, "data")
    page.select_option("#import-form select[name=kind]", "csv")
    page.select_option("#import-form select[name=team]", label="Checkout")
    page.set_input_files(
        "#import-form input[name=file]",
        files=[{"name": "browser.csv", "mimeType": "text/csv", "buffer": CSV.encode()}],
    )
    page.click("#import-form button[type=submit]")
    page.wait_for_url(f"{demo}/w/demo/jobs/*/")
    job = Job.objects.get(kind="delivery.import")
    assert page.locator("#job-progress").get_attribute("data-job-status") == "queued"
    worker = threading.Thread(target=run_job, args=(str(job.pk),))
    worker.start()
    worker.join(timeout=60)
    page.wait_for_selector("#job-progress[data-job-status=succeeded]", timeout=20000)
    _shot(page, "job")
    assert WorkItem.objects.get(key="BR-1").team.slug == "checkout"

    page.goto(f"{demo}/w/demo/delivery/workflow/")
    row = page.locator("#unmapped tr[data-status='Browser Review']")
    assert row.count() == 1
    _shot(page, "workflow")
    row.locator("select[name=category]").select_option("active")
    row.locator("input[name=waiting]").check()
    row.locator("button[type=submit]").click()
    page.wait_for_selector("tr[data-status='Browser Review'][data-category=active] [data-saved]")
    mapping = StatusMapping.objects.get(status="Browser Review")
    assert (mapping.category, mapping.waiting, mapping.edited) == ("active", True, True)
    page.reload()
    assert page.locator("#unmapped tr[data-status='Browser Review']").count() == 0

    page.goto(f"{demo}/w/demo/delivery/quality/?team=checkout")
    assert page.locator("[data-check=moved_backwards]").count() == 1
    _shot(page, "quality")

    page.goto(f"{demo}/w/demo/delivery/data/connections/new/")
    assert (
        page.locator("#connection-form input[name=credential]").get_attribute("type") == "password"
    )
    _shot(page, "connection-new")


def test_a_latin1_upload_shows_where_its_first_foreign_byte_is(page, demo, tmp_path, settings):
    settings.HOME = tmp_path
    page.goto(f"{demo}/w/demo/delivery/data/")
    page.select_option("#import-form select[name=kind]", "csv")
    latin = "key,title,created,finished\nBR-9,Café menu,2024-03-01,2024-03-04\n"
    page.set_input_files(
        "#import-form input[name=file]",
        files=[{"name": "latin.csv", "mimeType": "text/csv", "buffer": latin.encode("latin-1")}],
    )
    page.click("#import-form button[type=submit]")
    page.wait_for_url(f"{demo}/w/demo/jobs/*/")
    job = Job.objects.get(kind="delivery.import")
    worker = threading.Thread(target=run_job, args=(str(job.pk),))
    worker.start()
    worker.join(timeout=60)
    page.wait_for_selector("#job-progress[data-job-status=failed]", timeout=20000)
    _shot(page, "latin1")
    text = page.locator("#job-progress").inner_text()
    assert "line 2, column 9, field 'title': byte 0xe9 is not UTF-8 text" in text
    assert "UnicodeDecodeError" not in text and "position" not in text
    assert not WorkItem.objects.filter(key="BR-9").exists()
