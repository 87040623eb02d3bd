"""The API reads, changes and deletes milestones and benefits with the pages' rules: members
write, viewers read, another workspace's records are not found, bad input is a 422 naming the
field, the same body twice writes one audit event, and deleting a milestone keeps its benefits."""

from __future__ import annotations

import json

from leadline.outcomes.models import Benefit, BenefitPoint, Milestone
from leadline.workspaces.models import AuditEvent


def _call(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")  # fmt: skip


def _setup(ow, api):
    ws = f"/api/v1/workspaces/{ow.workspace.slug}"
    kpi = ow.kpi("Orders a day", unit="orders")
    m = _call(api, "post", f"{ws}/milestones", {"name": "Release 2", "target_date": "2027-03-01",
                                                "item_keys": ["NW-1"], "teams": ["checkout"]})  # fmt: skip
    assert m.status_code == 201
    b = _call(api, "post", f"{ws}/benefits", {
        "description": "More orders", "kpi": kpi.pk,
        "points": [{"date": "2026-07-01", "value": 100},
                   {"date": "2027-04-01", "value": 150, "milestone": m.json()["id"]}],
    })  # fmt: skip
    assert b.status_code == 201
    return ws, kpi, m.json()["id"], b.json()["id"]


def test_milestones_are_listed_read_changed_once_and_deleted_keeping_their_benefits(ow, api_for):
    api = api_for(ow.member)
    ws, _, mid, bid = _setup(ow, api)
    listed = _call(api, "get", f"{ws}/milestones").json()
    assert [(m["id"], m["name"], m["teams"]) for m in listed] == [(mid, "Release 2", ["checkout"])]
    assert listed[0]["problem"] == "no item NW-1 in this workspace"
    got = _call(api, "get", f"{ws}/milestones/{mid}").json()
    assert got["benefits"] == [{"id": bid, "description": "More orders", "disbenefit": False,
                                "dates": ["2027-04-01"]}]  # fmt: skip
    body = {"name": "Release 2", "target_date": "2027-03-15", "item_keys": ["NW-1"],
            "teams": ["checkout", "platform"]}  # fmt: skip
    events = AuditEvent.objects.filter(workspace=ow.workspace, object_type="milestone")
    before = events.count()
    for _ in range(2):
        r = _call(api, "put", f"{ws}/milestones/{mid}", body)
        assert r.status_code == 200 and r.json()["target_date"] == "2027-03-15"
        assert r.json()["teams"] == ["checkout", "platform"]
    assert events.count() == before + 1  # the second, identical PUT wrote nothing
    other = _call(api, "post", f"{ws}/milestones", {"name": "Release 3", "target_date":
                                                    "2027-06-01", "epic_key": "NW-9"}).json()  # fmt: skip
    r = _call(api, "delete", f"{ws}/milestones/{mid}?move_to={other['id']}")
    assert r.status_code == 200
    assert r.json() == {"id": mid, "name": "Release 2", "moved_to": other["id"], "benefits": [
        {"id": bid, "description": "More orders", "disbenefit": False, "dates": ["2027-04-01"]}]}  # fmt: skip
    assert list(BenefitPoint.objects.filter(benefit_id=bid).order_by("day")
                .values_list("milestone", flat=True)) == [None, other["id"]]  # fmt: skip
    r = _call(api, "delete", f"{ws}/milestones/{other['id']}")
    assert r.json()["moved_to"] is None and r.json()["benefits"][0]["id"] == bid
    assert BenefitPoint.objects.filter(benefit_id=bid).count() == 2
    assert _call(api, "get", f"{ws}/milestones/{mid}").status_code == 404


def test_a_benefit_is_read_replaced_and_deleted(ow, api_for):
    api = api_for(ow.member)
    ws, kpi, mid, bid = _setup(ow, api)
    got = _call(api, "get", f"{ws}/benefits/{bid}").json()
    assert [m["id"] for m in got["milestones"]] == [mid]
    assert got["expected"][1] == {"date": "2027-04-01", "value": 150.0, "milestone": mid}
    body = {"description": "More orders", "kpi": kpi.pk, "disbenefit": True,
            "points": [{"date": "2026-07-01", "value": 100}]}  # fmt: skip
    events = AuditEvent.objects.filter(workspace=ow.workspace, object_type="benefit")
    before = events.count()
    for _ in range(2):
        r = _call(api, "put", f"{ws}/benefits/{bid}", body)
        assert r.status_code == 200 and r.json()["disbenefit"] is True
        assert r.json()["at_risk"] is None and r.json()["milestones"] == []
    assert events.count() == before + 1
    # Leaving the expected values out is refused: a PUT must not drop the curve unnoticed.
    r = _call(api, "put", f"{ws}/benefits/{bid}", {"description": "X", "kpi": kpi.pk})
    assert r.status_code == 422 and "points" in r.json()["errors"]
    assert Benefit.objects.get(pk=bid).description == "More orders"
    assert _call(api, "delete", f"{ws}/benefits/{bid}").status_code == 204
    assert not Benefit.objects.filter(pk=bid).exists() and kpi.values.count() == 0
    assert ow.workspace.kpis.filter(pk=kpi.pk).exists()


def test_absurd_input_is_a_422_naming_the_field_and_changes_nothing(ow, api_for):
    api = api_for(ow.member)
    ws, kpi, mid, bid = _setup(ow, api)
    r = _call(api, "put", f"{ws}/milestones/{mid}", {"name": "Release 2", "target_date":
                                                     "9999-12-31", "epic_key": "E-1"})  # fmt: skip
    assert r.status_code == 422
    assert "outside the dates Leadline accepts" in r.json()["errors"]["target_date"][0]
    r = _call(api, "put", f"{ws}/benefits/{bid}", {"description": "More orders", "kpi": kpi.pk,
                                                   "points": [{"date": "2027-01-01",
                                                               "value": 1e300}]})  # fmt: skip
    assert r.status_code == 422 and list(r.json()["errors"]) == ["points.0.value"]
    r = _call(api, "put", f"{ws}/benefits/{bid}", {"description": "More orders", "kpi": kpi.pk,
                                                   "points": [{"date": "2027-01-01", "value": 1,
                                                               "milestone": 999_999}]})  # fmt: skip
    assert r.status_code == 422 and "points[0].milestone" in r.json()["errors"]
    r = _call(api, "delete", f"{ws}/milestones/{mid}?move_to={mid}")
    assert r.status_code == 422 and "move_to" in r.json()["errors"]
    r = _call(api, "delete", f"{ws}/milestones/{mid}?move_to=999999")
    assert r.status_code == 422 and "move_to" in r.json()["errors"]
    assert Milestone.objects.get(pk=mid).target_date.isoformat() == "2027-03-01"
    assert BenefitPoint.objects.filter(benefit_id=bid).count() == 2


def test_viewers_read_and_other_workspaces_do_not_reach_the_records(ow, api_for, make_user):
    from leadline.workspaces.services import set_membership

    ws, kpi, mid, bid = _setup(ow, api_for(ow.member))
    viewer = api_for(ow.viewer)
    assert _call(viewer, "get", f"{ws}/milestones").status_code == 200
    assert _call(viewer, "get", f"{ws}/milestones/{mid}").status_code == 200
    assert _call(viewer, "get", f"{ws}/benefits/{bid}").status_code == 200
    put_m = {"name": "X", "target_date": "2027-01-01", "epic_key": "E"}
    put_b = {"description": "X", "kpi": kpi.pk, "points": []}
    assert _call(viewer, "put", f"{ws}/milestones/{mid}", put_m).status_code == 403
    assert _call(viewer, "put", f"{ws}/benefits/{bid}", put_b).status_code == 403
    assert _call(viewer, "delete", f"{ws}/milestones/{mid}").status_code == 403
    assert _call(viewer, "delete", f"{ws}/benefits/{bid}").status_code == 403
    stranger = make_user("stranger")
    set_membership(ow.other, stranger, "owner")
    outsider = api_for(stranger)
    theirs = f"/api/v1/workspaces/{ow.other.slug}"
    for base in (ws, theirs):
        assert _call(outsider, "get", f"{base}/milestones/{mid}").status_code == 404
        assert _call(outsider, "get", f"{base}/benefits/{bid}").status_code == 404
        assert _call(outsider, "put", f"{base}/milestones/{mid}", put_m).status_code == 404
        assert _call(outsider, "delete", f"{base}/milestones/{mid}").status_code == 404
        assert _call(outsider, "delete", f"{base}/benefits/{bid}").status_code == 404
    assert _call(outsider, "get", f"{theirs}/milestones").json() == []
    assert Milestone.objects.get(pk=mid).name == "Release 2" and Benefit.objects.get(pk=bid)
