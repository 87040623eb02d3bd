"""Edit forms in Chromium keep the dates nobody touched (en-gb formats dates as dd/mm/yyyy,
which an <input type="date"> cannot show: it rendered empty and the save erased the date)."""

from __future__ import annotations

from datetime import date

import pytest

from leadline.changes import services as changes
from leadline.changes.models import ChangeRequest
from leadline.governance.services import system_access
from leadline.raid import services as raid
from leadline.raid.models import RaidItem
from leadline.workspaces.models import Person, Team
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

DATES = {
    "risk": {"review_date": date(2026, 11, 30), "proximity": date(2027, 2, 14)},
    "assumption": {"review_date": date(2026, 12, 1), "validate_by": date(2027, 3, 9)},
    "issue": {"review_date": date(2026, 12, 2), "due_date": date(2027, 1, 22)},
    "dependency": {"review_date": date(2026, 12, 3), "need_by": date(2027, 1, 4)},
}


@pytest.fixture
def acme(page, live_server, sign_in, make_user, make_workspace):
    lead = make_user("lena")
    ws = make_workspace("Acme", {lead: "owner"})
    team = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    Person.objects.create(workspace=ws, name="Lena", user=lead).teams.set([team])
    sign_in(page, "lena", PASSWORD)
    return live_server.url, ws, team


@pytest.mark.parametrize("kind", list(DATES))
def test_editing_only_the_description_of_a_raid_item_keeps_its_dates(page, acme, kind):
    url, ws, team = acme
    item = raid.create_item(
        system_access(ws), kind, {"title": f"A {kind}", "team": team, **DATES[kind]}
    )
    page.goto(f"{url}/w/acme/raid/{item.pk}/")
    page.fill("#raid-edit textarea[name=description]", "Only this changed.")
    page.click("#raid-edit button[type=submit]")
    page.wait_for_url(f"{url}/w/acme/raid/{item.pk}/")
    item = RaidItem.objects.get(pk=item.pk)
    assert item.description == "Only this changed."
    for field, value in DATES[kind].items():
        assert getattr(item, field) == value, field
    assert "→ —" not in page.locator("[data-history]").inner_text()


def test_editing_only_the_title_of_a_change_request_keeps_its_target_date(page, acme):
    url, ws, team = acme
    cr = changes.create_change_request(
        system_access(ws),
        title="Gift cards",
        team=team,
        added_items=5,
        remaining_items=20,
        target_date=date(2027, 1, 4),
    )
    page.goto(f"{url}/w/acme/changes/{cr.pk}/")
    page.fill("#change-edit input[name=title]", "Gift cards, phase 1")
    page.click("#change-edit button[type=submit]")
    page.wait_for_url(f"{url}/w/acme/changes/{cr.pk}/")
    cr = ChangeRequest.objects.get(pk=cr.pk)
    assert cr.title == "Gift cards, phase 1"
    assert cr.target_date == date(2027, 1, 4)
