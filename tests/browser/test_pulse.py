"""A member answers a pulse on a phone-sized page, without an account; the lead then reads the
results; no Content-Security-Policy violation on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} ${e.sample || ""}`);
});
"""


def test_a_member_answers_a_pulse_on_a_phone(browser, live_server, make_user, make_workspace):
    from leadline.pulse import services
    from leadline.pulse.models import Response
    from leadline.workspaces.models import Person, Team
    from leadline.workspaces.services import access_for

    lead = make_user("phone-lead")
    ws = make_workspace("Phone Co", {lead: "lead"})
    team = Team.objects.create(workspace=ws, slug="app", name="App")
    for name in ("Ana", "Ben", "Cas", "Dee", "Eli"):
        Person.objects.create(workspace=ws, name=name).teams.set([team])
    made = services.create_pulse(access_for(lead, ws.slug), team, "psychological-safety",
                                 closes_at=timezone.now() + timedelta(days=3))  # fmt: skip
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15000)
    page.add_init_script(RECORD_VIOLATIONS)
    try:
        page.goto(live_server.url + made["links"][0]["url"])
        assert page.locator("fieldset[data-question]").count() == 7
        # Fits the phone: nothing scrolls sideways; the options are big enough to tap.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        box = page.locator("fieldset[data-question] label").first.bounding_box()
        assert box is not None and box["height"] >= 40
        for n, fieldset in enumerate(page.locator("fieldset[data-question]").all()):
            fieldset.locator("label").nth(n % 7).tap()
        page.fill("textarea[name=comment]", "Good fortnight")
        page.locator("button[type=submit]").tap()
        page.wait_for_selector("[data-answered]")
        assert page.evaluate("window.__csp") == []
        assert Response.objects.count() == 1
        # The link is used up.
        response = page.goto(live_server.url + made["links"][0]["url"])
        assert response is not None and response.status == 409
    finally:
        context.close()
