"""Private by default: only the person and whom they share with read an assessment; a peer, the
workspace's owner and another workspace get a 404 on pages and API until it is shared."""

from __future__ import annotations

import pytest
from django.http import Http404

from leadline.competency import services


def _page(cw, a):
    return f"/w/{cw.workspace.slug}/people/competency/{a.pk}/"


def _api(cw, a, ws=None):
    return f"/api/v1/workspaces/{(ws or cw.workspace).slug}/competency/assessments/{a.pk}"


def test_only_the_person_reads_their_assessment_until_they_share_it(cw, client_for, api_for):
    a = cw.assessment(communication=4)
    assert client_for(cw.me).get(_page(cw, a)).status_code == 200
    assert api_for(cw.me).get(_api(cw, a)).json()["ratings"]
    for someone in (cw.peer, cw.owner, cw.viewer):
        assert client_for(someone).get(_page(cw, a)).status_code == 404
        assert api_for(someone).get(_api(cw, a)).status_code == 404
        with pytest.raises(Http404):
            services.readable(cw.access(someone), someone, a.pk)


def test_after_sharing_the_chosen_people_read_it_and_only_they(cw, client_for, api_for):
    a = cw.assessment(communication=4)
    me = client_for(cw.me)
    r = me.post(_page(cw, a), {"op": "share", "user": "olga"})
    assert r.status_code == 302
    page = client_for(cw.owner).get(_page(cw, a))
    assert page.status_code == 200 and "shared with you (read only)" in page.content.decode()
    assert api_for(cw.owner).get(_api(cw, a)).json()["owner"] == "Mia Lead"
    # Shared with the owner, not with the peer.
    assert client_for(cw.peer).get(_page(cw, a)).status_code == 404
    # Reading is not changing: the owner it is shared with cannot rate or share it.
    r = api_for(cw.owner).put(_api(cw, a) + "/ratings", {"ratings": []},
                              content_type="application/json")  # fmt: skip
    assert r.status_code == 403
    # A reader sees neither whom else it is shared with nor who rated.
    body = api_for(cw.owner).get(_api(cw, a)).json()
    assert body["shared_with"] == [] and body["rater_names"] == [] and body["history"] == []
    # And sharing ends.
    assert api_for(cw.me).delete(_api(cw, a) + "/shares/olga").status_code == 200
    assert client_for(cw.owner).get(_page(cw, a)).status_code == 404


def test_another_workspace_never_finds_it(cw, client_for, api_for):
    a = cw.assessment(communication=4)
    # The person themselves, through the other workspace's address.
    assert client_for(cw.me).get(f"/w/{cw.other.slug}/people/competency/{a.pk}/").status_code == 404
    assert api_for(cw.me).get(_api(cw, a, cw.other)).status_code == 404
    # A stranger to the workspace.
    from django.contrib.auth import get_user_model

    sue = get_user_model().objects.create_user("sue", password="x" * 12)
    assert client_for(sue).get(_page(cw, a)).status_code == 404


def test_no_list_of_other_peoples_assessments(cw, api_for, client_for):
    cw.assessment(communication=4)
    for someone in (cw.owner, cw.peer):
        assert api_for(someone).get(
            f"/api/v1/workspaces/{cw.workspace.slug}/competency/assessments").json() == []  # fmt: skip
        page = client_for(someone).get(f"/w/{cw.workspace.slug}/people/competency/")
        assert "Spring" not in page.content.decode()


def test_sharing_needs_a_member_of_the_workspace(cw, api_for):
    a = cw.assessment()
    r = api_for(cw.me).post(_api(cw, a) + "/shares", {"user": "nobody"},
                            content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "nobody" in r.content.decode()


def test_a_workspace_with_assessments_can_be_deleted_but_not_a_model_version_in_use(cw):
    from django.db.models import RestrictedError

    from leadline.competency.models import Assessment, ModelVersion
    from leadline.workspaces.models import Workspace

    a = cw.assessment(communication=4)
    with pytest.raises(RestrictedError):
        a.model.delete()  # an assessment keeps the model version it was made with
    Workspace.objects.filter(pk=cw.workspace.pk).delete()
    assert not Assessment.objects.filter(pk=a.pk).exists()
    assert not ModelVersion.objects.filter(workspace_id=cw.workspace.pk).exists()
