"""A response cannot be traced back to a person: not through the stored rows (every column of
the response and comment tables), their ids or order, the invitations, the audit log, nor any
page or API answer a lead can read."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test import Client
from django.utils import timezone

from leadline.pulse import services
from leadline.pulse.models import Comment, Invitation, Response
from leadline.workspaces.models import AuditEvent

from .conftest import PS_KEYS, ps, run_round, token_for


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def _rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a fixed table name
        return cursor.fetchall()


def test_the_response_tables_have_no_column_that_could_point_at_a_person(db):
    assert sorted(_columns("pulse_response")) == [
        "answers", "id", "round_id", "submitted_on", "workspace_id"]  # fmt: skip
    assert sorted(_columns("pulse_comment")) == ["id", "round_id", "text", "workspace_id"]
    # No foreign key from either table leads to a person, a user, an invitation or a link.
    for model in (Response, Comment):
        targets = {f.related_model._meta.db_table for f in model._meta.concrete_fields
                   if f.is_relation}  # fmt: skip
        assert targets == {"workspaces_workspace", "pulse_round"}


def test_the_stored_rows_hold_nothing_of_the_person_who_answered(pw):
    later = timezone.now() - timedelta(days=5)
    pulse, rnd, _ = run_round(pw, [], now=later, close=False)
    # Each person answers with their own distinctive pattern, through their own link, in the
    # order of the team; the stored rows must not follow that order nor hold anything of them.
    order = list(Invitation.objects.filter(round=rnd).order_by("id"))
    secrets_of = {}
    for n, inv in enumerate(order):
        token = token_for(rnd, inv.person_id)
        secrets_of[inv.person_id] = token
        services.submit(token, ps(1 + n % 7, 2, 3, 4, 5, 6, 7), f"note {n}",
                        now=later + timedelta(hours=n))  # fmt: skip
    people = {inv.person for inv in order}
    opened = timezone.localtime(rnd.opens_at, ZoneInfo(pw.workspace.tz)).date()
    text = repr(_rows("pulse_response") + _rows("pulse_comment"))
    for person in people:
        for value in (person.name, person.email, secrets_of[person.pk],
                      secrets_of[person.pk][:12]):  # fmt: skip
            assert value not in text, value
    for user in (pw.lead, pw.member, pw.viewer):
        assert user.username not in text
    # Every column of every stored row is one of: a random id, the workspace, the round, the
    # answers to the items (nothing else in them), the day; or the comment's text.
    for table, columns in (("pulse_response", _columns("pulse_response")),
                           ("pulse_comment", _columns("pulse_comment"))):  # fmt: skip
        for raw in _rows(table):
            row = dict(zip(columns, raw, strict=True))
            assert uuid.UUID(str(row.pop("id")))
            assert row.pop("workspace_id") == pw.workspace.pk
            assert row.pop("round_id") == rnd.pk
            if table == "pulse_response":
                answers = row.pop("answers")
                answers = json.loads(answers) if isinstance(answers, str) else answers
                assert set(answers) == set(PS_KEYS)
                assert all(type(v) is int for v in answers.values())
                # The round's first day, whatever day the answer came.
                assert str(row.pop("submitted_on"))[:10] == str(opened)
            else:
                assert row.pop("text").startswith("note ")
            assert row == {}
    # The only date is the round's first day: one date for all these answers, none of theirs.
    assert {r.submitted_on for r in Response.objects.filter(round=rnd)} == {opened}
    # The ids are random UUIDs, rewritten on every answer: the stored order of the answers
    # (by id and as the database returns them) is not the order they were given in.
    given = [1 + n % 7 for n in range(len(order))]
    by_id = [r.answers["mistakes"] for r in Response.objects.filter(round=rnd).order_by("id")]
    as_stored = [r.answers["mistakes"] for r in Response.objects.filter(round=rnd).order_by()]
    assert sorted(by_id) == sorted(given)
    assert not (by_id == given and as_stored == given), "stored in answering order"
    # The invitations know who answered (a flag), with no time and no pointer to a response.
    assert sorted(f.name for f in Invitation._meta.concrete_fields) == [
        "answered", "digest", "id", "lookup", "person", "reminders", "round", "workspace"]  # fmt: skip


def test_answering_is_not_logged_against_a_person(pw):
    before = AuditEvent.objects.count()
    _, rnd, tokens = run_round(pw, [], close=False, now=timezone.now())
    opened = AuditEvent.objects.count()
    services.submit(tokens[0], ps(4, 4, 4, 4, 4, 4, 4), "hello")
    assert AuditEvent.objects.count() == opened > before
    names = re.compile(r"\b(" + "|".join(p.name for p in pw.people) + r")\b")
    assert not any(names.search(e.summary) or names.search(e.actor_name)
                   for e in AuditEvent.objects.all())  # fmt: skip


def test_no_page_or_api_answer_names_who_answered(pw):
    pulse, rnd, _ = run_round(pw, [ps(1, 7, 1, 7, 1, 7, 7)] * 6, comments=["all good"])
    c = Client()
    c.force_login(pw.lead)
    pages = [
        c.get(f"/w/{pw.workspace.slug}/people/pulses/").content.decode(),
        c.get(f"/w/{pw.workspace.slug}/people/pulses/{pulse.pk}/").content.decode(),
        c.get(f"/w/{pw.workspace.slug}/people/pulses/{pulse.pk}/results.csv").content.decode(),
        c.get(f"/api/v1/workspaces/{pw.workspace.slug}/pulses").content.decode(),
        c.get(f"/api/v1/workspaces/{pw.workspace.slug}/pulses/{pulse.pk}/results").content.decode(),
    ]
    answered = Invitation.objects.filter(round=rnd, answered=True).select_related("person")
    for person in (i.person for i in answered):
        for page in pages:
            assert person.name not in page and person.email not in page


def test_the_links_the_api_returns_carry_no_names_and_come_in_random_order(pw):
    c = Client()
    c.force_login(pw.lead)
    body = c.post(f"/api/v1/workspaces/{pw.workspace.slug}/pulses",
                  {"team": "core", "template": "psychological-safety"},
                  content_type="application/json").json()  # fmt: skip
    assert len(body["links"]) == 7
    assert all(set(link) == {"url", "token"} for link in body["links"])
    assert [i["key"] for i in body["items"]][:3] == ["mistakes", "raise-problems", "different"]
    for p in pw.people:
        assert p.name not in str(body)
