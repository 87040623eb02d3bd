"""A person assesses themselves in Chromium: the radar charts are drawn (server-side SVG, no
script), a rating saved on the page moves the radar, a goal is added to the plan, and the page
breaks no Content-Security-Policy rule."""

from __future__ import annotations

import pytest

from leadline.competency import plan, services
from leadline.workspaces.models import Person
from leadline.workspaces.services import access_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI} ${e.sample || ""}`);
});
"""


def test_an_assessment_shows_its_radar_charts_and_takes_ratings_and_a_goal(
    page, live_server, sign_in, make_user, make_workspace
):
    mia = make_user("mia")
    ws = make_workspace("Acme", {mia: "lead"})
    Person.objects.create(workspace=ws, name="Mia Lead", user=mia)
    access = access_for(mia, ws.slug)
    a = services.start(access, mia, title="Spring")
    services.rate(access, mia, a, [
        {"competency": k, "level": v, "evidence": "seen"}
        for k, v in {"agile-pm": 4, "forecasting": 3, "risk": 2, "communication": 4,
                     "developing-talent": 3, "self-awareness": 2, "craft": 3}.items()
    ])  # fmt: skip
    errors: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, "mia", PASSWORD)
    page.goto(f"{live_server.url}/w/{ws.slug}/people/competency/{a.pk}/")
    radars = page.locator("[data-radars] svg.competency-radar")
    assert radars.count() == 4
    delivery = page.locator('[data-radar-of="delivery"] svg')
    assert delivery.is_visible()
    box = delivery.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200
    you = delivery.locator('polygon[data-series="You"]')
    before = you.get_attribute("points")
    # Rate estimation 5 on the page: the delivery radar's own polygon changes.
    page.locator('[data-competency="estimation"] input[value="5"]').check()
    page.fill('[data-competency="estimation"] textarea', "Counted, not estimated, for a year")
    with page.expect_navigation():
        page.locator("[data-ratings-form] button[type=submit]").click()
    assert "Ratings saved." in page.content()
    assert (
        page.locator('[data-radar-of="delivery"] polygon[data-series="You"]').get_attribute(
            "points"
        )
        != before
    )
    assert a.ratings.get(competency="estimation").level == 5
    # A goal for the plan.
    page.select_option("[data-goal-form] select[name=competency]", "risk")
    page.fill("[data-goal-form] input[name=text]", "Review aged risks every fortnight")
    page.fill("[data-goal-form] input[name=review_on]", "2030-01-15")
    with page.expect_navigation():
        page.locator("[data-goal-form] button[type=submit]").click()
    assert page.locator("[data-plan] [data-goal]").count() == 1
    assert page.evaluate("window.__csp") == [] and errors == []


def test_the_competency_pages_fit_a_phone(page, live_server, sign_in, make_user, make_workspace):
    mia, rita = make_user("mia"), make_user("rita")
    ws = make_workspace("Acme", {mia: "owner", rita: "member"})
    access = access_for(mia, ws.slug)
    a = services.start(access, mia, title="Spring")
    services.rate(access, mia, a, [{"competency": "risk", "level": 3, "evidence": "x" * 300}])
    plan.add_goal(access, mia, a, competency="risk", text="Review aged risks every fortnight",
                      review_on=a.created_at.date())  # fmt: skip
    services.invite(access, mia, a, ["rita"])
    services.start(access, mia, title="Autumn")
    page.set_viewport_size({"width": 390, "height": 844})
    base = f"{live_server.url}/w/{ws.slug}/people/competency/"
    for who, paths in (("mia", ["", f"{a.pk}/", "model/", "model/?edit=risk"]),
                       ("rita", [f"{a.pk}/rate/"])):  # fmt: skip
        page.context.clear_cookies()
        sign_in(page, who, PASSWORD)
        for path in paths:
            response = page.goto(base + path)
            assert response is not None and response.ok, path
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width}px wide on a 390px phone"
