"""Rater feedback: nothing is shown below three raters, a mean from three, never a rater's
name with a score; a note where the self-rating sits a level or more above the raters."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from leadline.competency import services
from leadline.competency.models import RaterScore


def _ask(cw, a, n):
    services.invite(cw.access(cw.me), cw.me, a, [r.username for r in cw.raters[:n]])


def _answer(cw, a, rater, **levels):
    services.answer(
        cw.access(rater), rater, a.pk, {k.replace("_", "-"): v for k, v in levels.items()}
    )


def test_two_raters_show_nothing_and_say_so(cw):
    a = cw.assessment(communication=5)
    _ask(cw, a, 3)
    _answer(cw, a, cw.raters[0], communication=2)
    _answer(cw, a, cw.raters[1], communication=3)
    out = services.assessment_out(cw.access(cw.me), cw.me, a)
    row = next(r for r in out["ratings"] if r["competency"] == "communication")
    assert out["raters"]["shown"] is False and row["raters_mean"] is None
    assert "2 of 3 raters answered" in out["raters"]["note"]
    assert "at least 3" in out["raters"]["note"]
    assert all(c["raters_mean"] is None for c in out["cornerstones"])


def test_three_raters_show_their_mean_and_the_generous_self_rating_note(cw, client_for):
    a = cw.assessment(communication=5, developing_talent=3)
    _ask(cw, a, 3)
    for rater, level in zip(cw.raters, (2, 3, 4), strict=False):
        _answer(cw, a, rater, communication=level, developing_talent=3)
    out = services.assessment_out(cw.access(cw.me), cw.me, a)
    rows = {r["competency"]: r for r in out["ratings"]}
    assert out["raters"]["shown"] is True
    assert rows["communication"]["raters_mean"] == 3.0 and rows["communication"]["above_raters"]
    assert rows["developing-talent"]["raters_mean"] == 3.0
    assert not rows["developing-talent"]["above_raters"]
    page = (
        client_for(cw.me).get(f"/w/{cw.workspace.slug}/people/competency/{a.pk}/").content.decode()
    )
    assert "data-above-note" in page and "Raters&#x27; mean" in page


def test_a_competency_fewer_than_three_raters_scored_shows_no_mean(cw):
    a = cw.assessment(communication=3, legal=2)
    _ask(cw, a, 3)
    _answer(cw, a, cw.raters[0], communication=3, legal=1)
    _answer(cw, a, cw.raters[1], communication=3)
    _answer(cw, a, cw.raters[2], communication=4)
    rows = {
        r["competency"]: r for r in services.assessment_out(cw.access(cw.me), cw.me, a)["ratings"]
    }
    assert rows["communication"]["raters_mean"] == 3.3
    assert rows["legal"]["raters_mean"] is None


def test_scores_keep_no_rater_and_a_rater_answers_once(cw, api_for):
    a = cw.assessment(communication=3)
    _ask(cw, a, 3)
    api = api_for(cw.raters[0])
    url = f"/api/v1/workspaces/{cw.workspace.slug}/competency/assessments/{a.pk}/feedback"
    assert (
        api.post(url, {"scores": {"communication": 4}}, content_type="application/json").status_code
        == 204
    )
    again = api.post(url, {"scores": {"communication": 1}}, content_type="application/json")
    assert again.status_code == 422 and "already" in again.content.decode()
    fields = {f.name for f in RaterScore._meta.get_fields()}
    assert fields == {"id", "assessment", "competency", "level"}
    # What the person reads names raters only as "who was asked", never beside a score.
    for r in cw.raters[1:3]:
        _answer(cw, a, r, communication=2)
    body = (
        api_for(cw.me)
        .get(f"/api/v1/workspaces/{cw.workspace.slug}/competency/assessments/{a.pk}")
        .json()
    )
    for row in body["ratings"]:
        assert set(row) == {"competency", "cornerstone", "name", "level", "evidence",
                            "raters_mean", "above_raters"}  # fmt: skip
    assert "rater1" not in str(body["ratings"]) + str(body["raters"])


def test_someone_not_asked_cannot_rate(cw, api_for):
    a = cw.assessment()
    _ask(cw, a, 1)
    url = f"/api/v1/workspaces/{cw.workspace.slug}/competency/assessments/{a.pk}/feedback"
    r = api_for(cw.peer).post(
        url, {"scores": {"communication": 4}}, content_type="application/json"
    )
    assert r.status_code == 404


def test_raters_are_members_and_not_the_person(cw):
    a = cw.assessment()
    with pytest.raises(ValidationError) as err:
        services.invite(cw.access(cw.me), cw.me, a, ["mia"])
    assert "raters" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.invite(cw.access(cw.me), cw.me, a, ["ghost"])


def test_a_rater_answers_on_the_page_without_seeing_the_self_ratings(cw, client_for):
    a = cw.assessment(communication=5)
    from leadline.competency.models import Rating

    Rating.objects.filter(assessment=a).update(evidence="secret evidence")
    _ask(cw, a, 3)
    c = client_for(cw.raters[0])
    url = f"/w/{cw.workspace.slug}/people/competency/{a.pk}/rate/"
    page = c.get(url).content.decode()
    assert "Feedback for Mia Lead" in page and "secret evidence" not in page
    assert c.post(url, {"level_communication": "3"}).status_code == 302
    assert RaterScore.objects.filter(assessment=a, competency="communication", level=3).count() == 1
    assert (
        "already" not in c.get(url).content.decode()
        and "You have given" in c.get(url).content.decode()
    )


def test_each_rater_asked_is_told_in_their_own_notifications_once(cw):
    from leadline.notify.models import Notification

    a = cw.assessment()
    assert services.invite(cw.access(cw.me), cw.me, a, ["rater1", "rater2"]) == 2
    assert services.invite(cw.access(cw.me), cw.me, a, ["rater1"]) == 0
    notes = Notification.objects.filter(title__contains="asks for your feedback")
    assert sorted(n.user.username for n in notes) == ["rater1", "rater2"]
    assert notes[0].url.endswith(f"/people/competency/{a.pk}/rate/")
