"""Telling people: new and reopened high findings notify the leads in the app and on the
channels; the daily digest has a Radar section; the home page lists open high and medium
findings for the focus (everyone, a team, a person)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadline.notify import sections
from leadline.notify import services as notify
from leadline.notify.models import Notification
from leadline.radar import services
from leadline.radar.models import Finding
from leadline.web.today import today_for
from leadline.workspaces.services import access_for

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADLINE_ALLOWED_INTERNAL_HOSTS", "127.0.0.1")


def _risk(world, title, p=4, i=4, team="platform", owner="Bo"):
    from leadline.raid.models import RaidItem

    return RaidItem.objects.create(
        workspace=world.workspace, kind="risk", title=title, owner=world.people[owner],
        team=world.teams[team], probability=p, impact=i, created_at=T0,
    )  # fmt: skip


def _run(world, days: float):
    return services.run_now(world.access, T0 + timedelta(days=days))


def test_a_new_high_finding_notifies_the_leads_and_the_channels_a_medium_one_does_not(
    world, webhook
):
    port, received = webhook
    notify.add_channel(world.access, "Team chat", f"json://127.0.0.1:{port}/")
    _risk(world, "Vendor API rate limits")
    _risk(world, "Office move", p=2, i=3)
    assert _run(world, 8)["raised"] == 2
    high = Finding.objects.get(severity="high")
    assert [(n.user, n.title) for n in Notification.objects.all()] == [
        (world.owner, f"Radar (high): {high.title}")
    ]
    assert [m["title"] for m in received] == [f"Radar (high): {high.title}"]
    assert f"/w/acme/radar/{high.pk}/" in received[0]["message"]
    assert "Talk to: Bo (owner)" in received[0]["message"]
    # Still firing an hour later: nothing new, nobody told again.
    assert _run(world, 8.1)["still_open"] == 2
    assert Notification.objects.count() == 1 and len(received) == 1


def test_a_reopened_high_finding_notifies_again_and_a_quietly_dismissed_one_does_not(world):
    risk = _risk(world, "Vendor API rate limits")
    _run(world, 8)
    risk.mitigation = "Cache responses"
    risk.save()
    assert _run(world, 9)["cleared"] == 1
    risk.mitigation = ""
    risk.save()
    assert _run(world, 10)["reopened"] == 1
    assert Notification.objects.count() == 2
    f = Finding.objects.get()
    services.act(world.access, f.pk, "dismiss", world.owner, reason="Accepted by steering",
                 now=T0 + timedelta(days=10))  # fmt: skip
    _run(world, 10.5)  # the same score: stays dismissed, quiet
    assert Notification.objects.count() == 2
    _run(world, 12)  # worse than when dismissed: back, and told
    assert Finding.objects.get().status == "open"
    assert Notification.objects.count() == 3


def test_the_daily_digest_has_the_radars_open_findings(world):
    _risk(world, "Vendor API rate limits")
    _risk(world, "Office move", p=2, i=3)
    _run(world, 8)
    title, body = notify.digest(world.workspace, T0 + timedelta(days=8))
    lines = body.splitlines()
    start = lines.index("Radar: 2 open findings (1 high, 1 medium)")
    assert lines[start + 1] == (
        "  - [high] Risk “Vendor API rate limits” has had no mitigation plan for 8 days"
        " (talk to Bo (owner))"
    )
    assert "[medium]" in lines[start + 2] and "Office move" in lines[start + 2]
    assert lines[start + 3].strip().endswith("/w/acme/radar/")


def test_an_empty_radar_says_so_in_the_digest_and_a_broken_section_does_not_stop_it(world, caplog):
    sections.register_digest_section("broken", "tests.radar.test_notices.broken_section")
    try:
        _, body = notify.digest(world.workspace, T0)
    finally:
        sections._SECTIONS.pop("broken", None)
    assert "Radar: 0 open findings" in body.splitlines()
    assert "digest section broken failed" in caplog.text


def broken_section(workspace, now):
    raise RuntimeError("no data")


def _finding(world, n, severity, team=None, talk_to="Bo (owner)", status="open"):
    return Finding.objects.create(
        workspace=world.workspace, team=world.teams[team] if team else None, rule="risk_unmitigated",
        subject_kind="raid", subject_id=str(n), subject_name=f"Item {n}", severity=severity,
        title=f"Finding {n}", why="Because.", talk_to=[{"kind": "person", "name": talk_to}],
        conversation="What would help?", status=status, recheck_at=T0.date(),
        first_seen_at=T0, last_seen_at=T0 + timedelta(minutes=n), status_changed_at=T0,
    )  # fmt: skip


def _radar(out):
    return next((s for s in out.sections if s.key == "radar"), None)


def test_the_home_page_lists_open_high_and_medium_findings_in_focus(world, client_for):
    access = access_for(world.owner, world.workspace.slug)
    assert _radar(today_for(access, world.owner, now=T0)) is None  # nothing on the Radar
    _finding(world, 1, "medium", "platform")
    _finding(world, 2, "high", "checkout", talk_to="Mo (lead, Checkout)")
    _finding(world, 3, "low", "platform")
    _finding(world, 4, "high", None)
    _finding(world, 5, "high", "mobile", status="acknowledged")
    everyone = _radar(today_for(access, world.owner, everyone=True, now=T0))
    assert [e.title for e in everyone.entries] == ["Finding 4", "Finding 2", "Finding 1"]
    assert everyone.count == 3 and everyone.entries[1].team == "Checkout"
    assert everyone.entries[0].url == f"/w/acme/radar/{Finding.objects.get(title='Finding 4').pk}/"
    team = _radar(today_for(access, world.owner, team=world.teams["platform"], now=T0))
    assert [e.title for e in team.entries] == ["Finding 1"]
    assert team.more_url == "/w/acme/radar/?team=platform"
    # Mo (a member, in Checkout) sees Checkout's finding, which names him: his.
    mo = access_for(world.member, world.workspace.slug)
    mine = _radar(today_for(mo, world.member, now=T0))
    assert [(e.title, e.mine) for e in mine.entries] == [("Finding 2", True)]
    page = client_for(world.member).get("/w/acme/").content.decode()
    assert "On the Radar" in page and "Finding 2" in page
