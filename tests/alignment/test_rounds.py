"""Second rounds (Delphi): the contested questions again, with the first round's answers shown
without names; the results say whether the group converged."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from leadline.alignment import services as alignment
from leadline.alignment.results import results_for
from leadline.alignment.rounds import first_round_answers, second_round

from .conftest import START, q

pytestmark = pytest.mark.django_db


def _scope(check, tokens, answers, now):
    scope = q(check, "scope")
    for name, saved_cards in answers.items():
        r = alignment.resolve_link("acme", tokens[name], now=now)
        alignment.submit(
            r, {scope.pk: {"Guest checkout": "in", "Saved cards": saved_cards}}, now=now
        )


def test_a_second_round_re_asks_the_contested_questions_and_shows_convergence(world, sent, client):
    check, tokens = sent
    day = START + timedelta(days=1)
    _scope(check, tokens, {"Ann": "in", "Bo": "in", "Cy": "out", "Sam": "out"}, day)
    with pytest.raises(ValidationError):
        second_round(world.access, check, now=day)  # results still hidden
    alignment.show_results(world.access, check)
    nxt, issued = second_round(world.access, check, now=day)
    assert (nxt.round, nxt.previous_id) == (2, check.pk)
    assert [x.kind for x in nxt.questions.all()] == ["scope"]  # the only contested question
    assert {i.respondent.person.name for i in issued} == {"Ann", "Bo", "Cy", "Mo", "Sam"}
    again = nxt.questions.get()
    assert first_round_answers(nxt) == {
        again.pk: {"Guest checkout: in": 4, "Saved cards: in": 2, "Saved cards: out": 2}
    }
    tokens2 = {i.respondent.person.name: i.token for i in issued}
    with time_machine.travel(day, tick=False):
        page = client.get(f"/w/acme/alignment/answer/{tokens2['Sam']}/").content.decode()
    assert "data-first-round" in page and "Saved cards: out: 2" in page
    assert (
        ">Ann<" not in page and "Cy" not in page.split("data-first-round")[1].split("</details>")[0]
    )
    _scope(nxt, tokens2, {"Ann": "in", "Bo": "in", "Cy": "in", "Sam": "out"}, day)
    alignment.show_results(world.access, nxt)
    result = results_for(nxt)["questions"][0]
    assert result["detail"]["previous_round"] == {
        "measure": {"name": "consensus_share", "value": 0.5}, "disagreement": True, "converged": True,
    }  # fmt: skip


def test_nothing_contested_needs_no_second_round(world, sent):
    check, tokens = sent
    _scope(check, tokens, {"Ann": "in", "Bo": "in"}, START)
    alignment.show_results(world.access, check)
    with pytest.raises(ValidationError) as caught:
        second_round(world.access, check, now=START)
    assert "Nothing is contested" in str(caught.value)


def test_the_api_starts_a_second_round_for_leads_only(world, sent, api_for):
    check, tokens = sent
    _scope(check, tokens, {"Ann": "in", "Sam": "out"}, START)
    alignment.show_results(world.access, check)
    url = f"/api/v1/workspaces/acme/alignment-checks/{check.pk}/second-round"
    assert api_for(world.member).post(url, {}, content_type="application/json").status_code == 403
    with time_machine.travel(START, tick=False):
        r = api_for(world.owner).post(url, {}, content_type="application/json")
    assert r.status_code == 201 and r.json()["round"] == 2 and r.json()["previous"] == check.pk
    assert len(r.json()["links"]) == 5
