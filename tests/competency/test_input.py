"""Bad input gets named errors: a level of 9, absurd or past review dates, unknown
competencies, too much evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from leadline.competency import plan, services


def _api(cw, a, tail=""):
    return f"/api/v1/workspaces/{cw.workspace.slug}/competency/assessments/{a.pk}{tail}"


def test_a_level_outside_one_to_five_is_refused_everywhere(cw, api_for, client_for):
    a = cw.assessment()
    with pytest.raises(ValidationError) as err:
        services.rate(cw.access(cw.me), cw.me, a, [{"competency": "risk", "level": 9}])
    assert "9 is not a level" in err.value.message_dict["level"][0]
    r = api_for(cw.me).put(_api(cw, a, "/ratings"),
                           {"ratings": [{"competency": "risk", "level": 9}]},
                           content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "not a level" in r.content.decode()
    r = client_for(cw.me).post(f"/w/{cw.workspace.slug}/people/competency/{a.pk}/",
                               {"op": "ratings", "level_risk": "9"}, follow=True)  # fmt: skip
    assert "not a level" in r.content.decode()
    r = client_for(cw.me).post(f"/w/{cw.workspace.slug}/people/competency/{a.pk}/",
                               {"op": "ratings", "level_risk": "high"}, follow=True)  # fmt: skip
    assert "&#x27;high&#x27; is not a level" in r.content.decode()
    assert not a.ratings.exclude(level=None).exists()


def test_an_unknown_competency_is_named(cw):
    a = cw.assessment()
    with pytest.raises(ValidationError) as err:
        services.rate(cw.access(cw.me), cw.me, a, [{"competency": "juggling", "level": 3}])
    assert "juggling" in err.value.message_dict["competency"][0]


def test_absurd_and_past_review_dates_are_refused(cw, api_for):
    a = cw.assessment()
    now = datetime(2026, 3, 2, tzinfo=UTC)
    for bad, words in ((date(3026, 1, 1), "outside the dates"), (date(2026, 1, 1), "has passed")):
        with pytest.raises(ValidationError) as err:
            plan.add_goal(cw.access(cw.me), cw.me, a, competency="risk", text="x",
                              review_on=bad, now=now)  # fmt: skip
        assert words in err.value.message_dict["review_on"][0]
    r = api_for(cw.me).post(_api(cw, a, "/goals"),
                            {"competency": "risk", "text": "x", "review_on": "9999-12-31"},
                            content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "review_on" in r.content.decode()


def test_too_long_evidence_is_refused(cw):
    a = cw.assessment()
    with pytest.raises(ValidationError) as err:
        services.rate(cw.access(cw.me), cw.me, a,
                      [{"competency": "risk", "level": 3, "evidence": "x" * 4001}])  # fmt: skip
    assert "4,000 characters" in err.value.message_dict["evidence"][0]


def test_a_viewer_cannot_start_an_assessment(cw, client_for, api_for):
    r = client_for(cw.viewer).post(f"/w/{cw.workspace.slug}/people/competency/", {"title": "x"})
    assert r.status_code == 403
    r = api_for(cw.viewer).post(f"/api/v1/workspaces/{cw.workspace.slug}/competency/assessments",
                                {"title": "x"}, content_type="application/json")  # fmt: skip
    assert r.status_code == 403
