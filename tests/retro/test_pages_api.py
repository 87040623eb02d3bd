"""The retrospective pages and API: the same services, the same access rules (members write
cards and vote, leads run the board, viewers read, other workspaces are not found)."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from leadline.retro import services
from leadline.retro.models import Card, Retro


def _post(client, url, **data):
    return client.post(url, data)


def test_a_lead_opens_a_board_on_the_page_and_a_member_writes_a_card(rw, client_for):
    lead = client_for(rw.lead)
    r = lead.post(f"/w/{rw.workspace.slug}/retros/", {"team": "checkout", "format": "sailboat",
                                                     "votes_per_person": 3})  # fmt: skip
    retro = Retro.objects.get(workspace=rw.workspace)
    assert r.status_code == 302 and r["Location"].endswith(f"/retros/{retro.pk}/")
    url = f"/w/{rw.workspace.slug}/retros/{retro.pk}/"
    page = lead.get(url).content.decode()
    assert "Still the right things?" in page and "Anchors" in page
    member = client_for(rw.member)
    member.post(
        url, {"op": "card", "column": "anchors", "text": "Flaky pipeline", "anonymous": "on"}
    )
    assert Card.objects.get(retro=retro).author_id is None
    assert "Flaky pipeline" in member.get(url).content.decode()
    assert 'rel="alternate"' in member.get(url)["Link"]


def test_a_member_cannot_run_the_board_and_a_viewer_cannot_post(rw, client_for):
    retro = rw.retro()
    url = f"/w/{rw.workspace.slug}/retros/{retro.pk}/"
    assert client_for(rw.member).post(url, {"op": "phase", "phase": "group"}).status_code == 403
    assert (
        client_for(rw.viewer).post(url, {"op": "card", "column": "liked", "text": "x"}).status_code
        == 403
    )
    assert client_for(rw.viewer).get(url).status_code == 200
    assert (
        client_for(rw.member)
        .post(f"/w/{rw.workspace.slug}/retros/", {"team": "checkout", "format": "4ls"})
        .status_code
        == 403
    )


def test_another_workspaces_board_is_not_found_on_pages_and_api(rw, make_user, client_for, api_for):
    retro = rw.retro()
    from leadline.workspaces.services import set_membership

    stranger = make_user("sue")
    set_membership(rw.other, stranger, "owner")
    assert client_for(stranger).get(f"/w/{rw.workspace.slug}/retros/{retro.pk}/").status_code == 404
    assert client_for(rw.lead).get(f"/w/{rw.other.slug}/retros/{retro.pk}/").status_code == 404
    api = api_for(rw.lead)
    assert api.get(f"/api/v1/workspaces/{rw.other.slug}/retros/{retro.pk}").status_code == 404


def test_the_live_part_answers_204_until_the_board_changes(rw, client_for):
    retro = rw.retro()
    c = client_for(rw.member)
    live = f"/w/{rw.workspace.slug}/retros/{retro.pk}/live/"
    v = Retro.objects.get(pk=retro.pk).version
    assert c.get(live, {"v": v, "phase": "write"}).status_code == 204
    services.add_card(rw.access(rw.lead), retro, rw.lead, column="liked", text="New card")
    changed = c.get(live, {"v": v, "phase": "write"})
    assert changed.status_code == 200 and "New card" in changed.content.decode()
    services.set_phase(rw.access(rw.lead), retro, rw.lead, "vote")
    assert c.get(live, {"v": v, "phase": "write"})["HX-Refresh"] == "true"


def test_the_api_runs_a_retro_end_to_end(rw, api_for):
    lead, member = api_for(rw.lead), api_for(rw.member)
    base = f"/api/v1/workspaces/{rw.workspace.slug}/retros"

    def post(client, path, body):
        return client.post(base + path, json.dumps(body), content_type="application/json")

    r = post(lead, "", {"team": "checkout", "format": "mad-sad-glad"})
    assert r.status_code == 201, r.content
    board = r.json()
    assert [c["key"] for c in board["columns"]] == ["mad", "sad", "glad", "alignment"]
    pk = board["id"]
    card = post(member, f"/{pk}/cards", {"column": "mad", "text": "Unclear AC", "anonymous": True})
    assert card.status_code == 201 and card.json()["author"] == ""
    card2 = post(member, f"/{pk}/cards", {"column": "sad", "text": "AC missing"}).json()
    assert post(member, f"/{pk}/phase", {"phase": "group"}).status_code == 403
    assert post(lead, f"/{pk}/phase", {"phase": "group"}).json()["phase"] == "group"
    g = post(
        lead,
        f"/{pk}/groups",
        {"title": "Acceptance criteria", "cards": [card.json()["id"], card2["id"]]},
    )
    assert g.status_code == 201
    post(lead, f"/{pk}/phase", {"phase": "vote"})
    assert post(member, f"/{pk}/votes", {"group": g.json()["id"]}).json() == {"votes_left": 2}
    r = member.delete(base + f"/{pk}/votes", json.dumps({"group": g.json()["id"]}),
                      content_type="application/json")  # fmt: skip
    assert r.json() == {"votes_left": 3}
    post(lead, f"/{pk}/phase", {"phase": "actions"})
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    owner = rw.people["Max"].pk
    for n in range(3):
        assert (
            post(
                lead, f"/{pk}/actions", {"title": f"A{n}", "owner": owner, "due_on": due}
            ).status_code
            == 201
        )
    fourth = post(lead, f"/{pk}/actions", {"title": "A3", "owner": owner, "due_on": due})
    assert fourth.status_code == 422 and "actions" in fourth.json()["errors"]
    open_ = lead.get(base + "/actions?team=checkout").json()
    assert [a["title"] for a in open_] == ["A0", "A1", "A2"] and open_[0]["age_days"] == 0
    drop = post(lead, f"/actions/{open_[0]['id']}/drop", {"reason": "Overtaken"})
    assert drop.json()["status"] == "dropped"
    assert post(lead, f"/actions/{open_[1]['id']}/done", {}).json()["status"] == "done"
    assert [a["title"] for a in lead.get(base).json()] == [board["title"]]
    assert lead.get(base + "/themes").json() == []
    bad = post(lead, "", {"team": "checkout", "format": "4ls", "votes_per_person": 99})
    assert bad.status_code == 422 and "votes_per_person" in bad.json()["errors"]


def test_the_home_page_lists_retro_actions_past_their_due_date(rw, client_for):
    from leadline.retro import actions

    retro = rw.retro(phase="actions", held_on=timezone.localdate() - timedelta(days=21))
    actions.add_action(rw.access(rw.lead), retro, rw.lead, title="Automate the release notes",
                       owner=rw.people["Max"].pk, due_on=timezone.localdate() - timedelta(days=7),
                       now=timezone.now() - timedelta(days=21))  # fmt: skip
    today = client_for(rw.lead).get(f"/api/v1/workspaces/{rw.workspace.slug}/today?for=everyone")
    sections = {s["key"]: s for s in today.json()["sections"]}
    entry = sections["retro-actions"]["entries"][0]
    assert entry["title"] == "Automate the release notes" and entry["days_late"] == 7
    page = client_for(rw.lead).get(f"/w/{rw.workspace.slug}/?for=everyone").content.decode()
    assert "Automate the release notes" in page
