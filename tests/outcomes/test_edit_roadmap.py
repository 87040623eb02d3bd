"""Milestones and benefits are edited and deleted on their own pages: a save that changes nothing
writes nothing (no audit event), deleting a milestone never loses a benefit, absurd input is a
clear error naming the field, and the roles are those of adding them."""

from __future__ import annotations

from django.test import Client

from leadline.outcomes import plans, roadmap
from leadline.outcomes.forms import BenefitForm, MilestoneForm, benefit_initial, milestone_initial
from leadline.outcomes.models import Benefit, BenefitPoint, Kpi, Milestone
from leadline.workspaces.models import AuditEvent


def _events(ws, kind: str | None = None) -> list[AuditEvent]:
    rows = AuditEvent.objects.filter(workspace=ws).order_by("id")
    return list(rows.filter(object_type=kind) if kind else rows)


def _roadmap(ow):
    """Two milestones and a benefit whose later expected values hang on the first."""
    kpi = ow.kpi("Orders a day", unit="orders")
    release = plans.create_milestone(ow.access, {"name": "Release 2, phase 1", "target_date":
                                                 "2027-03-01", "item_keys": "NW-1\nNW-2",
                                                 "teams": ["checkout", "platform"]})  # fmt: skip
    other = plans.create_milestone(ow.access, {"name": "Release 3", "target_date": "2027-06-01",
                                               "epic_key": "NW-9"})  # fmt: skip
    benefit = plans.create_benefit(ow.access, {
        "description": "More orders", "kpi": kpi.pk, "outcome": "Orders grow",
        "points": [("2026-07-01", 100, None), ("2027-04-01", 1234567.891, release.pk),
                   ("2027-09-01", 0.1, release.pk)],
    })  # fmt: skip
    return kpi, release, other, benefit


def test_saving_a_milestone_or_a_benefit_as_it_is_writes_no_row_and_no_audit_event(ow):
    kpi, release, _, benefit = _roadmap(ow)
    before = len(_events(ow.workspace))
    # The page's own form, filled in from the stored record and sent back as it is.
    m_form = MilestoneForm(dict(milestone_initial(release), teams=["platform", "checkout"]),
                           workspace=ow.workspace)  # fmt: skip
    assert m_form.is_valid(), m_form.errors
    assert plans.update_milestone(ow.access, release, dict(m_form.cleaned_data), ow.lead) == {}
    b_form = BenefitForm(benefit_initial(benefit), workspace=ow.workspace)
    assert b_form.is_valid(), b_form.errors
    assert plans.update_benefit(ow.access, benefit, dict(b_form.cleaned_data), ow.lead) == {}
    assert len(_events(ow.workspace)) == before
    # Every digit of a stored value survives the round trip through the form's text.
    assert "2027-04-01,1234567.891,Release 2, phase 1" in b_form.data["points"]
    assert sorted(benefit.points.values_list("value", flat=True)) == [0.1, 100.0, 1234567.891]
    # A change is audited with what it was and what it became.
    changes = plans.update_milestone(ow.access, release, {"target_date": "2027-03-15",
                                                          "teams": ["checkout"]}, ow.lead)  # fmt: skip
    assert changes == {"target_date": ["2027-03-01", "2027-03-15"],
                       "teams": [["checkout", "platform"], ["checkout"]]}  # fmt: skip
    event = _events(ow.workspace)[-1]
    assert (event.action, event.object_type, event.changes) == ("updated", "milestone", changes)
    changes = plans.update_benefit(ow.access, benefit, {"disbenefit": True, "points": [
        ("2026-07-01", 100, None), ("2027-04-01", 150, release.pk)]}, ow.lead)  # fmt: skip
    assert changes["disbenefit"] == [False, True]
    assert changes["points"][1] == [["2026-07-01", 100.0, None],
                                    ["2027-04-01", 150.0, "Release 2, phase 1"]]  # fmt: skip
    assert Kpi.objects.get(pk=kpi.pk).benefits.get().points.count() == 2


def test_deleting_a_milestone_keeps_every_benefit_and_unties_its_expected_values(ow):
    _, release, _, benefit = _roadmap(ow)
    out = plans.delete_milestone(ow.access, release, ow.lead)
    assert out["moved_to"] is None and [b["id"] for b in out["benefits"]] == [benefit.pk]
    assert [str(d) for d in out["benefits"][0]["dates"]] == ["2027-04-01", "2027-09-01"]
    assert not Milestone.objects.filter(pk=release.pk).exists()
    # The benefit and all three expected values stay; the two tied ones are tied to nothing.
    points = list(Benefit.objects.get(pk=benefit.pk).points.order_by("day"))
    assert [(str(p.day), p.value, p.milestone_id) for p in points] == [
        ("2026-07-01", 100.0, None), ("2027-04-01", 1234567.891, None),
        ("2027-09-01", 0.1, None)]  # fmt: skip
    # Said in the benefit's audit trail as well as the milestone's.
    said = {(e.object_type, e.action): e.summary for e in _events(ow.workspace)}
    assert "no longer tied to a milestone: milestone Release 2, phase 1 deleted" in said[
        ("benefit", "updated")]  # fmt: skip
    assert said[("milestone", "deleted")].startswith("Deleted milestone Release 2, phase 1")


def test_deleting_a_milestone_can_tie_its_benefits_values_to_another(ow):
    _, release, other, benefit = _roadmap(ow)
    out = plans.delete_milestone(ow.access, release, ow.lead, move_to=other)
    assert out["moved_to"] == other.pk
    tied = BenefitPoint.objects.filter(benefit=benefit).values_list("milestone", flat=True)
    assert sorted(tied, key=str) == sorted([None, other.pk, other.pk], key=str)
    assert roadmap.tied_benefits(other)[0]["id"] == benefit.pk


def test_a_kpi_that_measures_a_benefit_is_not_deleted_with_it(ow, client_for):
    kpi, _, _, benefit = _roadmap(ow)
    r = client_for(ow.member).post(f"/w/{ow.workspace.slug}/outcomes/kpis/{kpi.pk}/",
                                   {"action": "delete"}, follow=True)  # fmt: skip
    assert r.status_code == 200
    assert "measures 1 benefit(s) on the roadmap (&#x27;More orders&#x27;)" in r.content.decode()
    assert Kpi.objects.filter(pk=kpi.pk).exists() and Benefit.objects.filter(pk=benefit.pk).exists()


def test_a_member_edits_a_milestone_from_the_roadmap_and_an_unchanged_save_says_so(ow, client_for):
    _, release, _, benefit = _roadmap(ow)
    member = client_for(ow.member)
    base = f"/w/{ow.workspace.slug}/outcomes/"
    roadmap_page = member.get(f"{base}benefits/").content.decode()
    assert f'href="{base}milestones/{release.pk}/"' in roadmap_page
    assert f'href="{base}benefits/{benefit.pk}/"' in roadmap_page
    page = member.get(f"{base}milestones/{release.pk}/")
    text = page.content.decode()
    assert "data-edit-milestone" in text and "More orders" in text and "Apr 2027" in text
    assert page["Link"].startswith(f"</api/v1/workspaces/{ow.workspace.slug}/milestones/")
    form = {"name": "Release 2, phase 1", "target_date": "2027-03-01", "item_keys": "NW-1\nNW-2",
            "teams": ["checkout", "platform"]}  # fmt: skip
    events = len(_events(ow.workspace))
    r = member.post(f"{base}milestones/{release.pk}/", form, follow=True)
    assert "Nothing changed" in r.content.decode() and len(_events(ow.workspace)) == events
    r = member.post(f"{base}milestones/{release.pk}/", {**form, "name": "Release 2"}, follow=True)
    assert "Saved: name changed." in r.content.decode()
    assert Milestone.objects.get(pk=release.pk).name == "Release 2"
    assert len(_events(ow.workspace)) == events + 1


def test_absurd_dates_and_numbers_are_errors_naming_the_field_and_change_nothing(ow, client_for):
    _, release, _, benefit = _roadmap(ow)
    member = client_for(ow.member)
    base = f"/w/{ow.workspace.slug}/outcomes/"
    r = member.post(f"{base}milestones/{release.pk}/", {"name": "Release 2", "target_date":
                                                        "9999-12-31", "epic_key": "NW-1"})  # fmt: skip
    assert r.status_code == 200 and "9999-12-31 is outside the dates Leadline accepts" in (
        r.content.decode())  # fmt: skip
    r = member.post(f"{base}benefits/{benefit.pk}/", {
        "description": "More orders", "kpi": benefit.kpi_id,
        "points": "9999-01-01,5\n2027-01-01,1e300\n2027-02-30,4\n2027-03-01,7,Nope",
    })  # fmt: skip
    text = r.content.decode()
    assert r.status_code == 200
    assert "Line 1, date: 9999-01-01 is outside the dates Leadline accepts" in text
    assert "Line 2, value: Use a number from -1e+12 to 1e+12." in text
    assert "Line 3, date: &#x27;2027-02-30&#x27; is not a date (YYYY-MM-DD)." in text
    assert "Line 4, milestone: no milestone &#x27;Nope&#x27;." in text
    # The bad input is kept in the form to correct; nothing stored changed.
    assert "1e300" in text
    assert Milestone.objects.get(pk=release.pk).target_date.isoformat() == "2027-03-01"
    assert benefit.points.count() == 3 and Benefit.objects.get(pk=benefit.pk).description == (
        "More orders")  # fmt: skip
    r = member.post(f"{base}milestones/{release.pk}/", {"name": "Release 3", "target_date":
                                                        "2027-01-01", "epic_key": "X"})  # fmt: skip
    assert "There is a milestone named &#x27;Release 3&#x27; already." in r.content.decode()


def test_deleting_asks_first_and_the_confirmation_says_what_happens_to_each_benefit(ow, client_for):
    _, release, other, benefit = _roadmap(ow)
    member = client_for(ow.member)
    base = f"/w/{ow.workspace.slug}/outcomes/"
    ask = member.get(f"{base}milestones/{release.pk}/delete/")
    text = ask.content.decode()
    assert ask.status_code == 200 and "More orders" in text
    assert "The benefits and their expected values are kept" in text
    assert Milestone.objects.filter(pk=release.pk).exists()  # asking deletes nothing
    r = member.post(f"{base}milestones/{release.pk}/delete/", {"move_to": str(other.pk)},
                    follow=True)  # fmt: skip
    assert "The expected values of 1 benefit(s) are tied to Release 3." in r.content.decode()
    assert not Milestone.objects.filter(pk=release.pk).exists()
    assert benefit.points.filter(milestone=other).count() == 2
    ask = member.get(f"{base}benefits/{benefit.pk}/delete/").content.decode()
    assert "its 3 expected values" in ask and "Orders a day" in ask
    r = member.post(f"{base}benefits/{benefit.pk}/delete/", follow=True)
    assert "Deleted the benefit More orders" in r.content.decode()
    assert not Benefit.objects.filter(pk=benefit.pk).exists()
    assert not BenefitPoint.objects.filter(benefit_id=benefit.pk).exists()
    assert Kpi.objects.filter(workspace=ow.workspace).count() == 1


def test_deleting_needs_the_csrf_token(ow, make_user):
    _, release, _, benefit = _roadmap(ow)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ow.member)
    base = f"/w/{ow.workspace.slug}/outcomes/"
    assert strict.post(f"{base}milestones/{release.pk}/delete/").status_code == 403
    assert strict.post(f"{base}benefits/{benefit.pk}/delete/").status_code == 403
    assert Milestone.objects.filter(pk=release.pk).exists()
    assert Benefit.objects.filter(pk=benefit.pk).exists()


def test_viewers_read_but_do_not_edit_and_other_workspaces_are_not_found(ow, client_for, make_user):
    from leadline.workspaces.services import set_membership

    _, release, _, benefit = _roadmap(ow)
    viewer = client_for(ow.viewer)
    base = f"/w/{ow.workspace.slug}/outcomes/"
    for url in (f"{base}milestones/{release.pk}/", f"{base}benefits/{benefit.pk}/"):
        page = viewer.get(url)
        assert page.status_code == 200 and "data-edit-" not in page.content.decode()
        assert viewer.post(url, {"name": "X", "description": "X"}).status_code == 403
        assert viewer.get(f"{url}delete/").status_code == 403
        assert viewer.post(f"{url}delete/").status_code == 403
    assert Milestone.objects.get(pk=release.pk).name == "Release 2, phase 1"
    assert Benefit.objects.filter(pk=benefit.pk).exists()
    stranger = make_user("stranger")
    set_membership(ow.other, stranger, "owner")
    outsider = client_for(stranger)
    for url in (f"milestones/{release.pk}/", f"benefits/{benefit.pk}/",
                f"milestones/{release.pk}/delete/", f"benefits/{benefit.pk}/delete/"):  # fmt: skip
        assert outsider.get(f"{base}{url}").status_code == 404
        # Their own workspace does not reach another's record by its id either.
        assert outsider.get(f"/w/{ow.other.slug}/outcomes/{url}").status_code == 404
        assert outsider.post(f"/w/{ow.other.slug}/outcomes/{url}").status_code == 404
    assert Milestone.objects.filter(pk=release.pk).exists()


def test_saving_a_kpi_as_it_is_writes_no_audit_event_and_says_so(ow, client_for):
    from leadline.outcomes.forms import kpi_initial

    other = ow.kpi("Orders a week", unit="orders")
    kpi = ow.kpi("Orders a day", unit="orders", target_value=120, target_date="2027-03-01",
                 teams=["checkout"], conflicts_with=[other.pk])  # fmt: skip
    member = client_for(ow.member)
    url = f"/w/{ow.workspace.slug}/outcomes/kpis/{kpi.pk}/"
    form = {k: ("" if v is None else v) for k, v in kpi_initial(kpi).items()}
    form["action"] = "edit"
    events = len(_events(ow.workspace))
    r = member.post(url, form, follow=True)
    assert "Nothing changed" in r.content.decode()
    assert len(_events(ow.workspace)) == events
    r = member.post(url, {**form, "target_value": "150", "teams": ["checkout", "platform"]},
                    follow=True)  # fmt: skip
    assert "Saved: target value, teams changed." in r.content.decode()
    (event,) = _events(ow.workspace)[events:]
    assert event.changes == {"target_value": [120.0, 150.0],
                             "teams": [["checkout"], ["checkout", "platform"]]}  # fmt: skip
