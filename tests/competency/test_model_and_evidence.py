"""The model as versioned data (owners edit a copy; assessments keep their version) and the
evidence prompts drawn from the person's own data, with numbers and links."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from leadline.competency import catalog, evidence, services


def test_the_shipped_model_has_the_four_cornerstones_and_five_levels_each():
    data = catalog.shipped()
    assert [c["key"] for c in data["cornerstones"]] == ["craft", "delivery", "business", "people"]
    comps = catalog.competencies(data)
    assert len(comps) == 1 + 17 + 7 + 6
    assert all(len(c["levels"]) == 5 for _, c in comps.values())
    names = {c["name"] for _, c in comps.values()}
    assert {"Forecasting and predictability", "IT operations and day-2 support", "Legal",
            "Team building and collaboration"} <= names  # fmt: skip


def test_an_owner_edit_is_a_new_version_and_old_assessments_keep_theirs(cw, client_for, api_for):
    a = cw.assessment(risk=3)
    assert a.model.number == 1
    with pytest.raises(PermissionDenied):
        services.edit_competency(cw.access(cw.me), cw.me, "risk", name="Risk", summary="",
                                 levels=["a", "b", "c", "d", "e"])  # fmt: skip
    url = f"/w/{cw.workspace.slug}/people/competency/model/"
    c = client_for(cw.owner)
    assert "Edit" in c.get(url + "?edit=risk").content.decode()
    r = c.post(url, {"key": "risk", "name": "Risk and issue management", "summary": "s",
                     **{f"level_{i}": f"Level {i} behaviour" for i in range(1, 6)}})  # fmt: skip
    assert r.status_code == 302
    new = services.current_model(cw.workspace)
    assert (
        new.number == 2
        and catalog.competencies(new.data)["risk"][1]["name"] == "Risk and issue management"
    )
    a.refresh_from_db()
    assert a.model.number == 1
    assert catalog.competencies(a.model.data)["risk"][1]["name"] == "Risk management"
    body = api_for(cw.me).get(f"/api/v1/workspaces/{cw.workspace.slug}/competency/model").json()
    assert body["number"] == 2
    # A member cannot post the edit form.
    assert client_for(cw.peer).post(url, {"key": "risk"}).status_code == 403
    # The API names a bad edit.
    r = api_for(cw.owner).put(f"/api/v1/workspaces/{cw.workspace.slug}/competency/model/risk",
                              {"name": "Risk", "levels": ["a", "b"]}, content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "levels" in r.content.decode()


def test_evidence_prompts_carry_the_persons_own_numbers_and_links(cw):
    from leadline.decisions.models import Decision, DecisionDomain
    from leadline.raid.models import RaidItem
    from leadline.retro.models import Action, Retro
    from leadline.workspaces.models import Person

    now = timezone.now()
    today = timezone.localdate()
    domain = DecisionDomain.objects.create(workspace=cw.workspace, name="Architecture",
                                           decider_person=cw.person)  # fmt: skip
    for hours in (24, 72):
        d = Decision.objects.create(workspace=cw.workspace, title=f"Pick a queue {hours}",
                                    routed_kind="person", routed_name="Mia", due_at=now,
                                    created_at=now - timedelta(hours=hours),
                                    decided_at=now, status="decided")  # fmt: skip
        d.domains.set([domain])
    RaidItem.objects.create(workspace=cw.workspace, kind="risk", title="Vendor sunset",
                            owner=cw.person, created_at=now - timedelta(days=10))  # fmt: skip
    RaidItem.objects.create(workspace=cw.workspace, kind="issue", title="Flaky build",
                            owner=cw.person, status="closed", created_at=now - timedelta(days=8),
                            closed_at=now - timedelta(days=2))  # fmt: skip
    someone = Person.objects.create(workspace=cw.workspace, name="Not Mia")
    RaidItem.objects.create(workspace=cw.workspace, kind="risk", title="Not mine", owner=someone)
    retro = Retro.objects.create(workspace=cw.workspace, team=cw.team, title="R", format="4ls",
                                 held_on=today)  # fmt: skip
    for status, due in (("done", today), ("open", today - timedelta(days=3)), ("dropped", today)):
        Action.objects.create(workspace=cw.workspace, retro=retro, team=cw.team, title=status,
                              owner=cw.person, due_on=due, status=status)  # fmt: skip
    got = {e["source"]: e for e in evidence.evidence_for(cw.workspace, cw.me, today)}
    assert "2 decided, in a median of 2 days" in got["decisions"]["text"]
    assert "the slowest: Pick a queue 72 (3 days)" in got["decisions"]["text"]
    assert got["decisions"]["url"].startswith(f"/w/{cw.workspace.slug}/decisions/")
    assert (
        "You own 2 RAID items: 1 open (median age 10 days, oldest 10 days), 1 closed (in a median of 6 days); 1 of them risks"
        in got["raid"]["text"]
    )
    assert got["raid"]["url"].endswith(f"?owner={cw.person.pk}")
    assert "3 retrospective actions: 1 done, 1 dropped, 1 open (1 past due)" in got["retro"]["text"]
    assert (
        got["forecasts"]["competency"] == "forecasting" and "Checkout" in got["forecasts"]["text"]
    )
    assert got["forecasts"]["url"].endswith("?team=checkout")


def test_without_a_linked_person_the_prompt_says_how_to_link(cw):
    got = evidence.evidence_for(cw.workspace, cw.peer, date.today())
    assert got[0]["source"] == "account" and "Settings" in got[0]["text"]


def test_the_page_shows_radars_and_history(cw, client_for):
    first = cw.assessment(risk=2, communication=3, craft=3)
    c = client_for(cw.me)
    r = c.post(f"/w/{cw.workspace.slug}/people/competency/", {"title": "Autumn"})
    second = first.__class__.objects.exclude(pk=first.pk).get()
    assert r["Location"].endswith(f"/people/competency/{second.pk}/")
    # The previous ratings were carried into the new assessment.
    assert second.ratings.get(competency="risk").level == 2
    page = c.get(r["Location"]).content.decode()
    assert page.count("<svg") == 4 and 'data-radar="Delivery excellence"' in page
    assert "data-history" in page and "Spring" in page
    assert "Before (Spring)" in page
    home = c.get(f"/w/{cw.workspace.slug}/people/competency/").content.decode()
    assert "Autumn" in home and "Spring" in home


def test_the_prompts_show_on_the_own_page_and_api_only(cw, client_for, api_for):
    from leadline.raid.models import RaidItem

    RaidItem.objects.create(
        workspace=cw.workspace, kind="risk", title="Vendor sunset", owner=cw.person
    )
    a = cw.assessment(risk=3)
    page = (
        client_for(cw.me).get(f"/w/{cw.workspace.slug}/people/competency/{a.pk}/").content.decode()
    )
    assert 'data-prompt="raid"' in page and f"?owner={cw.person.pk}" in page
    url = f"/api/v1/workspaces/{cw.workspace.slug}/competency/assessments/{a.pk}/evidence"
    assert [e["source"] for e in api_for(cw.me).get(url).json()] == ["forecasts", "raid"]
    services.share(cw.access(cw.me), cw.me, a, "pete")
    assert api_for(cw.peer).get(url).status_code == 403
    shared = (
        client_for(cw.peer)
        .get(f"/w/{cw.workspace.slug}/people/competency/{a.pk}/")
        .content.decode()
    )
    assert "data-prompt" not in shared and "Vendor sunset" not in shared
