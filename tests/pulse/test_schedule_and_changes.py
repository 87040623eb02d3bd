"""The schedule opens, reminds and closes rounds; the Radar's input respects k."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from leadline.pulse import jobs, services
from leadline.pulse.models import Invitation, Pulse, Round

from .conftest import ps, run_round, same


def test_starting_a_pulse_sends_each_member_their_own_link_and_no_one_else(pw):
    mail.outbox.clear()
    made = services.create_pulse(pw.access, pw.team, "psychological-safety")
    assert len(mail.outbox) == 7
    assert all(len(m.to) == 1 for m in mail.outbox)
    sent = {m.to[0]: m.body for m in mail.outbox}
    tokens = {link["token"] for link in made["links"]}
    # Each message holds exactly one of the links.
    assert all(sum(t in body for t in tokens) == 1 for body in sent.values())


def test_the_schedule_opens_the_next_round_reminds_and_closes(pw):
    start = timezone.now() - timedelta(days=20)
    made = services.create_pulse(pw.access, pw.team, "psychological-safety", now=start,
                                 schedule="fortnightly", open_days=5)  # fmt: skip
    pulse = Pulse.objects.get(pk=made["id"])
    services.submit(made["links"][0]["token"], same(5), now=start + timedelta(hours=1))
    # Half way through round 1: the six who have not answered get a fresh link.
    mail.outbox.clear()
    out = jobs.run_schedule(start + timedelta(days=3))
    assert out["reminded"] == 6 and len(mail.outbox) == 6
    # The round counts one reminder on every invitation alike: it keeps no trace of who had
    # not answered.
    assert Invitation.objects.filter(round__pulse=pulse, reminders=1).count() == 7
    # The old links stop working once replaced.
    for link in made["links"][1:]:
        with pytest.raises(services.Refused):
            services.open_link(link["token"], now=start + timedelta(days=3))
    # A second pass the same day reminds nobody again.
    assert jobs.run_schedule(start + timedelta(days=3, hours=1))["reminded"] == 0
    # Fourteen days on: round 1 is closed and round 2 opened.
    out = jobs.run_schedule(start + timedelta(days=14, hours=1))
    assert out["opened"] == 1
    assert list(Round.objects.filter(pulse=pulse).values_list("number", "closed")) == [
        (1, True), (2, False)]  # fmt: skip


def test_round_changes_give_the_radar_drops_splits_and_participation_within_k(pw):
    start = timezone.now() - timedelta(days=40)
    high = ps(1, 7, 1, 7, 1, 7, 7)  # the best answer everywhere
    pulse, r1, _ = run_round(pw, [high] * 7, now=start)
    split = [ps(1, 7, 1, 1, 1, 7, 7), ps(1, 7, 1, 7, 1, 7, 7), ps(7, 1, 7, 1, 7, 1, 1),
             ps(7, 1, 7, 7, 7, 1, 1), ps(4, 4, 4, 4, 4, 4, 4), ps(1, 7, 1, 7, 1, 7, 7),
             ps(7, 1, 7, 1, 7, 1, 1)]  # fmt: skip
    _, r2, _ = run_round(pw, split, pulse=pulse, now=start + timedelta(days=14))
    changes = services.round_changes(pw.workspace, timezone.now())
    (c,) = changes
    assert c["round"] == 2 and c["respondents"] == 7 and c["invited"] == 7
    overall = next(x for x in c["changes"] if x["key"] == "overall")
    assert overall["before"] == 1.0 and overall["delta"] < -0.3
    assert "risks" in c["split_items"]
    # A third round with 4 answers: below k, so it carries counts and no figure.
    run_round(pw, [same(4)] * 4, pulse=pulse, now=start + timedelta(days=28))
    (c,) = services.round_changes(pw.workspace, timezone.now())
    assert c["round"] == 3 and c["suppressed"] and c["respondents"] == 4
    assert c["previous_respondents"] == 7
    assert c["changes"] == [] and c["split_items"] == []
