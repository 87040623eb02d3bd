"""Minimum group size k: nothing but the count below k, at every level and through every door
(service, page, API, CSV); the difference attack; consecutive rounds that differ by few people."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from leadline.pulse import privacy, reports, services
from leadline.pulse.models import Invitation

from .conftest import run_round, same, token_for

FIGURES = {"score", "normalised", "comments"}
ITEM_FIGURES = {"mean", "normalised", "distribution", "rwg", "split"}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _assert_no_figures(result):
    assert result["suppressed"] is True
    assert not FIGURES & set(result), result
    for item in result["items"]:
        assert not ITEM_FIGURES & set(item), item


def test_k_minus_one_answers_show_only_the_count_everywhere(pw):
    pulse, rnd, _ = run_round(pw, [same(6)] * 4, comments=["I am Ann and I feel unheard"])
    result = reports.results(pw.workspace, pulse, timezone.now())
    assert result["respondents"] == 4 and result["min_group_size"] == 5
    _assert_no_figures(result)
    # The API: no figure key at all, only the count.
    api = _client(pw.viewer).get(
        f"/api/v1/workspaces/{pw.workspace.slug}/pulses/{pulse.pk}/results"
    )
    assert api.status_code == 200
    body = api.json()
    _assert_no_figures(body)
    assert body["respondents"] == 4
    # The page: the count and the reason, no comment, no score.
    page = _client(pw.viewer).get(f"/w/{pw.workspace.slug}/people/pulses/{pulse.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-suppressed="yes"' in html
    assert "feel unheard" not in html and "data-score" not in html
    # The CSV: a row saying suppressed, with empty figures.
    text = _client(pw.viewer).get(f"/w/{pw.workspace.slug}/people/pulses/{pulse.pk}/results.csv")
    rows = list(csv.DictReader(io.StringIO(text.content.decode())))
    assert rows == [{**rows[0], "suppressed": "yes", "mean": "", "normalised": "", "rwg": "",
                     "distribution": "", "respondents": "4"}]  # fmt: skip
    # The trend and the list page's JSON twin.
    trend = reports.summaries(pw.workspace, timezone.now())[0]["trend"]
    assert trend == [{**trend[0], "suppressed": True}] and "normalised" not in trend[0]


def test_k_answers_show_the_figures(pw):
    pulse, _, _ = run_round(pw, [same(6)] * 5, comments=["More pairing"])
    result = reports.results(pw.workspace, pulse, timezone.now())
    assert result["suppressed"] is False
    assert "score" in result and result["comments"] == ["More pairing"]


def test_the_workspace_chooses_k_from_3_to_10(pw):
    pulse, _, _ = run_round(pw, [same(6)] * 4)
    assert reports.results(pw.workspace, pulse, timezone.now())["suppressed"]
    services.set_min_group_size(pw.access, 4)
    assert not reports.results(pw.workspace, pulse, timezone.now())["suppressed"]
    for bad in (2, 11, "x"):
        with pytest.raises(services.ValidationError):
            services.set_min_group_size(pw.access, bad)


def test_an_open_round_shows_no_figure_even_with_k_answers(pw):
    pulse, _, _ = run_round(pw, [same(6)] * 6, close=False, now=timezone.now())
    result = reports.results(pw.workspace, pulse, timezone.now())
    _assert_no_figures(result)
    assert result["respondents"] == 6 and not result["closed"]


def test_the_difference_attack_on_the_portfolio_reveals_nobody(pw):
    # Core: 6 answers (shown). Tiny: 3 answers (hidden, below k). If the figure across teams
    # included Tiny, "across teams" minus "Core" would give Tiny's 3 people away.
    run_round(pw, [same(7)] * 6)
    run_round(pw, [same(1)] * 3, team=pw.small)
    pf = reports.portfolio(pw.workspace, "psychological-safety", timezone.now())
    core = next(t for t in pf["teams"] if t["team"] == "core")
    tiny = next(t for t in pf["teams"] if t["team"] == "tiny")
    assert tiny["suppressed"] and "normalised" not in tiny and tiny["respondents"] == 3
    assert not core["suppressed"]
    # The total is Core's alone: subtracting the shown team from it leaves an empty group.
    assert pf["respondents"] == core["respondents"] == 6
    assert pf["normalised"] == pytest.approx(core["normalised"])
    api = _client(pw.viewer).get(f"/api/v1/workspaces/{pw.workspace.slug}/pulse-portfolio")
    assert api.json()["respondents"] == 6


def test_two_hidden_teams_are_not_revealed_together_either(pw):
    from leadline.workspaces.models import Person, Team

    third = Team.objects.create(workspace=pw.workspace, slug="third", name="Third")
    for name in ("Lu", "Mo", "Ny"):
        Person.objects.create(workspace=pw.workspace, name=name).teams.set([third])
    run_round(pw, [same(7)] * 5)
    run_round(pw, [same(1)] * 3, team=pw.small)
    run_round(pw, [same(2)] * 3, team=third)
    pf = reports.portfolio(pw.workspace, "psychological-safety", timezone.now())
    # Six hidden answers (at least k together) still stay out of the total.
    assert pf["respondents"] == 5


def _move(pw, leave: list[int], join: list[str]):
    from leadline.workspaces.models import Person

    for n in leave:
        pw.people[n].teams.remove(pw.team)
    for name in join:
        Person.objects.create(workspace=pw.workspace, name=name).teams.set([pw.team])


def test_consecutive_rounds_whose_respondents_differ_by_fewer_than_k_are_suppressed(pw):
    from datetime import timedelta

    start = timezone.now() - timedelta(days=30)
    pulse, r1, _ = run_round(pw, [same(6)] * 6, now=start)  # six of seven answer
    # Round 2: all seven answer, one more than round 1: the difference would be one person.
    _, r2, _ = run_round(pw, [same(6)] * 7, pulse=pulse, now=start + timedelta(days=7))
    decided = reports.decisions(pw.workspace, timezone.now())
    assert decided[r1.pk].released
    assert not decided[r2.pk].released and decided[r2.pk].reason == privacy.TOO_CLOSE
    _assert_no_figures(reports.results(pw.workspace, pulse, timezone.now(), r2.number))
    # Round 3: the same six people as round 1 answer: no one differs from the last round
    # shown, so it is shown.
    answered_1 = set(
        Invitation.objects.filter(round=r1, answered=True).values_list("person", flat=True)
    )
    _, r3, _ = run_round(pw, [], pulse=pulse, now=start + timedelta(days=14), close=False)
    for person_id in answered_1:
        services.submit(token_for(r3, person_id), same(6), now=start + timedelta(days=14, hours=1))
    services.close_round(pw.access, r3)
    decided = reports.decisions(pw.workspace, timezone.now())
    assert decided[r3.pk].released


def test_a_new_pulse_does_not_get_round_the_consecutive_rule(pw):
    from datetime import timedelta

    start = timezone.now() - timedelta(days=30)
    run_round(pw, [same(6)] * 7, now=start)
    # A lead removes one person and starts a second pulse of the same template.
    _move(pw, leave=[0], join=[])
    pulse2, r2, _ = run_round(pw, [same(6)] * 6, now=start + timedelta(days=7))
    decided = reports.decisions(pw.workspace, timezone.now())
    assert decided[r2.pk].reason == privacy.TOO_CLOSE


def test_rounds_differing_by_k_or_more_people_are_shown(pw):
    from datetime import timedelta

    start = timezone.now() - timedelta(days=30)
    services.set_min_group_size(pw.access, 3)
    pulse, r1, _ = run_round(pw, [same(6)] * 7, now=start)
    _move(pw, leave=[0, 1, 2], join=[])  # three leave: the difference is 3 = k
    _, r2, _ = run_round(pw, [same(6)] * 4, pulse=pulse, now=start + timedelta(days=7))
    decided = reports.decisions(pw.workspace, timezone.now())
    assert decided[r1.pk].released and decided[r2.pk].released


def test_the_decision_itself_on_hand_made_facts():
    def f(i, people, closed=True):
        return privacy.RoundFacts(i, ("t", "ps"), (i,), closed, len(people), frozenset(people))

    d = privacy.decide(5, [f(1, range(6)), f(2, range(7)), f(3, range(5)), f(4, range(4)),
                           f(5, range(10, 16)), f(6, range(10, 16), closed=False)])  # fmt: skip
    assert [d[i].reason for i in range(1, 7)] == ["", "too-close", "too-close", "too-few", "",
                                                  "open"]  # fmt: skip
    # Round 3 (people 0-4) differs from round 1 (0-5) by one person: hidden. Round 5 shares no
    # one with round 1: twelve differ, shown.


def test_the_json_twin_of_the_list_holds_no_figure_of_a_hidden_round(pw):
    run_round(pw, [same(2)] * 4)
    body = _client(pw.member).get(f"/api/v1/workspaces/{pw.workspace.slug}/pulses").json()
    assert body[0]["trend"][0]["suppressed"] is True
    assert "normalised" not in json.dumps(body)


def test_every_door_asks_the_one_decision(pw, monkeypatch):
    # With the decision made to hide everything, no page, API answer, export, portfolio, trend
    # or Radar input may show a figure: none of them computes around it.
    pulse, _, _ = run_round(pw, [same(6)] * 7, comments=["secret comment"])
    real = privacy.decide

    def hide_all(k, rounds):
        return {rid: privacy.Decision(False, d.respondents, privacy.TOO_FEW)
                for rid, d in real(k, rounds).items()}  # fmt: skip

    monkeypatch.setattr(privacy, "decide", hide_all)
    slug, now = pw.workspace.slug, timezone.now()
    _assert_no_figures(reports.results(pw.workspace, pulse, now))
    assert "normalised" not in reports.portfolio(pw.workspace, "psychological-safety", now)
    assert "normalised" not in reports.summaries(pw.workspace, now)[0]["trend"][0]
    assert services.round_changes(pw.workspace, now)[0]["suppressed"]
    c = _client(pw.lead)
    for url in (f"/api/v1/workspaces/{slug}/pulses/{pulse.pk}/results",
                f"/api/v1/workspaces/{slug}/pulses", f"/api/v1/workspaces/{slug}/pulse-portfolio"):  # fmt: skip
        assert '"normalised"' not in c.get(url).content.decode(), url
    page = c.get(f"/w/{slug}/people/pulses/{pulse.pk}/").content.decode()
    assert "secret comment" not in page and "data-score" not in page
    csv_text = c.get(f"/w/{slug}/people/pulses/{pulse.pk}/results.csv").content.decode()
    assert list(csv.DictReader(io.StringIO(csv_text)))[0]["suppressed"] == "yes"
    assert "6.0" not in csv_text and "secret" not in csv_text
