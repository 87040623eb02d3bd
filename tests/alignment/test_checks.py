"""A check is created, sent, answered by link (also by a stakeholder without an account) and
closed, with time frozen; the results find each kind's disagreement."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from leadline.alignment import services as alignment
from leadline.alignment.models import Answer
from leadline.alignment.notices import send_invitations
from leadline.alignment.results import results_csv, results_for
from leadline.notify.models import Notification
from leadline.workspaces.models import AuditEvent, StakeholderLink
from leadline.workspaces.services import access_for

from .conftest import START, q

pytestmark = pytest.mark.django_db


def _answer_all(check, world, tokens):
    """Product (Ann, Bo) and IT (Cy, Sam) answer apart; Mo does not answer."""
    ids = {
        k: q(check, k).pk
        for k in (
            "scope",
            "priorities",
            "success_criteria",
            "metrics",
            "who_decides",
            "likert",
            "text",
        )
    }
    p = world.people
    answers = {
        "Ann": {"scope": {"Guest checkout": "in", "Saved cards": "in"},
                "priorities": ["Speed", "Quality", "Cost"],
                "success_criteria": [{"criterion": "Lead time", "target": "under 10 days"}],
                "metrics": ["Lead time", "Throughput"], "who_decides": p["Ann"].pk,
                "likert": 5, "text": "Ship it"},
        "Bo": {"scope": {"Guest checkout": "in", "Saved cards": "in"},
               "priorities": ["Speed", "Cost", "Quality"],
               "success_criteria": [{"criterion": "lead time", "target": "under 30 days"}],
               "metrics": ["Lead time", "Throughput"], "who_decides": "lead", "likert": 4},
        "Cy": {"scope": {"Guest checkout": "in", "Saved cards": "out"},
               "priorities": ["Cost", "Quality", "Speed"],
               "success_criteria": [{"criterion": "Estimates met", "target": "90 %"}],
               "metrics": ["Velocity"], "who_decides": "triage", "likert": 2},
        "Sam": {"scope": {"Guest checkout": "in", "Saved cards": "out"},
                "priorities": ["Cost", "Speed", "Quality"],
                "metrics": ["Velocity"], "who_decides": "dont_know", "likert": 4,
                "text": "IT was not asked"},
    }  # fmt: skip
    for name, values in answers.items():
        r = alignment.resolve_link("acme", tokens[name], now=START + timedelta(days=1))
        alignment.submit(r, {ids[k]: v for k, v in values.items()}, now=START + timedelta(days=1))


def test_a_check_is_sent_with_one_personal_link_each_expiring_at_its_close(world, sent):
    check, tokens = sent
    assert set(tokens) == {"Ann", "Bo", "Cy", "Mo", "Sam"}
    links = StakeholderLink.objects.filter(purpose="alignment", object_id=str(check.pk))
    assert links.count() == 5
    assert {link.expires_at for link in links} == {check.closes_at}
    assert len(set(tokens.values())) == 5


def test_invitations_reach_account_holders_alone_and_the_lead_gets_no_ones_link(world, sent):
    check, tokens = sent
    issued = [alignment.issue_link(world.access, check, world.people["Mo"], now=START)]
    send_invitations(check, issued, START)
    mine = Notification.objects.filter(user=world.member)
    assert mine.count() == 1 and issued[0].token in mine.get().url
    assert not Notification.objects.filter(user=world.owner, url__contains=issued[0].token)
    assert Notification.objects.filter(user=world.owner, title__startswith="Alignment check sent")


def test_answers_by_link_are_stored_and_editable_until_the_check_closes(world, sent):
    check, tokens = sent
    likert = q(check, "likert")
    with time_machine.travel(START + timedelta(days=1), tick=False):
        sam = alignment.resolve_link("acme", tokens["Sam"])
        alignment.submit(sam, {likert.pk: 2})
        alignment.submit(alignment.resolve_link("acme", tokens["Sam"]), {likert.pk: 5})
    assert Answer.objects.get(respondent=sam, question=likert).value == 5
    assert alignment.progress(check)["answered_names"] == ["Sam"]
    assert "Mo" in alignment.progress(check)["waiting_names"]
    with pytest.raises(ValidationError) as closed:
        alignment.submit(sam, {likert.pk: 1}, now=START + timedelta(days=15))
    assert "closed" in str(closed.value)
    assert AuditEvent.objects.filter(summary__startswith="Sam answered").exists()


def test_the_results_find_each_kinds_disagreement(world, sent):
    check, tokens = sent
    _answer_all(check, world, tokens)
    alignment.close_check(world.access, check, now=START + timedelta(days=2))
    res = {x["kind"]: x for x in results_for(check)["questions"]}
    scope = res["scope"]
    assert scope["contested_items"] == ["Saved cards"]  # 2 in, 2 out: 50 % < 75 %
    assert scope["groups"]["IT"] == {"Guest checkout: in": 2, "Saved cards: out": 2}
    assert scope["dissenters"] == ["Cy", "Sam"]
    # Ranks Ann (1,2,3) Bo (1,3,2) Cy (3,2,1) Sam (2,3,1): sums 7, 10, 7; mean 8; S = 6;
    # W = 12·6 / (16·24) = 0.1875.
    assert res["priorities"]["measure"] == {"name": "kendall_w", "value": 0.188}
    assert res["priorities"]["disagreement"]
    assert res["success_criteria"]["contested_items"] == ["Lead time"]  # 10 vs 30 days
    # Ann and Bo pick the same two, Cy and Sam the same one, the groups none in common:
    # pairs 1, 0, 0, 0, 0, 1 → 2/6; the groups' overlap 0 makes it a disagreement.
    assert res["metrics"]["measure"]["value"] == pytest.approx(1 / 3, abs=1e-3)
    assert res["metrics"]["disagreement"]
    assert res["metrics"]["detail"]["group_overlap"] == {"IT / Product": 0.0}
    who = res["who_decides"]
    assert who["disagreement"]  # Ann, the lead role, the triage group: three deciders
    assert who["framework_mismatch"] == (
        "1 of 4 think Ann decides; the framework says the triage group (Cy, Di)"
    )
    assert who["dissenters"] == ["Ann", "Bo"]
    assert res["likert"]["measure"] == {"name": "percent_agreement", "value": 0.75}
    assert not res["likert"]["disagreement"]


def test_free_text_is_shown_with_its_group_never_a_name_unless_chosen(world, sent):
    check, tokens = sent
    _answer_all(check, world, tokens)
    text = q(check, "text")
    alignment.submit(
        alignment.resolve_link("acme", tokens["Ann"], now=START),
        {text.pk: "Ship it"},
        named=True,
        now=START,
    )
    alignment.show_results(world.access, check)
    rows = next(x for x in results_for(check)["questions"] if x["kind"] == "text")["by_respondent"]
    assert {(r["respondent"], r["group"], r["answer"]) for r in rows} == {
        ("Ann", "Product", "Ship it"), ("", "IT", "IT was not asked"),
    }  # fmt: skip
    assert (
        "Sam" not in results_csv(results_for(check)).split("IT was not asked")[0].splitlines()[-1]
    )


def test_open_disagreements_name_the_question_what_is_contested_and_whom_to_talk_to(world, sent):
    check, tokens = sent
    _answer_all(check, world, tokens)
    assert alignment.open_disagreements(world.workspace, now=START) == []  # results hidden
    alignment.show_results(world.access, check)
    found = {d["kind"]: d for d in alignment.open_disagreements(world.workspace, now=START)}
    assert set(found) == {"scope", "priorities", "success_criteria", "metrics", "who_decides"}
    assert found["scope"]["contested"] == ["Saved cards"] and found["scope"]["who"] == ["Cy", "Sam"]
    assert found["who_decides"]["framework_mismatch"].endswith("the triage group (Cy, Di)")
    assert found["scope"]["check"] == "Checkout rewrite"


def test_a_viewer_or_member_cannot_create_checks_and_another_workspace_is_404(
    world, make_user, make_workspace
):
    for user in (world.viewer, world.member):
        with pytest.raises(PermissionDenied):
            alignment.create_check(
                access_for(user, "acme"),
                "x",
                [{"kind": "text", "text": "?"}],
                [world.people["Ann"]],
            )
    other_owner = make_user("otto")
    make_workspace("Other", {other_owner: "owner"})
    other = access_for(other_owner, "other")
    with pytest.raises(Http404):
        alignment.create_check(other, "x", [{"kind": "text", "text": "?"}], [world.people["Ann"]])


def test_bad_input_names_its_field(world):
    ann = [world.people["Ann"]]
    cases = [
        ("", [{"kind": "text", "text": "?"}], ann, "title"),
        ("x", [], ann, "questions"),
        ("x", [{"kind": "poll", "text": "?"}], ann, "questions"),
        ("x", [{"kind": "scope", "text": "?", "items": ["only one"]}], ann, "questions"),
        ("x", [{"kind": "text", "text": "?"}], [], "audience"),
    ]
    for title, questions, people, field in cases:
        with pytest.raises(ValidationError) as caught:
            alignment.create_check(world.access, title, questions, people)
        assert field in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        alignment.create_check(
            world.access, "x", [{"kind": "text", "text": "?"}], ann, closes_at=START
        )
    assert "closes_at" in caught.value.message_dict


def test_answers_of_the_wrong_shape_are_refused_naming_the_question(world, sent):
    check, tokens = sent
    r = alignment.resolve_link("acme", tokens["Ann"], now=START)
    bad = [
        ("scope", {"Guest checkout": "maybe"}),
        ("scope", {"Not an item": "in"}),
        ("priorities", ["Speed", "Speed"]),
        ("metrics", ["a", "b", "c", "d"]),
        ("likert", 6),
        ("who_decides", 999999),
        ("success_criteria", "fast"),
    ]
    for kind, value in bad:
        question = q(check, kind)
        with pytest.raises(ValidationError) as caught:
            alignment.submit(r, {question.pk: value}, now=START)
        assert f"question-{question.pk}" in caught.value.message_dict, kind
    assert not Answer.objects.exists()


def test_statements_carry_krippendorffs_alpha_over_the_check(world):
    statements = [
        {"kind": "likert", "text": "Goal clear"},
        {"kind": "likert", "text": "Scope clear"},
    ]
    people = [world.people[n] for n in ("Ann", "Bo", "Cy")]
    check, issued = alignment.create_check(
        world.access,
        "Two statements",
        statements,
        people,
        closes_at=START + timedelta(days=3),
        now=START,
    )
    first, second = check.questions.all()
    for i in issued:  # everyone: 5 on the first, 2 on the second: perfect agreement
        alignment.submit(i.respondent, {first.pk: 5, second.pk: 2}, now=START)
    alignment.show_results(world.access, check)
    details = [x["detail"] for x in results_for(check)["questions"]]
    assert [d["krippendorff_alpha"] for d in details] == [1.0, 1.0]
    alignment.submit(issued[0].respondent, {first.pk: 2, second.pk: 5}, now=START)
    assert results_for(check)["questions"][0]["detail"]["krippendorff_alpha"] < 0.5


def test_unanswered_checks_name_who_is_still_waiting_while_the_check_is_open(world, sent):
    check, tokens = sent
    _answer_all(check, world, tokens)
    found = alignment.unanswered_checks(world.workspace, now=START + timedelta(days=2))
    assert [(u["check"], u["waiting"], u["invited"]) for u in found] == [
        ("Checkout rewrite", ["Mo"], 5)
    ]
    assert alignment.unanswered_checks(world.workspace, now=check.closes_at) == []
