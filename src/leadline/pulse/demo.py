"""Demo pulses: every team's psychological safety fortnightly over the two years (lower in the
quarterly-release era, rising after the change to fortnightly releases), Checkout's squad health
check every eight weeks, a round where one person missed (hidden: too close to the round
before), Data's latest round below k (hidden), and Checkout's current round still open.

The demo teams are small (three to six people), so the demo workspace sets k = 3. Answers are
written straight into the tables, as the answer service stores them (no person, the day only),
seeded so each build is the same; a workspace that has pulses already is left alone.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from leadline.demo.builder import DemoContext, step
from leadline.synth.demo import CHANGE_DAYS_BEFORE_END, DEMO_DAYS
from leadline.workspaces.models import Person, hash_token

from . import catalog
from .models import Invitation, Pulse, PulseSettings, Response, Round

SEED = 14
DEMO_K = 3


def _level(day: date, end: date) -> float:
    """The team's typical goodness (1-7) on ``day``: flat and low before the change, rising
    after it."""
    change = end - timedelta(days=CHANGE_DAYS_BEFORE_END)
    if day < change:
        return 3.9
    return 4.2 + 1.7 * min(1.0, (day - change).days / CHANGE_DAYS_BEFORE_END)


def _answers(items: list[catalog.Item], level: float, rng: random.Random) -> dict[str, int]:
    out = {}
    for item in items:
        size = catalog.SCALES[item.scale].size
        # Map the 1-7 level onto the item's own scale, then add a person's spread.
        centre = 1 + (level - 1) * (size - 1) / 6
        good = max(1, min(size, round(rng.gauss(centre, 0.9 if size > 3 else 0.6))))
        out[item.key] = size + 1 - good if item.reverse else good
    return out


def _round(pulse: Pulse, number: int, opens: datetime, days: int, members: list[Person],
           answering: list[Person], level: float, rng: random.Random, now: datetime) -> None:  # fmt: skip
    closes = opens + timedelta(days=days)
    rnd = Round.objects.create(workspace=pulse.workspace, pulse=pulse, number=number,
                               opens_at=opens, closes_at=closes, closed=closes <= now,
                               invited=len(members))  # fmt: skip
    Invitation.objects.bulk_create(
        Invitation(workspace=pulse.workspace, round=rnd, person=p, lookup=secrets.token_hex(6),
                   digest=hash_token(secrets.token_urlsafe(16)), answered=p in answering)
        for p in members
    )  # fmt: skip
    items = [catalog.Item(**i) for i in pulse.items]
    rows = [
        Response(workspace=pulse.workspace, round=rnd, answers=_answers(items, level, rng),
                 submitted_on=opens.date())
        for _ in answering
    ]  # fmt: skip
    rng.shuffle(rows)
    Response.objects.bulk_create(rows)


def _series(ctx: DemoContext, team_slug: str, template: str, every: int, now: datetime,
            rng: random.Random, *, short_last: int = 0, miss_at: int = 0,
            open_last: bool = False) -> None:  # fmt: skip
    team = ctx.teams[team_slug]
    members = list(team.people.filter(active=True, kind=Person.Kind.MEMBER).order_by("name"))
    pulse = Pulse.objects.create(
        workspace=ctx.workspace, team=team, template=template, title=catalog.TEMPLATES[template],
        items=[vars(i) for i in catalog.template_items(template)],
        schedule="fortnightly" if every == 14 else "once", open_days=5,
        created_at=now - timedelta(days=DEMO_DAYS), created_by_name="demo",
    )  # fmt: skip
    end = now.date()
    first = now - timedelta(days=DEMO_DAYS)
    count = (DEMO_DAYS - 7) // every + 1
    for n in range(count):
        opens = first + timedelta(days=every * n)
        answering = list(members)
        if n == miss_at and miss_at:
            answering = answering[1:]  # one person missed this round
        if n == count - 1 and short_last:
            answering = answering[:short_last]
        _round(pulse, n + 1, opens, 5, members, answering, _level(opens.date(), end), rng, now)
    if open_last:
        opens = now - timedelta(days=2)
        _round(pulse, count + 1, opens, 5, members, members[:2], _level(end, end), rng, now)


@step("Pulses")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    """Create the demo's pulse rounds (once per workspace)."""
    if Pulse.objects.filter(workspace=ctx.workspace).exists():
        return
    PulseSettings.objects.update_or_create(workspace=ctx.workspace,
                                           defaults={"min_group_size": DEMO_K})  # fmt: skip
    rng = random.Random(SEED)
    now = timezone.now()
    ps = catalog.PSYCHOLOGICAL_SAFETY
    _series(ctx, "checkout", ps, 14, now, rng, open_last=True)
    _series(ctx, "mobile", ps, 14, now, rng, miss_at=30)
    _series(ctx, "platform", ps, 14, now, rng)
    _series(ctx, "data", ps, 14, now, rng, short_last=2)
    _series(ctx, "checkout", catalog.HEALTH_CHECK, 56, now, rng)
