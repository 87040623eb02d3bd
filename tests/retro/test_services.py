"""The retrospective services against the real database: cards, anonymity, grouping, dot votes,
phases, the timer, at most three actions, carrying open actions, and who may do what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from leadline.retro import actions, services
from leadline.retro.formats import FORMATS
from leadline.retro.models import Card, Vote

from .conftest import days_ago


def test_every_format_ends_with_the_alignment_column():
    for fmt in FORMATS.values():
        assert fmt.columns[-1].key == "alignment"
        assert "right things" in fmt.columns[-1].prompt
    assert set(FORMATS) == {"start-stop-continue", "4ls", "sailboat", "mad-sad-glad"}


def test_an_anonymous_card_stores_no_author_at_all(rw):
    retro = rw.retro()
    out = services.add_card(rw.access(rw.member), retro, rw.member, column="lacked",
                            text="Unclear acceptance criteria", anonymous=True)  # fmt: skip
    signed = services.add_card(rw.access(rw.member), retro, rw.member, column="liked",
                               text="Pairing")  # fmt: skip
    assert out["author"] == "" and out["anonymous"]
    assert Card.objects.get(pk=out["id"]).author_id is None
    assert signed["author"] == "max"
    board = services.board(rw.access(rw.lead), retro, rw.lead)
    assert [c["author"] for c in board["cards"]] == ["", "max"]


def test_cards_are_written_only_in_the_write_phase_into_a_column_of_the_format(rw):
    retro = rw.retro()
    with pytest.raises(ValidationError) as bad_column:
        services.add_card(rw.access(rw.member), retro, rw.member, column="mad", text="x")
    assert "column" in bad_column.value.message_dict
    with pytest.raises(ValidationError) as empty:
        services.add_card(rw.access(rw.member), retro, rw.member, column="liked", text="  ")
    assert "text" in empty.value.message_dict
    services.set_phase(rw.access(rw.lead), retro, rw.lead, "vote")
    with pytest.raises(ValidationError) as late:
        services.add_card(rw.access(rw.member), retro, rw.member, column="liked", text="late")
    assert "phase" in late.value.message_dict


def test_a_viewer_reads_but_cannot_write_and_a_member_cannot_run_the_board(rw):
    retro = rw.retro()
    with pytest.raises(PermissionDenied):
        services.add_card(rw.access(rw.viewer), retro, rw.viewer, column="liked", text="x")
    with pytest.raises(PermissionDenied):
        services.set_phase(rw.access(rw.member), retro, rw.member, "group")
    with pytest.raises(PermissionDenied):
        services.create_retro(rw.access(rw.member), rw.member, team=rw.team, format="4ls")
    assert services.board(rw.access(rw.viewer), retro, rw.viewer)["can_run"] is False


def test_the_facilitator_runs_their_board_but_not_another(rw):
    mine = rw.retro(facilitator=rw.people["Fay"].pk)
    other = rw.retro()
    services.set_phase(rw.access(rw.facilitator), mine, rw.facilitator, "group")
    assert services.board(rw.access(rw.facilitator), mine, rw.facilitator)["can_run"]
    with pytest.raises(PermissionDenied):
        services.set_phase(rw.access(rw.facilitator), other, rw.facilitator, "group")


def test_a_board_of_another_workspace_is_not_found(rw):
    from django.http import Http404

    retro = rw.retro()
    with pytest.raises(Http404):
        services.retro_in(rw.other, retro.pk)


def test_grouping_puts_cards_under_a_title_and_an_emptied_group_goes(rw):
    retro = rw.retro()
    a = services.add_card(
        rw.access(rw.member), retro, rw.member, column="lacked", text="AC unclear"
    )
    b = services.add_card(rw.access(rw.member), retro, rw.member, column="lacked", text="No AC")
    services.set_phase(rw.access(rw.lead), retro, rw.lead, "group")
    g = services.create_group(rw.access(rw.lead), retro, rw.lead, title="Acceptance criteria",
                              cards=[a["id"], b["id"]])  # fmt: skip
    assert g["cards"] == sorted([a["id"], b["id"]])
    with pytest.raises(ValidationError) as none:
        services.create_group(rw.access(rw.lead), retro, rw.lead, title="x", cards=[999999])
    assert "cards" in none.value.message_dict
    services.ungroup_card(rw.access(rw.lead), retro, rw.lead, a["id"])
    services.ungroup_card(rw.access(rw.lead), retro, rw.lead, b["id"])
    assert services.board(rw.access(rw.lead), retro, rw.lead)["groups"] == []


def test_dot_votes_are_limited_per_person_and_store_no_voter(rw):
    retro = rw.retro()
    card = services.add_card(rw.access(rw.member), retro, rw.member, column="liked", text="x")
    services.set_phase(rw.access(rw.lead), retro, rw.lead, "vote")
    access = rw.access(rw.member)
    assert [services.vote(access, retro, rw.member, card=card["id"]) for _ in range(3)] == [2, 1, 0]
    with pytest.raises(ValidationError) as fourth:
        services.vote(access, retro, rw.member, card=card["id"])
    assert "votes" in fourth.value.message_dict
    # Another person's dots are their own.
    assert services.vote(rw.access(rw.lead), retro, rw.lead, card=card["id"]) == 2
    assert services.unvote(access, retro, rw.member, card=card["id"]) == 1
    board = services.board(access, retro, rw.member)
    assert board["cards"][0]["votes"] == 3 and board["votes_left"] == 1
    stored = {f.name for f in Vote._meta.get_fields()}
    assert not stored & {"user", "voter", "author", "person"}
    assert str(rw.member.pk) not in {v.voter_key for v in Vote.objects.all()}


def test_a_card_in_a_group_is_voted_through_its_group(rw):
    retro = rw.retro()
    card = services.add_card(rw.access(rw.member), retro, rw.member, column="liked", text="x")
    services.set_phase(rw.access(rw.lead), retro, rw.lead, "group")
    g = services.create_group(rw.access(rw.lead), retro, rw.lead, title="X", cards=[card["id"]])
    services.set_phase(rw.access(rw.lead), retro, rw.lead, "vote")
    with pytest.raises(ValidationError) as err:
        services.vote(rw.access(rw.member), retro, rw.member, card=card["id"])
    assert "card" in err.value.message_dict
    services.vote(rw.access(rw.member), retro, rw.member, group=g["id"])
    assert services.board(rw.access(rw.member), retro, rw.member)["groups"][0]["votes"] == 1


def test_the_timer_stores_its_end_and_every_change_moves_the_version(rw):
    retro = rw.retro()
    now = timezone.now()
    v0 = services.board(rw.access(rw.lead), retro, rw.lead)["version"]
    services.set_timer(rw.access(rw.lead), retro, rw.lead, 5, now=now)
    board = services.board(rw.access(rw.lead), retro, rw.lead)
    assert board["timer_ends_at"] == now + timedelta(minutes=5)
    assert board["version"] > v0
    with pytest.raises(ValidationError) as long:
        services.set_timer(rw.access(rw.lead), retro, rw.lead, 500)
    assert "minutes" in long.value.message_dict
    assert services.changed_since(retro, v0)
    services.set_timer(rw.access(rw.lead), retro, rw.lead, None)
    assert services.board(rw.access(rw.lead), retro, rw.lead)["timer_ends_at"] is None


def _act(rw, retro, title, **kw):
    return actions.add_action(
        rw.access(rw.lead), retro, rw.lead, title=title, owner=kw.pop("owner", rw.people["Max"].pk),
        due_on=kw.pop("due_on", timezone.localdate() + timedelta(days=14)), **kw,
    )  # fmt: skip


def test_a_retro_agrees_at_most_three_actions_each_owned_by_a_person_of_the_team(rw):
    retro = rw.retro(phase="actions")
    for n in range(3):
        _act(rw, retro, f"Action {n}")
    with pytest.raises(ValidationError) as fourth:
        _act(rw, retro, "A fourth")
    assert "actions" in fourth.value.message_dict
    assert "at most 3" in fourth.value.message_dict["actions"][0]
    other = rw.retro(phase="discuss")
    with pytest.raises(ValidationError) as outsider:
        _act(rw, other, "x", owner=rw.people["Out"].pk)
    assert "owner" in outsider.value.message_dict
    with pytest.raises(ValidationError) as past:
        _act(rw, other, "x", due_on=timezone.localdate() - timedelta(days=1))
    assert "due_on" in past.value.message_dict
    write = rw.retro()
    with pytest.raises(ValidationError) as early:
        _act(rw, write, "x")
    assert "phase" in early.value.message_dict


def test_open_actions_are_carried_into_the_next_retro_with_their_age_until_closed(rw):
    today = timezone.localdate()
    first = rw.retro(phase="actions", held_on=today - timedelta(days=14))
    kept = actions.add_action(rw.access(rw.lead), first, rw.lead, title="Write AC first",
                              owner=rw.people["Max"].pk, due_on=today + timedelta(days=7),
                              now=days_ago(14))  # fmt: skip
    done = _act(rw, first, "Fix the flaky test")
    dropped = _act(rw, first, "Buy a plant")
    actions.close_action(rw.access(rw.lead), done["id"], rw.lead, "done")
    with pytest.raises(ValidationError) as no_reason:
        actions.close_action(rw.access(rw.lead), dropped["id"], rw.lead, "dropped")
    assert "reason" in no_reason.value.message_dict
    actions.close_action(rw.access(rw.lead), dropped["id"], rw.lead, "dropped", "No budget")
    second = rw.retro(held_on=today)
    carried = services.board(rw.access(rw.member), second, rw.member)["carried"]
    assert [(a["title"], a["age_days"]) for a in carried] == [("Write AC first", 14)]
    assert [a["title"] for a in actions.open_actions(rw.workspace, rw.team)] == ["Write AC first"]
    assert actions.open_actions(rw.workspace, rw.team)[0]["id"] == kept["id"]
    with pytest.raises(PermissionDenied):
        actions.close_action(rw.access(rw.member), kept["id"], rw.member, "done")


def test_the_radar_readers_find_overdue_never_done_actions_and_quiet_retros(rw):
    today = timezone.localdate()
    old = rw.retro(phase="actions", held_on=today - timedelta(days=42))
    a = actions.add_action(rw.access(rw.lead), old, rw.lead, title="Automate the release",
                           owner=rw.people["Ann"].pk, due_on=today - timedelta(days=28),
                           now=days_ago(42))  # fmt: skip
    for weeks in (4, 2, 0):
        rw.retro(phase="closed", held_on=today - timedelta(days=7 * weeks))
    overdue = actions.overdue_actions(rw.workspace)
    assert [x["id"] for x in overdue] == [a["id"]] and overdue[0]["overdue"]
    never = services.never_done_actions(rw.workspace, rounds=3)
    assert [(x["id"], n) for x, n in never] == [(a["id"], 3)]
    quiet = services.retros_without_actions(rw.workspace, rounds=3)
    assert [(q["team"], q["retros_without_actions"]) for q in quiet] == [("checkout", 3)]
    assert services.retros_without_actions(rw.workspace, rounds=4) == []


def test_writing_a_card_or_voting_leaves_no_trace_in_the_audit_log(rw):
    from leadline.workspaces.models import AuditEvent

    retro = rw.retro()
    card = services.add_card(rw.access(rw.member), retro, rw.member, column="liked", text="x",
                             anonymous=True)  # fmt: skip
    services.set_phase(rw.access(rw.lead), retro, rw.lead, "vote")
    services.vote(rw.access(rw.member), retro, rw.member, card=card["id"])
    assert not AuditEvent.objects.filter(actor=rw.member).exists()
    assert not AuditEvent.objects.filter(object_type__in=["card", "vote"]).exists()


def test_a_workspace_with_retro_actions_can_be_deleted_but_not_an_owner_alone(rw):
    from django.db.models import RestrictedError

    from leadline.retro.models import Action
    from leadline.workspaces.models import Workspace

    today = timezone.localdate()
    retro = rw.retro(phase="actions")
    actions.add_action(rw.access(rw.lead), retro, rw.lead, title="Pair on reviews",
                       owner=rw.people["Ann"].pk, due_on=today + timedelta(days=7))  # fmt: skip
    with pytest.raises(RestrictedError):
        rw.people["Ann"].delete()  # an action's owner: mark them left instead
    Workspace.objects.filter(pk=rw.workspace.pk).delete()
    assert not Action.objects.exists()
