"""The home page's alignment section: the person's own missing answers, and for leads the
checks closing within two days that fewer than half have answered (time passed in)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from leadline.alignment import services as alignment
from leadline.web.today import today_for
from leadline.workspaces.services import access_for

from .conftest import START

pytestmark = pytest.mark.django_db


def _section(out, key):
    return next((s for s in out.sections if s.key == key), None)


def test_no_checks_no_section(world):
    assert _section(today_for(world.access, world.owner, now=START), "alignment") is None


def test_my_missing_answers_and_the_leads_closing_checks_with_low_response(world, sent):
    check, _ = sent  # Ann, Bo, Cy, Mo, Sam; closes START + 14 days
    mo = access_for(world.member, "acme")
    out = _section(today_for(mo, world.member, now=START), "alignment")
    (entry,) = out.entries
    assert (entry.kind, entry.title, entry.mine) == ("alignment-answer", "Checkout rewrite", True)
    assert entry.url == reverse("notifications", args=["acme"])
    # The lead sees nothing yet: the check does not close within two days.
    assert _section(today_for(world.access, world.owner, now=START), "alignment").count == 0
    soon = START + timedelta(days=13)
    lead = _section(today_for(world.access, world.owner, now=soon), "alignment")
    (c,) = lead.entries
    assert c.kind == "alignment-check" and "with 0 of 5 answered" in c.detail
    assert c.url == reverse("alignment-check", args=["acme", check.pk])
    # A member is never shown the lead's entries.
    assert [
        e.kind for e in _section(today_for(mo, world.member, now=soon), "alignment").entries
    ] == ["alignment-answer"]
    # Once Mo answers, their entry goes; once half have answered, the lead's goes too.
    for name in ("Mo", "Ann", "Bo"):
        r = check.respondents.get(person__name=name)
        alignment.submit(r, {check.questions.get(kind="likert").pk: 4}, now=START)
    assert _section(today_for(mo, world.member, now=soon), "alignment").count == 0
    assert _section(today_for(world.access, world.owner, now=soon), "alignment").count == 0
