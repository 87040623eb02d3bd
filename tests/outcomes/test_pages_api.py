"""The outcomes pages and API: the same services, the same access rules (members write, viewers
read, other workspaces are not found)."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from leadline.outcomes.models import Benefit, Kpi, KpiValue, Milestone


def _api(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")  # fmt: skip


def test_a_member_adds_a_kpi_on_the_page_and_the_scorecard_shows_it_shared(ow, client_for):
    member = client_for(ow.member)
    base = f"/w/{ow.workspace.slug}/outcomes/"
    r = member.post(base, {"name": "Time to delivery", "direction": "lower", "kind": "outcome",
                           "functions": [ow.product.pk, ow.it.pk], "source": "entered",
                           "unit": "days", "target_value": "5"})  # fmt: skip
    kpi = Kpi.objects.get(workspace=ow.workspace)
    assert r.status_code == 302 and r["Location"].endswith(f"/outcomes/kpis/{kpi.pk}/")
    member.post(f"{base}kpis/{kpi.pk}/", {"action": "value", "date": "2026-01-31", "value": "9"})
    page = member.get(base).content.decode()
    assert "Time to delivery" in page and "data-shared" in page and 'data-chart="kpi-' in page
    assert "On track: the latest value meets the target" in page
    assert 'rel="alternate"' in member.get(base)["Link"]
    assert "Outcomes: IT scorecard" in member.get(f"{base}?function={ow.it.pk}").content.decode()


def test_a_csv_import_on_the_page_reports_line_and_field(ow, client_for):
    kpi = ow.kpi("Adoption")
    member = client_for(ow.member)
    f = SimpleUploadedFile("v.csv", b"date,value\n2026-01-31,3\n2026-02-30,4\n", "text/csv")
    r = member.post(f"/w/{ow.workspace.slug}/outcomes/kpis/{kpi.pk}/",
                    {"action": "import", "file": f}, follow=True)  # fmt: skip
    text = r.content.decode()
    assert "Line 3, date:" in text and "Nothing was imported" in text
    assert not KpiValue.objects.filter(kpi=kpi).exists()


def test_a_viewer_reads_but_cannot_write(ow, client_for, api_for):
    kpi = ow.kpi("Adoption")
    viewer = client_for(ow.viewer)
    base = f"/w/{ow.workspace.slug}/outcomes/"
    for url in (base, f"{base}kpis/{kpi.pk}/", f"{base}benefits/"):
        assert viewer.get(url).status_code == 200
    assert viewer.post(base, {"name": "X", "direction": "higher", "kind": "outcome",
                              "source": "entered"}).status_code == 403  # fmt: skip
    assert viewer.post(f"{base}kpis/{kpi.pk}/", {"action": "delete"}).status_code == 403
    assert viewer.post(f"{base}benefits/", {"action": "milestone"}).status_code == 403
    api = api_for(ow.viewer)
    ws = f"/api/v1/workspaces/{ow.workspace.slug}"
    assert _api(api, "post", f"{ws}/kpis/{kpi.pk}/values",
                {"values": [{"date": "2026-01-01", "value": 1}]}).status_code == 403  # fmt: skip
    assert _api(api, "post", f"{ws}/kpis", {"name": "X"}).status_code == 403
    assert _api(api, "get", f"{ws}/kpis").status_code == 200
    assert Kpi.objects.filter(workspace=ow.workspace).count() == 1


def test_another_workspaces_kpis_are_not_found(ow, make_user, client_for, api_for):
    from leadline.workspaces.services import set_membership

    kpi = ow.kpi("Adoption")
    stranger = make_user("sue")
    set_membership(ow.other, stranger, "owner")
    assert client_for(stranger).get(f"/w/{ow.workspace.slug}/outcomes/").status_code == 404
    # Their own workspace does not reach another's KPI by id either.
    assert (
        client_for(stranger).get(f"/w/{ow.other.slug}/outcomes/kpis/{kpi.pk}/").status_code == 404
    )
    api = api_for(stranger)
    assert _api(api, "get", f"/api/v1/workspaces/{ow.other.slug}/kpis/{kpi.pk}").status_code == 404
    assert _api(api, "post", f"/api/v1/workspaces/{ow.other.slug}/kpis/{kpi.pk}/values",
                {"values": [{"date": "2026-01-01", "value": 1}]}).status_code == 404  # fmt: skip
    assert _api(api, "get", f"/api/v1/workspaces/{ow.workspace.slug}/scorecards").status_code == 404


def test_the_api_pushes_values_idempotently_and_reads_the_scorecard(ow, api_for):
    api = api_for(ow.member)
    ws = f"/api/v1/workspaces/{ow.workspace.slug}"
    r = _api(api, "post", f"{ws}/kpis", {"name": "Adoption", "functions": ["Product", "IT"],
                                         "target_value": 50, "unit": "%"})  # fmt: skip
    assert r.status_code == 201 and r.json()["shared"] is True
    pk = r.json()["id"]
    body = {"values": [{"date": "2026-01-31", "value": 10}, {"date": "2026-02-28", "value": 20}]}
    assert _api(api, "post", f"{ws}/kpis/{pk}/values", body).json() == {
        "created": 2, "updated": 0, "unchanged": 0}  # fmt: skip
    assert _api(api, "post", f"{ws}/kpis/{pk}/values", body).json()["unchanged"] == 2
    values = _api(api, "get", f"{ws}/kpis/{pk}/values").json()
    assert values == [{"date": "2026-01-31", "value": 10.0}, {"date": "2026-02-28", "value": 20.0}]
    card = _api(api, "get", f"{ws}/scorecards?function=IT").json()
    assert card["level"] == "function" and card["rows"][0]["current"] == 20.0
    assert _api(api, "get", f"{ws}/scorecards?function=Nope").status_code == 422


def test_the_api_refuses_a_cycle_and_a_bad_csv_with_clear_errors(ow, api_for):
    api = api_for(ow.member)
    ws = f"/api/v1/workspaces/{ow.workspace.slug}"
    a = _api(api, "post", f"{ws}/kpis", {"name": "A"}).json()["id"]
    b = _api(api, "post", f"{ws}/kpis", {"name": "B", "contributes_to": a}).json()["id"]
    r = _api(api, "put", f"{ws}/kpis/{a}", {"name": "A", "contributes_to": b})
    assert r.status_code == 422 and "cycle" in r.content.decode()
    r = _api(api, "post", f"{ws}/kpi-values/import", {"csv": "kpi,date,value\nA,2026-01-01,x\n"})
    assert r.status_code == 422
    assert r.json()["errors"] == {"line 2: value": ["'x' is not a number."]}


def test_the_roadmap_page_and_api_show_milestones_and_benefits(ow, client_for, api_for):
    kpi = ow.kpi("Orders", unit="orders")
    member = client_for(ow.member)
    base = f"/w/{ow.workspace.slug}/outcomes/benefits/"
    r = member.post(base, {"action": "milestone", "name": "Release 2", "target_date": "2026-09-01",
                           "item_keys": "NOPE-1"})  # fmt: skip
    assert r.status_code == 302
    m = Milestone.objects.get(workspace=ow.workspace)
    r = member.post(base, {"action": "benefit", "description": "More orders", "kpi": kpi.pk,
                           "points": "2026-07-01,100\n2026-10-01,150,Release 2"})  # fmt: skip
    assert r.status_code == 302
    assert list(Benefit.objects.get().points.values_list("milestone", flat=True)) == [None, m.pk]
    page = member.get(base).content.decode()
    assert 'data-chart="benefit-' in page and "no item NOPE-1" in page
    data = api_for(ow.viewer).get(f"/api/v1/workspaces/{ow.workspace.slug}/benefits").json()
    assert data["benefits"][0]["expected"][1]["milestone"] == m.pk
    assert "at_risk" in data["definitions"]
