"""Demo data for retrospectives: fortnightly retros of Checkout and Mobile over the last three
months, with cards, groups, votes and actions (some done, one dropped, some still open and
carried), a recurring theme ("unclear acceptance criteria") and Mobile's latest retros agreeing
no action. Checkout's latest retro is still running (vote phase).

Idempotent: a retro is found by its team and title first.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from leadline.demo.builder import DemoContext, step
from leadline.governance.services import system_access
from leadline.workspaces.models import Person

from . import actions, services
from .models import Retro

# Per team, oldest first: (format, [(column, text, anonymous)], [(action, owner, outcome)])
# where outcome is "done", "dropped: reason" or "open".
CHECKOUT: list[tuple[str, list[tuple[str, str, bool]], list[tuple[str, str, str]]]] = [
    (
        "start-stop-continue",
        [
            ("stop", "Unclear acceptance criteria", True),
            ("start", "Pair on the payment provider migration", False),
            ("continue", "Friday demos", False),
            ("alignment", "Is the v2 card API still our top priority?", False),
        ],
        [
            ("Write acceptance criteria before sprint planning", "Dev Patel", "done"),
            ("Book a pairing slot every week", "Amira Haddad", "dropped: the team pairs anyway"),
        ],
    ),
    (
        "4ls",
        [
            ("liked", "Release train went smoothly", False),
            ("lacked", "Test data for refunds", True),
            ("longed-for", "Fewer meetings on Mondays", False),
        ],
        [("Build a refund test-data script", "Ben Okafor", "done")],
    ),
    (
        "mad-sad-glad",
        [
            ("mad", "Acceptance criteria were unclear again", True),
            ("sad", "The flaky checkout test blocked two releases", False),
            ("glad", "Customer service praised the new receipts", False),
            ("alignment", "Loyalty points keep jumping the queue", True),
        ],
        [
            ("Quarantine and fix the flaky checkout test", "Hugo Laurent", "done"),
            ("Agree the queue for loyalty work with Olivia", "Dev Patel", "open"),
        ],
    ),
    (
        "sailboat",
        [
            ("anchors", "Stories start with unclear acceptance criteria", True),
            ("wind", "The design system saves us days", False),
            ("rocks", "Provider sunset date in Q3", False),
            ("island", "One-click reorder", False),
        ],
        [("Three amigos before a story enters the sprint", "Amira Haddad", "open")],
    ),
    (
        "start-stop-continue",
        [
            ("start", "Three amigos for every story", False),
            ("stop", "Acceptance criteria unclear when work starts", True),
            ("continue", "Small releases", False),
            ("alignment", "Are we still working on the right things after the reorg?", True),
        ],
        [],
    ),
]
MOBILE: list[tuple[str, list[tuple[str, str, bool]], list[tuple[str, str, str]]]] = [
    ("4ls", [
        ("liked", "App store review was quick", False),
        ("lacked", "Crash reports from older phones", True),
    ], [("Add the crash reporter to the old-device build", "Elena Rossi", "done")]),
    ("mad-sad-glad", [("sad", "Release took three days", False), ("glad", "Dark mode shipped", False)], []),
    ("sailboat", [("anchors", "Waiting on the API team", True), ("wind", "Good pairing", False)], []),
    ("4ls", [("lacked", "Time for tech debt", True), ("liked", "Clear sprint goal", False)], []),
]  # fmt: skip


LIVE_CARDS = [
    ("lacked", "Unclear acceptance criteria on the reorder stories", True),
    ("liked", "The refund script", False),
    ("alignment", "Reorder or loyalty first?", True),
]


def _run(ctx: DemoContext, access: Any, team_slug: str, script: Any, now: datetime,
         people: dict[str, Person]) -> None:  # fmt: skip
    team = ctx.teams[team_slug]
    user = ctx.user
    created: list[tuple[Any, str]] = []
    n = len(script) + (1 if team_slug == "checkout" else 0)
    for i, (fmt, cards, acts) in enumerate(script):
        held = timezone.localdate(now) - timedelta(days=14 * (n - 1 - i))
        at = timezone.make_aware(datetime.combine(held, time(15, 0)))
        title = f"{team.name} retro {held:%Y-%m-%d}"
        retro = (
            Retro.objects.filter(team=team, title__startswith=f"{team.name} retro ")
            .filter(held_on=held)
            .first()
        )
        if retro is None:
            retro = services.create_retro(access, user, team=team, format=fmt, title=title,
                                          held_on=held, now=at)  # fmt: skip
            ids = [services.add_card(access, retro, user, column=c, text=t, anonymous=a, now=at)["id"]
                   for c, t, a in cards]  # fmt: skip
            services.set_phase(access, retro, user, "group", now=at)
            group = services.create_group(access, retro, user, title=cards[0][1], cards=ids[:1])
            services.set_phase(access, retro, user, "vote", now=at)
            services.vote(access, retro, user, group=group["id"])
            services.vote(access, retro, user, card=ids[1])
            services.set_phase(access, retro, user, "actions", now=at)
            for what, owner, outcome in acts:
                a = actions.add_action(access, retro, user, title=what, owner=people[owner].pk,
                                       due_on=held + timedelta(days=14), now=at)  # fmt: skip
                created.append((a["id"], outcome))
            services.set_phase(access, retro, user, "closed", now=at + timedelta(hours=1))
        # Close what the next retro would have closed.
        for pk, outcome in created:
            if outcome == "open":
                continue
            status, _, reason = outcome.partition(": ")
            done_at = at + timedelta(days=13)
            if actions.Action.objects.filter(pk=pk, status="open").exists():
                actions.close_action(access, pk, user, status, reason, now=done_at)
    if team_slug == "checkout":
        held = timezone.localdate(now)
        if not Retro.objects.filter(team=team, held_on=held).exists():
            live = services.create_retro(access, user, team=team, format="4ls",
                                         title=f"{team.name} retro {held:%Y-%m-%d}", held_on=held,
                                         facilitator=people["Nadia Ivanova"].pk, now=now)  # fmt: skip
            for column, text, anonymous in LIVE_CARDS:
                services.add_card(access, live, user, column=column, text=text,
                                  anonymous=anonymous, now=now)  # fmt: skip
            services.set_phase(access, live, user, "vote", now=now)


@step("Retrospectives")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Create the demo's retrospectives (idempotent)."""
    people = {p.name: p for p in Person.objects.filter(workspace=ctx.workspace)}
    access = system_access(ctx.workspace)
    now = timezone.now()
    _run(ctx, access, "checkout", CHECKOUT, now, people)
    _run(ctx, access, "mobile", MOBILE, now, people)
