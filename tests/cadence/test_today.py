"""The home page's cadence sections: the next checkpoints in focus with their local date and
time, the draft packs a lead has to publish, and the meeting actions past due or carried; each
for the person, a team (the team switcher) or everyone, within what the role may do."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from leadline.cadence import packs, recurrence, services
from leadline.cadence.models import CadenceTier
from leadline.web.today import today_for
from leadline.workspaces.models import Person, Team

pytestmark = pytest.mark.django_db


def _section(out, key):
    return next((s for s in out.sections if s.key == key), None)


def _titles(section):
    return [e.title for e in section.entries]


@pytest.fixture
def world(cw):
    """Tiers begun five weeks ago; the weekly one is Checkout's, the steering committee's
    audience is Sam; Mobile is a second team with Bo in it."""
    now = timezone.now()
    for tier in CadenceTier.objects.filter(workspace=cw.workspace):
        tier.start_on = timezone.localdate(now) - timedelta(weeks=5)
        tier.save()
    weekly = cw.tier("team")
    weekly.team = cw.team
    weekly.save()
    cw.tier("steering").audience_people.set([cw.people["Sam"]])
    mobile = Team.objects.create(workspace=cw.workspace, slug="mobile", name="Mobile")
    bo = Person.objects.create(workspace=cw.workspace, name="Bo")
    bo.teams.set([mobile])
    cw.mobile, cw.bo, cw.now = mobile, bo, now
    return cw


def _actions(w):
    """Agreed three meetings ago: Max's is past due, Ann's is carried but not yet due, Bo's is
    past due (another team's person), Lena's done one and Max's new one need nobody."""
    lead = w.access(w.lead)
    weekly = w.tier("team")
    held = recurrence.window(weekly, w.now - timedelta(weeks=4), w.now)
    early = services.occurrence_for(weekly, held[0])
    latest = services.occurrence_for(weekly, held[-1])
    today = timezone.localdate(w.now)

    def add(occ, title, person, due):
        return services.add_action(lead, occ, w.lead, title=title, owner=w.people[person].pk
                                   if person in w.people else w.bo.pk, due_on=due,
                                   now=occ.start)  # fmt: skip

    return {
        "late": add(early, "Fix the refund test data", "Max", today - timedelta(days=3)),
        "carried": add(early, "Book the load test", "Ann", today + timedelta(days=20)),
        "bo": add(early, "Ship the push API", "Bo", today - timedelta(days=1)),
        "done": services.close_action(
            lead, add(early, "Send the notes", "Lena", today - timedelta(days=9)).pk, w.lead
        ),
        "new": add(latest, "Draft the demo script", "Max", today + timedelta(days=6)),
    }


def test_nothing_shows_until_the_cadence_is_in_use(world):
    out = today_for(world.access(world.member), world.member, now=world.now)
    assert _section(out, "checkpoints") is None and _section(out, "cadence-actions") is None


def test_a_member_sees_the_next_checkpoints_they_take_part_in(world):
    packs.generate(world.access(world.lead), world.tier("team"), world.lead)  # in use now
    out = today_for(world.access(world.member), world.member, now=world.now)
    checkpoints = _section(out, "checkpoints")
    # Checkout's weekly status and the two open to everyone; not the steering committee (Sam's).
    assert sorted(_titles(checkpoints)) == [
        "Biweekly stakeholder check-in", "Monthly milestone review", "Weekly team status"]  # fmt: skip
    weekly = next(e for e in checkpoints.entries if e.title == "Weekly team status")
    at = recurrence.next_starts(world.tier("team"), world.now, 1)[0]
    local = at.astimezone(recurrence.zone(world.tier("team").time_zone))
    assert weekly.kind == "checkpoint" and weekly.date == local.date()
    assert weekly.detail.startswith(
        f"Next meeting {local:%a} {local.day} {local:%b %Y, %H:%M} ({world.workspace.tz}), 30 min"
    )
    assert weekly.url == (
        f"/w/acme/cadence/{world.tier('team').pk}/meetings/{at.astimezone(UTC):%Y%m%dT%H%M%SZ}/"
    )
    assert "pack" not in weekly.detail  # packs are the lead's business
    assert [e.date for e in checkpoints.entries] == sorted(e.date for e in checkpoints.entries)
    assert not [e for e in checkpoints.entries if e.kind == "pack"]


def test_a_cancelled_meeting_is_not_the_next_one(world):
    weekly = world.tier("team")
    first, second = recurrence.next_starts(weekly, world.now, 2)
    services.cancel_occurrence(
        world.access(world.lead), services.occurrence_for(weekly, first), world.lead
    )
    out = today_for(world.access(world.member), world.member, now=world.now)
    entry = next(e for e in _section(out, "checkpoints").entries if e.title == weekly.name)
    assert entry.url.endswith(f"{second.astimezone(UTC):%Y%m%dT%H%M%SZ}/")


def test_a_lead_sees_the_packs_waiting_for_them_to_publish(world, make_user):
    lead = world.access(world.lead)
    mine = packs.generate(lead, world.tier("team"), world.lead)
    published = packs.generate(lead, world.tier("stakeholder"), world.lead)
    packs.publish(lead, published, world.lead)
    other_lead = make_user("leo")
    from leadline.workspaces.services import set_membership

    set_membership(world.workspace, other_lead, "lead")
    packs.generate(world.access(other_lead), world.tier("milestone"), other_lead)
    out = today_for(lead, world.lead, now=world.now)
    waiting = [e for e in _section(out, "checkpoints").entries if e.kind == "pack"]
    assert [(e.title, e.mine) for e in waiting] == [("Weekly team status pack · Checkout", True)]
    assert waiting[0].url == f"/w/acme/cadence/packs/{mine.pk}/"
    assert _section(out, "checkpoints").entries[0].kind == "pack"  # first: it needs doing
    everyone = today_for(lead, world.lead, everyone=True, now=world.now)
    assert sorted(e.title for e in _section(everyone, "checkpoints").entries if e.kind == "pack") == [
        "Monthly milestone review pack", "Weekly team status pack · Checkout"]  # fmt: skip
    # The next weekly meeting has a pack built since the last one; the steering one does not.
    entries = {e.title: e for e in _section(everyone, "checkpoints").entries}
    assert "No pack built" not in entries["Weekly team status"].detail
    assert entries["Steering committee"].detail.endswith("No pack built for it yet.")
    member = today_for(world.access(world.member), world.member, everyone=True, now=world.now)
    assert not [e for e in _section(member, "checkpoints").entries if e.kind == "pack"]


def test_meeting_actions_past_due_or_carried_are_the_owners(world):
    a = _actions(world)
    mine = _section(today_for(world.access(world.member), world.member, now=world.now),
                    "cadence-actions")  # fmt: skip
    assert _titles(mine) == ["Fix the refund test data"]
    entry = mine.entries[0]
    assert entry.mine and entry.days_late == 3 and entry.kind == "cadence-action"
    assert "3 days past its due date" in entry.detail
    assert "carried into 3 later meetings" in entry.detail
    assert entry.url.startswith(f"/w/acme/cadence/{world.tier('team').pk}/meetings/")
    # A team's: those of its people (Ann's, carried but not due) and those agreed in its own
    # tiers (Bo's, of Mobile, agreed in Checkout's weekly status); the most late first.
    team = _section(today_for(world.access(world.member), world.member, team=world.team,
                              now=world.now), "cadence-actions")  # fmt: skip
    assert _titles(team) == ["Fix the refund test data", "Ship the push API", "Book the load test"]
    assert team.entries[2].days_late is None and "; due " in team.entries[2].detail
    mobile = _section(today_for(world.access(world.member), world.member, team=world.mobile,
                                now=world.now), "cadence-actions")  # fmt: skip
    assert _titles(mobile) == ["Ship the push API"]
    everyone = _section(today_for(world.access(world.viewer), world.viewer, now=world.now),
                        "cadence-actions")  # fmt: skip
    assert sorted(_titles(everyone)) == [
        "Book the load test", "Fix the refund test data", "Ship the push API"]  # fmt: skip
    assert a["done"].done_at is not None


def test_the_home_page_and_its_api_twin_show_the_cadence(world, client_for, api_for):
    _actions(world)
    packs.generate(world.access(world.lead), world.tier("team"), world.lead)
    html = client_for(world.lead).get("/w/acme/").content.decode()
    assert 'data-section="checkpoints"' in html and 'data-section="cadence-actions"' in html
    assert 'data-entry="pack"' in html and 'data-entry="checkpoint"' in html
    page = client_for(world.member).get("/w/acme/?team=mobile").content.decode()
    team = page.split('data-section="cadence-actions"')[1].split("</section>")[0]
    assert "Ship the push API" in team and "Fix the refund test data" not in team
    assert 'href="/w/acme/cadence/?team=mobile"' in team  # the link keeps the team
    api = api_for(world.member).get("/api/v1/workspaces/acme/today").json()
    keys = [s["key"] for s in api["sections"]]
    assert "checkpoints" in keys and "cadence-actions" in keys
