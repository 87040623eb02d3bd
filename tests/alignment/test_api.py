"""The API: create and send a check, answer by token without an account, read the results."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from .conftest import START

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/acme/alignment-checks"


def _body(world, **extra):
    return {
        "title": "Kickoff",
        "team": "checkout",
        "closes_at": (START + timedelta(days=7)).isoformat(),
        "questions": [
            {"kind": "scope", "text": "In?", "items": ["A", "B"]},
            {"kind": "who_decides", "text": "Who decides the design?", "domain": "Architecture"},
        ],
        "audience": {"people": [world.people["Ann"].pk], "stakeholders": [world.people["Sam"].pk]},
        **extra,
    }


def _create(world, api_for):
    with time_machine.travel(START, tick=False):
        r = api_for(world.owner).post(BASE, _body(world), content_type="application/json")
    assert r.status_code == 201, r.content
    return r.json()


def test_a_lead_creates_a_check_and_gets_the_questions_and_one_link_each(world, api_for):
    out = _create(world, api_for)
    assert [q["kind"] for q in out["questions"]] == ["scope", "who_decides"]
    assert all(isinstance(q["id"], int) for q in out["questions"])
    refs = {(x["respondent"]["kind"], x["respondent"]["name"]) for x in out["links"]}
    assert refs == {("person", "Ann"), ("stakeholder", "Sam")}
    assert all(x["url"].endswith(f"/alignment/answer/{x['token']}/") for x in out["links"])


def test_a_stakeholder_answers_by_token_and_the_results_follow(world, api_for):
    out = _create(world, api_for)
    scope, who = (q["id"] for q in out["questions"])
    tokens = {x["respondent"]["name"]: x["token"] for x in out["links"]}
    anonymous = Client()
    with time_machine.travel(START + timedelta(days=1), tick=False):
        for name, value, decider in [("Sam", "in", "lead"), ("Ann", "out", world.people["Bo"].pk)]:
            r = anonymous.post(
                f"/api/v1/alignment/responses/{tokens[name]}",
                {"answers": [{"question": scope, "value": {"A": value, "B": "in"}},
                             {"question": who, "value": decider}]},
                content_type="application/json",
            )  # fmt: skip
            assert r.status_code == 200, r.content
        assert anonymous.get(f"/api/v1/alignment/responses/{tokens['Sam']}").json()["answers"] == {
            str(scope): {"A": "in", "B": "in"}, str(who): "lead",
        }  # fmt: skip
    lead = api_for(world.owner)
    hidden = lead.get(f"{BASE}/{out['id']}/results")
    assert hidden.status_code == 403
    assert lead.post(f"{BASE}/{out['id']}/show").status_code == 200
    res = {
        q["kind"]: q
        for q in api_for(world.viewer).get(f"{BASE}/{out['id']}/results").json()["questions"]
    }
    assert res["scope"]["contested_items"] == ["A"] and res["scope"]["disagreement"]
    assert res["scope"]["answers"] == {"A: in": 1, "B: in": 2, "A: out": 1}
    assert res["who_decides"]["measure"] == {"name": "distinct_deciders", "value": 2.0}
    # The framework says Bo decides architecture: Sam's "lead role" is the mismatch.
    assert res["who_decides"]["framework_mismatch"] == (
        "1 of 2 think the lead role decides; the framework says Bo"
    )


def test_a_tampered_or_expired_token_is_refused(world, api_for):
    out = _create(world, api_for)
    token = out["links"][0]["token"]
    anonymous = Client()
    body = {"answers": []}
    assert (
        anonymous.post(
            f"/api/v1/alignment/responses/{token}x", body, content_type="application/json"
        ).status_code
        == 404
    )
    with time_machine.travel(START + timedelta(days=8), tick=False):
        r = anonymous.post(
            f"/api/v1/alignment/responses/{token}", body, content_type="application/json"
        )
    assert r.status_code == 410 and "ask olga" in r.json()["detail"]


def test_viewers_cannot_create_and_other_workspaces_are_404(
    world, api_for, make_user, make_workspace
):
    r = api_for(world.viewer).post(BASE, _body(world), content_type="application/json")
    assert r.status_code == 403
    otto = make_user("otto")
    make_workspace("Other", {otto: "owner"})
    out = _create(world, api_for)
    assert api_for(otto).get(f"{BASE}/{out['id']}").status_code == 404
    assert (
        api_for(otto).get(f"/api/v1/workspaces/other/alignment-checks/{out['id']}").status_code
        == 404
    )


def test_bad_input_is_a_422_naming_the_field(world, api_for):
    client = api_for(world.owner)
    r = client.post(
        BASE,
        _body(world, questions=[{"kind": "poll", "text": "?"}]),
        content_type="application/json",
    )
    assert r.status_code == 422 and "questions.0.kind" in r.json()["errors"]
    r = client.post(
        BASE, _body(world, audience={"people": [999999]}), content_type="application/json"
    )
    assert r.status_code == 422 and "audience" in r.json()["errors"]


def test_a_closing_time_given_as_a_number_is_refused_naming_the_field(world, api_for):
    # pydantic would read 0 as 1970-01-01: a number is no date-time a person meant.
    with time_machine.travel(START, tick=False):
        r = api_for(world.owner).post(
            BASE, _body(world, closes_at=0), content_type="application/json"
        )
    assert r.status_code == 422, r.content
    assert "closes_at" in r.json()["errors"]
