"""Every page of the demo, at a desktop and a phone width, logs nothing to the console and does
not scroll sideways on the phone.

The walk (tests/browser/crawl.py) opens each page at 1440 px, then again at 390 px. Any console
warning or error fails the test (a Content-Security-Policy refusal, a failed request, a Vega
warning, an uncaught exception), as does a document wider than the phone's window.
"""

from __future__ import annotations

from typing import Any

import pytest

from leadline.demo.builder import DEMO_PASSWORD, DEMO_USERNAME, build_demo
from tests.browser.crawl import DEMO_WITHIN, MISSING, demo_starts, settle, shoot, walk

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_every_page_logs_nothing_and_fits_a_phone(page, live_server, sign_in):
    build_demo()
    logged: list[str] = []

    def console(message: Any) -> None:
        # The not-found page is meant to answer 404: Chromium logs that answer as an error.
        if page.url.endswith(MISSING) and message.location.get("url") == page.url:
            return
        if message.type in ("warning", "error"):
            logged.append(f"{message.type}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: logged.append(f"uncaught: {e}"))
    sign_in(page, DEMO_USERNAME, DEMO_PASSWORD)  # the sign-in page is a page too (its icon, …)
    failures: list[str] = [f"signing in logged: {logged}"] if logged else []
    logged.clear()
    page.set_viewport_size(DESKTOP)
    pages = 0
    for url in walk(page, live_server.url, demo_starts(), DEMO_WITHIN, missing=[MISSING]):
        pages += 1
        if logged:
            failures.append(f"{url} at 1440 px logged: {logged} ({shoot(page, url, 'page-1440')})")
            logged.clear()
        page.set_viewport_size(PHONE)
        page.reload()
        settle(page)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > PHONE["width"] or logged:
            failures.append(
                f"{url} at 390 px is {wide} px wide, logged: {logged} ({shoot(page, url, 'page-390')})"
            )
            logged.clear()
        page.set_viewport_size(DESKTOP)
    assert pages >= 35, f"the walk reached only {pages} pages"
    assert not failures, "\n".join(failures)
