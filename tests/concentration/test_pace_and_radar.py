"""Team pace (out-of-hours share, teams of at least k only, never per person) and the two
Radar rules: an unmanaged key-person risk, a rising out-of-hours share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadline.concentration import services, workload
from leadline.concentration.models import CodeCommit, PaceWeek
from leadline.radar import engine
from leadline.radar.models import Finding

from .conftest import NOW


def _k(world, k: int) -> None:
    from leadline.pulse.models import PulseSettings

    PulseSettings.objects.update_or_create(workspace=world.workspace,
                                           defaults={"min_group_size": k})  # fmt: skip


def _pace_commits(world) -> None:
    """Weeks before (from 2 Feb back): 20 commits at 10:00 on Tuesdays. Last 4 weeks (2 Feb to
    1 Mar): 20 commits, 10 at 21:00 on Wednesdays, 10 at 10:00."""
    from leadline.delivery.models import Connection

    Connection.objects.filter(workspace=world.workspace).delete()
    world.workspace.time_zone = "UTC"
    world.workspace.save()
    rows = []
    for i in range(20):
        rows.append(("Alice Smith" if i % 2 else "Bob Jones",
                     datetime(2026, 1, 6, 10, tzinfo=UTC) + timedelta(weeks=i % 4)))  # fmt: skip
        hour = 21 if i < 10 else 10
        rows.append(
            ("Alice Smith", datetime(2026, 2, 4, hour, tzinfo=UTC) + timedelta(weeks=i % 4))
        )
    for n, (who, when) in enumerate(rows):
        CodeCommit.objects.create(workspace=world.workspace, repository="app", sha=f"c{n}",
                                  author_name=who, authored=when, files=[["A", f"src/f{n}.py"]])  # fmt: skip
    services.refresh(world.workspace, NOW)


def test_the_out_of_hours_share_is_per_team_and_only_from_k_people(world):
    _pace_commits(world)
    # Checkout has 3 active people (Carol has left): below the default k of 5, nothing shows.
    assert workload.pace(world.workspace, NOW) == []
    _k(world, 3)
    assert workload.pace(world.workspace, NOW) == [{
        "team": "checkout", "team_name": "Checkout", "members": 3,
        "recent_events": 20, "recent_share": 0.5, "earlier_events": 20, "earlier_share": 0.0,
    }]  # fmt: skip
    # Stored per team and week only: no person anywhere in the rows.
    assert {f.name for f in PaceWeek._meta.fields} == {"id", "workspace", "team", "week",
                                                       "events", "outside"}  # fmt: skip


def test_status_changes_count_for_the_items_team(world):
    from leadline.delivery.models import Transition, WorkItem

    _k(world, 3)
    _pace_commits(world)
    item = WorkItem.objects.get(key="CHK-2")
    for n in range(4):  # Saturdays in the recent weeks: all out of hours
        Transition.objects.create(item=item, seq=n, at=datetime(2026, 2, 7, 11, tzinfo=UTC)
                                  + timedelta(weeks=n), to_status="Done", by="Bob Jones")  # fmt: skip
    Transition.objects.create(
        item=item, seq=9, at=datetime(2026, 2, 7, 11, tzinfo=UTC), to_status="Done", by=""
    )  # an automation: not counted
    services.refresh(world.workspace, NOW)
    [row] = workload.pace(world.workspace, NOW)
    assert (row["recent_events"], row["recent_share"]) == (24, round(14 / 24, 3))


def _findings(world, rule: str) -> list[Finding]:
    services.refresh(world.workspace, NOW)  # the rules read stored results only
    result = engine.run(world.workspace, NOW, only=[rule])
    assert result.errors == {}
    return list(Finding.objects.filter(workspace=world.workspace, rule=rule, status="open"))


def test_rising_out_of_hours_fires_for_the_team_and_names_its_lead(world):
    _pace_commits(world)
    assert _findings(world, "rising_out_of_hours") == []  # below k: never
    _k(world, 3)
    [f] = _findings(world, "rising_out_of_hours")
    assert f.subject_kind == "team" and f.team_id == world.team.pk
    assert f.severity == "high"  # 50 points up, twice the 10-point threshold
    assert "50 %" in f.title and "up from 0 %" in f.title
    assert f.talk_to == [{"kind": "person", "name": "Lena Lead (lead, Checkout)"}]
    assert "Alice" not in f.title + str(f.evidence) + f.conversation


def test_unmanaged_key_person_risk_fires_for_a_single_author_area_an_open_epic_needs(world):
    [f] = _findings(world, "unmanaged_key_person_risk")
    assert (f.subject_kind, f.subject_name, f.team_id) == ("code_area", "shop/payments",
                                                           world.team.pk)  # fmt: skip
    assert "truck factor 1" in f.title
    assert f.evidence[0]["value"] == "1 (Alice Smith alone authors 3 files of 3)"
    assert f.evidence[1]["value"] == "CHK-1 Payment provider migration"
    assert f.talk_to == [{"kind": "person", "name": "Lena Lead (lead, Checkout)"}]
    assert "pair" in f.conversation and "rotate" in f.conversation
    assert f.severity == "medium"  # no forecast on the epic yet


def test_a_raid_risk_naming_the_area_manages_it(world):
    from leadline.raid.models import RaidItem

    RaidItem.objects.create(workspace=world.workspace, kind="risk", title="Only Alice knows "
                            "the Payments code", status="open")  # fmt: skip
    assert _findings(world, "unmanaged_key_person_risk") == []


def test_a_closed_risk_or_an_unrelated_one_does_not(world):
    from leadline.raid.models import RaidItem

    RaidItem.objects.create(workspace=world.workspace, kind="risk", title="payments",
                            status="closed")  # fmt: skip
    RaidItem.objects.create(workspace=world.workspace, kind="risk", title="payments-gateway SLA",
                            status="open")  # fmt: skip
    assert len(_findings(world, "unmanaged_key_person_risk")) == 1


def test_the_rule_never_reads_git_itself(world):
    assert engine.run(world.workspace, NOW, only=["unmanaged_key_person_risk"]).errors == {}
    assert not Finding.objects.filter(workspace=world.workspace).exists()  # nothing stored yet


def test_no_finding_once_the_epic_is_done(world):
    from leadline.delivery.models import WorkItem

    WorkItem.objects.filter(key="CHK-1").update(status="Done", resolved=NOW)
    assert _findings(world, "unmanaged_key_person_risk") == []
