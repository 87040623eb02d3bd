"""The pages: the list and builder, one check, the respondent's page behind a link, results;
who may do what, and refused links."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from leadline.alignment import services as alignment
from leadline.alignment.models import AlignmentCheck, Answer
from leadline.workspaces.models import AuditEvent

from .conftest import START, q

pytestmark = pytest.mark.django_db

BUILDER = """scope: What is in?
- Guest checkout
- Saved cards
who decides: Who decides the payment page?
@ cross-domain
likert: We agree on the goal.
"""


def _link(token: str) -> str:
    return f"/w/acme/alignment/answer/{token}/"


def test_a_lead_builds_a_check_and_sees_each_personal_link_once(world, client_for):
    client = client_for(world.owner)
    with time_machine.travel(START, tick=False):
        page = client.post(
            "/w/acme/alignment/",
            {"title": "Kickoff", "closes_on": "2026-03-16", "consensus": "75",
             "audience": [world.people["Sam"].pk, world.people["Ann"].pk], "questions": BUILDER},
        )  # fmt: skip
    html = page.content.decode()
    assert page.status_code == 200 and "data-fresh-links" in html
    check = AlignmentCheck.objects.get()
    assert [x.kind for x in check.questions.all()] == ["scope", "who_decides", "likert"]
    assert check.questions.get(kind="who_decides").domain == "cross-domain"
    assert html.count("/w/acme/alignment/answer/") == 2
    listing = client.get("/w/acme/alignment/").content.decode()
    assert "Kickoff" in listing and "0 of 2" in listing
    assert "/alignment/answer/" not in client.get(f"/w/acme/alignment/{check.pk}/").content.decode()


def test_a_builder_line_that_fits_nowhere_is_named(world, client_for):
    page = client_for(world.owner).post(
        "/w/acme/alignment/",
        {"title": "K", "closes_on": "2099-01-01", "consensus": "75",
         "audience": [world.people["Sam"].pk], "questions": "just a line"},
    )  # fmt: skip
    assert "Line 1: start a question" in page.content.decode()
    assert not AlignmentCheck.objects.exists()


def test_viewers_and_members_read_but_cannot_build_or_close(world, sent, client_for):
    check, _ = sent
    for user in (world.viewer, world.member):
        client = client_for(user)
        listing = client.get("/w/acme/alignment/")
        assert listing.status_code == 200 and "Build a check" not in listing.content.decode()
        assert client.post("/w/acme/alignment/", {"title": "x"}).status_code == 403
        assert client.post(f"/w/acme/alignment/{check.pk}/", {"action": "close"}).status_code == 403
    check.refresh_from_db()
    assert check.closed_at is None


def test_another_workspaces_check_is_404(world, sent, make_user, make_workspace, client_for):
    check, _ = sent
    otto = make_user("otto")
    make_workspace("Other", {otto: "owner"})
    client = client_for(otto)
    assert client.get(f"/w/other/alignment/{check.pk}/").status_code == 404
    assert client.get(f"/w/other/alignment/{check.pk}/results/").status_code == 404
    assert client.get(f"/w/acme/alignment/{check.pk}/").status_code == 404


def test_a_stakeholder_answers_on_the_link_page_and_can_change_the_answers(world, sent, client):
    check, tokens = sent
    scope, likert, who = q(check, "scope"), q(check, "likert"), q(check, "who_decides")
    with time_machine.travel(START + timedelta(days=1), tick=False):
        page = client.get(_link(tokens["Sam"]))
        html = page.content.decode()
        assert page.status_code == 200 and "For Sam" in html
        # Who-decides offers the people the framework names (domain deciders, the triage
        # group), never the audience: Mo, asked too, is not on the page.
        assert ">Ann</option>" in html and ">Cy</option>" in html and ">Mo<" not in html
        answer = {f"q{scope.pk}-0": "in", f"q{scope.pk}-1": "out", f"q{likert.pk}": "4",
                  f"q{who.pk}": "triage"}  # fmt: skip
        assert client.post(_link(tokens["Sam"]), answer).status_code == 302
        assert (
            client.post(_link(tokens["Sam"]), {**answer, f"q{likert.pk}": "2"}).status_code == 302
        )
        again = client.get(_link(tokens["Sam"])).content.decode()
    assert "You answered" in again
    sam = check.respondents.get(person=world.people["Sam"])
    values = {a.question_id: a.value for a in Answer.objects.filter(respondent=sam)}
    assert values == {
        scope.pk: {"Guest checkout": "in", "Saved cards": "out"},
        likert.pk: 2,
        who.pk: "triage",
    }
    assert AuditEvent.objects.filter(action="link-submit").count() == 2


def test_the_lead_sees_who_answered_but_not_what_until_results_are_shown(
    world, sent, client_for, client
):
    check, tokens = sent
    likert = q(check, "likert")
    with time_machine.travel(START + timedelta(days=1), tick=False):
        client.post(_link(tokens["Sam"]), {f"q{likert.pk}": "1"})
    lead = client_for(world.owner)
    detail = lead.get(f"/w/acme/alignment/{check.pk}/").content.decode()
    assert "1 of 5 answered" in detail and "strongly" not in detail
    hidden = lead.get(f"/w/acme/alignment/{check.pk}/results/")
    assert hidden.status_code == 403 and "data-results-hidden" in hidden.content.decode()
    lead.post(f"/w/acme/alignment/{check.pk}/", {"action": "show"})
    results = lead.get(f"/w/acme/alignment/{check.pk}/results/")
    assert results.status_code == 200 and "<meter" in results.content.decode()
    csv = lead.get(f"/w/acme/alignment/{check.pk}/results/?format=csv").content.decode()
    assert csv.startswith("question,kind,group,respondent,answer") and "Sam" in csv


def test_a_tampered_link_opens_nothing_and_an_expired_one_says_whom_to_ask(world, sent, client):
    check, tokens = sent
    token = tokens["Sam"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(_link(tampered)).status_code == 404
    assert client.post(_link(tampered), {}).status_code == 404
    assert client.get(f"/w/other/alignment/answer/{token}/").status_code == 404
    with time_machine.travel(check.closes_at + timedelta(seconds=1), tick=False):
        page = client.get(_link(token))
        assert page.status_code == 410 and "This link has expired" in page.content.decode()
        assert "ask olga" in page.content.decode()


def test_a_replaced_link_no_longer_opens(world, sent, client):
    check, tokens = sent
    alignment.issue_link(world.access, check, world.people["Sam"], now=START)
    assert client.get(_link(tokens["Sam"])).status_code == 410  # revoked: withdrawn


def test_closing_stops_every_link_and_shows_the_results(world, sent, client, client_for):
    check, tokens = sent
    client_for(world.owner).post(f"/w/acme/alignment/{check.pk}/", {"action": "close"})
    check.refresh_from_db()
    assert check.closed_at is not None and check.results_shown
    page = client.get(_link(tokens["Ann"]))
    assert page.status_code == 410 and "expired" in page.content.decode()


def test_the_link_answers_only_its_own_respondent_and_check(world, sent, client):
    check, tokens = sent
    likert = q(check, "likert")
    other, _ = alignment.create_check(
        world.access, "Other check", [{"kind": "likert", "text": "Fine?"}],
        [world.people["Ann"]], closes_at=START + timedelta(days=3), now=START,
    )  # fmt: skip
    foreign = other.questions.get()
    with time_machine.travel(START + timedelta(days=1), tick=False):
        client.post(_link(tokens["Sam"]), {f"q{likert.pk}": "5", f"q{foreign.pk}": "1"})
        sam = alignment.resolve_link("acme", tokens["Sam"])
        with pytest.raises(ValidationError) as caught:
            alignment.submit(sam, {foreign.pk: 1})
    assert "No question" in str(caught.value)
    answered = {r.person.name for r in check.respondents.exclude(submitted_at=None)}
    assert answered == {"Sam"}
    assert not Answer.objects.filter(question=foreign).exists()
