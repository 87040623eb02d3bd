"""Forms in Chromium: the RAID form shows the chosen kind's fields, multi-selects are searchable
(no Ctrl-click), and everything still works without JavaScript."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from leadline.decisions.models import DecisionDomain
from leadline.decisions.services import save_domain
from leadline.governance.services import settings_for, system_access
from leadline.raid import services as raid
from leadline.raid.models import RaidItem
from leadline.workspaces.models import Person, Team
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

RISK_ONLY = ("probability", "impact", "cause", "mitigation", "proximity")
DEPENDENCY_ONLY = ("provider_name", "needed", "need_by", "provider_kind")


@pytest.fixture
def acme(live_server, make_user, make_workspace):
    lead = make_user("lena")
    ws = make_workspace("Acme", {lead: "owner"})
    team = Team.objects.create(workspace=ws, slug="checkout", name="Checkout")
    Team.objects.create(workspace=ws, slug="payments", name="Payments")
    for name in ("Lena", "Bo Berg", "Cyril Chan", "Dana Diaz", "Eve Ek"):
        Person.objects.create(workspace=ws, name=name, user=lead if name == "Lena" else None)
    return live_server.url, ws, team


@pytest.fixture
def signed_in(page, acme, sign_in):
    sign_in(page, "lena", PASSWORD)
    return acme


def visible(page, name: str) -> bool:
    return page.locator(f"#raid-form [name={name}]").first.is_visible()


def test_switching_the_kind_shows_only_that_kinds_fields_and_saves_them(page, signed_in):
    url, ws, team = signed_in
    page.goto(f"{url}/w/acme/raid/new/?kind=risk")
    assert all(visible(page, f) for f in RISK_ONLY)
    assert not any(visible(page, f) for f in DEPENDENCY_ONLY)
    assert visible(page, "title") and visible(page, "owner") and visible(page, "review_date")

    page.select_option("#raid-form select[name=kind]", "dependency")
    assert all(visible(page, f) for f in DEPENDENCY_ONLY)
    assert not any(visible(page, f) for f in RISK_ONLY)
    assert visible(page, "blocker")
    statuses = page.eval_on_selector_all(
        "#raid-form select[name=status] option",
        "os => os.filter(o => !o.disabled).map(o => o.value)",
    )
    assert statuses == ["open", "in_progress", "delivered", "closed"]

    page.fill("#raid-form input[name=title]", "Fraud API from ScoreCo")
    page.fill("#raid-form input[name=provider_name]", "ScoreCo")
    page.fill("#raid-form input[name=need_by]", "2027-01-04")
    page.click("#raid-form button[type=submit]")
    page.wait_for_url(f"{url}/w/acme/raid/")
    item = RaidItem.objects.get(title="Fraud API from ScoreCo")
    assert item.kind == "dependency" and item.need_by == date(2027, 1, 4)
    assert item.provider_name == "ScoreCo" and item.probability is None

    page.goto(f"{url}/w/acme/raid/new/")
    page.select_option("#raid-form select[name=kind]", "assumption")
    assert visible(page, "validate_by") and not visible(page, "need_by")
    assert not any(visible(page, f) for f in RISK_ONLY)


def test_the_edit_form_shows_the_items_kind_and_keeps_other_fields_values(page, signed_in):
    url, ws, team = signed_in
    item = raid.create_item(
        system_access(ws),
        "dependency",
        # A cause came in with a CSV import; the dependency form does not show it.
        {"title": "Design review", "need_by": date(2027, 1, 4), "cause": "Imported note"},
    )
    page.goto(f"{url}/w/acme/raid/{item.pk}/")
    form = page.locator("#raid-edit")
    assert form.locator("[name=need_by]").is_visible()
    assert not form.locator("[name=cause]").is_visible()
    assert not form.locator("[name=probability]").is_visible()
    options = page.eval_on_selector_all(
        "#raid-edit select[name=status] option", "os => os.map(o => o.value)"
    )
    assert options == ["open", "in_progress", "delivered", "closed"]
    page.fill("#raid-edit textarea[name=description]", "Now with a description.")
    page.click("#raid-edit button[type=submit]")
    page.wait_for_url(f"{url}/w/acme/raid/{item.pk}/")
    item.refresh_from_db()
    assert item.description == "Now with a description."
    assert item.cause == "Imported note" and item.need_by == date(2027, 1, 4)


def test_without_javascript_every_field_shows_and_the_form_still_saves(browser, acme, sign_in):
    url, ws, team = acme
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "lena", PASSWORD)
        page.goto(f"{url}/w/acme/raid/new/")
        assert all(visible(page, f) for f in (*RISK_ONLY, *DEPENDENCY_ONLY, "validate_by"))
        page.select_option("#raid-form select[name=kind]", "dependency")
        page.fill("#raid-form input[name=title]", "No-JS dependency")
        page.fill("#raid-form input[name=need_by]", "2027-02-01")
        page.click("#raid-form button[type=submit]")
        page.wait_for_url(f"{url}/w/acme/raid/")
        assert RaidItem.objects.get(title="No-JS dependency").need_by == date(2027, 2, 1)
        page.goto(f"{url}/w/acme/decisions/framework/")
        assert page.locator("select[name=consulted][multiple]").is_visible()
    finally:
        context.close()


def _pick(page, select: str, typed: str, label: str) -> None:
    """Type into a searchable multi-select, see the list narrow to ``label``, choose it."""
    control = page.locator(f"{select} + .ts-wrapper input")
    control.click()
    # The keys go where the focus is: wait until it is in this control (the previous picker
    # may still be closing its list), and until the control holds what was typed.
    expect(control).to_be_focused()
    control.press_sequentially(typed)
    expect(control).to_have_value(typed)
    options = page.locator(f"{select} + .ts-wrapper .ts-dropdown .option")
    expect(options).to_have_text([label])  # the search narrowed the list to one person
    options.first.click()


def test_multi_selects_are_searchable_without_ctrl_click(page, signed_in):
    url, ws, team = signed_in
    page.goto(f"{url}/w/acme/decisions/framework/")
    # The native list is replaced by the searchable picker (kept, hidden, for submitting).
    assert "tomselected" in (page.get_attribute("select[name=consulted]", "class") or "")
    assert page.locator("select[name=consulted] + .ts-wrapper input").is_visible()
    label = page.locator("label[for='id_consulted-ts-control']")
    assert label.inner_text() == "Consulted"
    page.fill("input[name=name]", "Payments")
    _pick(page, "select[name=consulted]", "cyr", "Cyril Chan")
    _pick(page, "select[name=consulted]", "dan", "Dana Diaz")
    _pick(page, "select[name=informed]", "eve", "Eve Ek")
    chips = page.locator("select[name=consulted] + .ts-wrapper .item")
    assert [t.replace("×", "").strip() for t in chips.all_inner_texts()] == [
        "Cyril Chan",
        "Dana Diaz",
    ]
    # Remove one again with its remove button (keyboard-free, no Ctrl).
    page.locator("select[name=consulted] + .ts-wrapper .item", has_text="Dana Diaz").locator(
        ".remove"
    ).click()
    page.click("h1")  # leave the picker: its list closes
    page.click("form:has(input[name=name]) button[type=submit]")
    page.wait_for_url(f"{url}/w/acme/decisions/framework/")
    domain = DecisionDomain.objects.get(workspace=ws, name="Payments")
    assert [p.name for p in domain.consulted.all()] == ["Cyril Chan"]
    assert [p.name for p in domain.informed.all()] == ["Eve Ek"]


def test_the_triage_group_and_a_persons_teams_are_searchable_too(page, signed_in):
    url, ws, team = signed_in
    save_domain(system_access(ws), "Architecture")
    page.goto(f"{url}/w/acme/settings/thresholds/")  # the triage group is edited in settings
    _pick(page, "select[name=triage_group]", "bo", "Bo Berg")
    page.click("form:has(select[name=triage_group]) button[type=submit]")
    page.wait_for_url(f"{url}/w/acme/settings/thresholds/")
    assert [p.name for p in settings_for(ws).triage_group.all()] == ["Bo Berg"]
    page.goto(f"{url}/w/acme/people/")
    page.fill("form:has(select[name=teams]) input[name=name]", "Finn Falk")
    _pick(page, "select[name=teams]", "pay", "Payments")
    page.click("form:has(select[name=teams]) button[type=submit]")
    page.wait_for_load_state("networkidle")
    finn = Person.objects.get(workspace=ws, name="Finn Falk")
    assert [t.name for t in finn.teams.all()] == ["Payments"]


def test_the_change_form_shows_the_field_its_scope_source_reads(page, signed_in):
    url, ws, team = signed_in
    page.goto(f"{url}/w/acme/changes/")
    form = page.locator("#change-form")
    shown = {
        "sprint": (),
        "epics": ("scope_epics",),
        "items": ("scope_items",),
        "manual": ("remaining_items",),
    }
    for source, names in shown.items():
        form.locator("select[name=scope_source]").select_option(source)
        for name in ("scope_epics", "scope_items", "remaining_items"):
            assert form.locator(f"[name={name}]").is_visible() == (name in names), (source, name)
    form.locator("input[name=title]").fill("Gift cards")
    form.locator("select[name=team]").select_option(label="Checkout")
    form.locator("input[name=added_items]").fill("5")
    form.locator("input[name=remaining_items]").fill("12")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{url}/w/acme/changes/*/")
    assert "12 items, entered by hand" in page.locator("[data-scope]").inner_text()
